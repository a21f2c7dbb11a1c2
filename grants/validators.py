"""Validation of things applicants hand in: PDF uploads and word counts."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

WORD_RE = re.compile(r"\S+")


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text or ""))


@dataclass(frozen=True)
class CheckedPdf:
    size: int
    pages: int
    sha256: str


def validate_pdf_upload(uploaded_file) -> CheckedPdf:
    """Accept a file only if it is a real, readable PDF within the size limit.

    The name and the browser's content type are ignored: the bytes decide.
    """
    from pypdf import PdfReader  # slow import, only needed here
    from pypdf.errors import DependencyError, PdfReadError, PyPdfError

    limit = settings.NORTHSTAR_MAX_UPLOAD_BYTES
    size = uploaded_file.size
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}.",
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(1024)
    if b"%PDF-" not in head:
        raise ValidationError(
            "This file is not a PDF (whatever its name says). Save or export it as PDF.",
            code="not_pdf",
        )
    uploaded_file.seek(0)
    encrypted = ValidationError(
        "This PDF is password-protected; upload a copy without a password.", code="encrypted"
    )
    try:
        reader = PdfReader(uploaded_file)
        if reader.is_encrypted:
            raise encrypted
        pages = len(reader.pages)
    except ValidationError:
        raise
    except DependencyError as exc:  # AES-encrypted: pypdf needs a crypto library to even open it
        raise encrypted from exc
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
    ) as exc:
        raise ValidationError(
            "This PDF is damaged and cannot be read. Export it again and re-upload.",
            code="unreadable",
        ) from exc
    if pages == 0:
        raise ValidationError("This PDF has no pages.", code="no_pages")
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedPdf(size=size, pages=pages, sha256=digest.hexdigest())


def validate_time_zone(value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"“{value}” is not a time zone name such as America/Los_Angeles.", code="time_zone"
        ) from exc
