"""Read publications from the citation file a user exported: MEDLINE (PubMed, ERIC, Ovid),
RIS (Scopus, CINAHL, EndNote, Zotero, ...), BibTeX (Google Scholar, ORCID, Zotero) or CSL
JSON (Zotero, Mendeley).

Parsing only: nothing here touches the database. ``parse_publications`` decides the format
from the content (never the file name) and refuses anything else with a ValidationError. A
record that cannot be read is returned in its place with its problem, so one broken record
does not cost the file's others.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

from grants.validators import executable_kind, read_limited

from .bibtex import looks_like_bibtex, parse_bibtex
from .common import (
    FORMATS,
    NOT_A_CITATION_FILE,
    PublicationRecord,
    normalized_title,
    parse_date,
)
from .csl import load_csl, parse_csl
from .medline import looks_like_medline, parse_medline
from .ris import looks_like_ris, parse_ris

__all__ = [
    "NOT_A_CITATION_FILE",
    "PublicationRecord",
    "detect_format",
    "normalized_title",
    "parse_bibtex",
    "parse_csl",
    "parse_date",
    "parse_medline",
    "parse_publications",
    "parse_ris",
    "read_text",
]


def detect_format(text: str) -> str:
    """'csl', 'ris', 'medline', 'bibtex' or '' from the content. RIS before MEDLINE: both
    write 'TI  - ', but only RIS opens records with TY."""
    if load_csl(text) is not None:
        return "csl"
    lines = [line for line in text.splitlines() if line.strip()][:400]
    if looks_like_ris(lines):
        return "ris"
    if looks_like_medline(lines):
        return "medline"
    if looks_like_bibtex(text):
        return "bibtex"
    return ""


def read_text(file) -> str:
    """Text of an uploaded file, bytes or str, within the upload size limit. A file is read
    in chunks and never past the limit (grants.validators.read_limited)."""
    too_large = ValidationError("The file is too large to be a citation export.", code="too_large")
    if hasattr(file, "read"):
        try:
            data = read_limited(file)
        except ValidationError as exc:
            raise too_large from exc
    else:
        data = file
    if isinstance(data, str):
        data = data.encode()
    if len(data) > settings.NORTHSTAR_MAX_UPLOAD_BYTES:
        raise too_large
    program = executable_kind(data)
    if program:
        raise ValidationError(f"This file is {program}, not a {FORMATS} file.", code="executable")
    if b"\x00" in data[:4096]:
        raise ValidationError(NOT_A_CITATION_FILE, code="not_citations")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\x00", "")  # a stray NUL further on: PostgreSQL cannot store one


# One import is one person's or one project's publications: a few hundred at most. The cap
# keeps a request short — BibTeX is read at 2–6 ms an entry (bibtexparser 1.x), so a 10 MB
# file of tens of thousands of entries would hold a worker for minutes — and the preview
# readable.
MAX_RECORDS = 1000
_BIBTEX_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)


def _too_many(count: int) -> ValidationError:
    return ValidationError(
        f"This file holds {count:,} records; import at most {MAX_RECORDS:,} at a time "
        "(export them in parts, for example by year).",
        code="too_many",
    )


def parse_publications(file) -> list[PublicationRecord]:
    """Every citation in a MEDLINE, RIS, BibTeX or CSL JSON export, unreadable records
    included with their problem; ValidationError for a file in none of these formats, or
    of more than ``MAX_RECORDS`` records (BibTeX counted before it is parsed)."""
    text = read_text(file)
    fmt = detect_format(text)
    if fmt == "bibtex":
        entries = len(_BIBTEX_ENTRY.findall(text))
        if entries > MAX_RECORDS:
            raise _too_many(entries)
    if fmt == "csl":
        records = parse_csl(load_csl(text))
    elif fmt == "ris":
        records = parse_ris(text)
    elif fmt == "medline":
        records = parse_medline(text)
    elif fmt == "bibtex":
        records = parse_bibtex(text)
    else:
        records = []
    if not records:
        raise ValidationError(NOT_A_CITATION_FILE, code="not_citations")
    if len(records) > MAX_RECORDS:
        raise _too_many(len(records))
    if not any(r.title or r.doi or r.pmid for r in records):
        # The format is known but nothing in it could be read: say what, not "not a file".
        reasons = [p for r in records[:5] for p in r.problems if p != "No title."]
        reasons = reasons or ["None has a title."]
        raise ValidationError(
            " ".join(["No record in this file could be read.", *reasons]), code="unreadable"
        )
    return records
