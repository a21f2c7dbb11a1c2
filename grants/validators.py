"""Validation of things applicants hand in: PDF uploads (and their file names), word counts
and the hard limits on free text; and of a call's list of eligible departments and its
dates."""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

WORD_RE = re.compile(r"\S+")


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text or ""))


# Hard limits on free text, in characters. Far above any word limit a call sets (a 2,000-word
# research strategy is about 14,000 characters), low enough that nobody can store a megabyte.
# Word limits only block submission; these refuse the save (forms, serializers and services).
LONG_TEXT_MAX = 20_000
PROPOSAL_TEXT_LIMITS = {
    "title": 250,
    "abstract": LONG_TEXT_MAX,
    "specific_aims": LONG_TEXT_MAX,
    "research_strategy": 100_000,
    "community_engagement_plan": LONG_TEXT_MAX,
    "timeline": LONG_TEXT_MAX,
    "budget_justification": LONG_TEXT_MAX,
}


# A letter of intent's free text (its aims summary's word limit blocks sending, not saving).
LETTER_TEXT_LIMITS = {
    "title": 250,
    "aims_summary": LONG_TEXT_MAX,
    "team": 4000,
}
TRIAGE_MESSAGE_MAX = 4000


def too_long_message(limit: int, length: int) -> str:
    return f"Keep this to {limit:,} characters or fewer (it has {length:,})."


def text_length_errors(data, limits) -> dict[str, list[str]]:
    """Field errors for the strings in ``data`` longer than their limit in ``limits``."""
    errors = {}
    for name, limit in limits.items():
        value = data.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = [too_long_message(limit, len(value))]
    return errors


def text_problem(text: str, limit: int) -> str:
    """Why a free text cannot be saved ('' when it can): too long, or holding a NUL character
    (which PostgreSQL cannot store; forms and serializers refuse it, raw input must too)."""
    if len(text) > limit:
        return too_long_message(limit, len(text))
    if "\x00" in text:
        return "Null characters are not allowed."
    return ""


def single_line(value) -> str:
    """A one-line text (a title, a name): runs of whitespace, new lines included, become one
    space, so it can never break an e-mail header or a table row."""
    return " ".join(str(value or "").split())


@dataclass(frozen=True)
class CheckedPdf:
    size: int
    pages: int
    sha256: str
    # The bytes that were checked: what is stored, so nothing unchecked can reach the disk.
    content: bytes = field(default=b"", repr=False, compare=False)


# Magic numbers of programs: a file starting with one is refused as a program, whatever its name.
EXECUTABLE_MAGIC = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS program"),
    (b"#!", "a script"),
)
READ_CHUNK = 64 * 1024
# Walking a PDF's objects is bounded too: a 10 MB file can hold a million tiny objects.
MAX_PDF_OBJECTS = 200_000

# PDF names that make a document do something when opened: scripts, launching programs, and
# files carried inside it. Checked in every object of the file as pypdf reads it (names
# decoded, so ``/J#61vaScript`` is ``/JavaScript``; compressed object streams opened), not in
# the raw bytes, where compressed data or a link such as "https://example.org/JS" could
# spell one by chance.
ACTIVE_CONTENT = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/EmbeddedFile": "embedded",
    "/EmbeddedFiles": "embedded",
    "/EF": "embedded",
    "/FileAttachment": "embedded",
    "/RichMedia": "embedded",
}
ACTIVE_CONTENT_MESSAGES = {
    "javascript": "This PDF contains JavaScript (scripts that run when it is opened), which we "
    "do not accept. Print it to a new PDF (File › Print › Save as PDF) and upload that.",
    "launch": "This PDF contains an action that starts another program, which we do not "
    "accept. Print it to a new PDF (File › Print › Save as PDF) and upload that.",
    "embedded": "This PDF carries other files inside it (embedded files), which we do not "
    "accept. Print it to a new PDF (File › Print › Save as PDF) and upload that.",
}


def too_large_error(size: int | None = None) -> ValidationError:
    limit = settings.NORTHSTAR_MAX_UPLOAD_BYTES
    said = f"The file is {filesizeformat(size)}; " if size else "The file is too large; "
    return ValidationError(f"{said}the limit is {filesizeformat(limit)}.", code="too_large")


def executable_kind(head: bytes) -> str:
    """'a Windows program' (etc.) when ``head`` starts like a program, else ''."""
    for magic, kind in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return kind
    return ""


def read_limited(uploaded_file, limit: int | None = None) -> bytes:
    """The file's bytes, read in chunks and never more than ``limit`` + 1 of them.

    A size the upload declares over the limit is refused before anything is read (a file cut
    off by the upload handlers says so: config.uploads); a stream that says nothing, or
    understates, is read only until it passes the limit. Raises ValidationError ``too_large``.
    """
    limit = settings.NORTHSTAR_MAX_UPLOAD_BYTES if limit is None else limit
    declared = getattr(uploaded_file, "size", None)
    if getattr(uploaded_file, "too_large", False) or (declared or 0) > limit:
        raise too_large_error(declared)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    parts: list[bytes] = []
    received = 0
    while received <= limit:
        chunk = uploaded_file.read(min(READ_CHUNK, limit + 1 - received))
        if not chunk:
            break
        if isinstance(chunk, str):
            chunk = chunk.encode()
        parts.append(chunk)
        received += len(chunk)
    if received > limit:
        raise too_large_error(declared if (declared or 0) > limit else None)
    return b"".join(parts)


def _active_content_in_objects(reader) -> set[str]:
    """Active-content names (as keys, or as an action's /S or a /Type or /Subtype) in every
    object of the file: those reachable from the trailer and every other one its
    cross-reference tables list (a viewer repairing the file may find those too), including
    objects inside compressed object streams. pypdf decodes the names as it reads them."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    listed = [
        IndirectObject(idnum, generation, reader)
        for generation, objects in reader.xref.items()
        for idnum in objects
    ]
    listed += [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]
    stack = [*listed, reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValidationError(
                "This PDF is too complex to check. Print it to a new PDF and upload that.",
                code="too_complex",
            )
        if isinstance(item, DictionaryObject):  # streams are dictionaries too
            for name, value in item.items():
                if name in ACTIVE_CONTENT:
                    found.add(ACTIVE_CONTENT[name])
                if name in ("/S", "/Type", "/Subtype") and value in ACTIVE_CONTENT:
                    found.add(ACTIVE_CONTENT[value])
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(
                v for v in item if isinstance(v, IndirectObject | DictionaryObject | ArrayObject)
            )
    return found


def validate_pdf_upload(uploaded_file) -> CheckedPdf:
    """Accept a file only if it is a real, readable PDF within the size limit, without
    scripts, launch actions or embedded files, and not password-protected.

    The name and the browser's content type are ignored: the bytes decide. Never reads more
    than the size limit (plus one byte) of the upload.
    """
    from pypdf import PdfReader  # slow import, only needed here
    from pypdf.errors import DependencyError, PdfReadError, PyPdfError

    data = read_limited(uploaded_file)
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    program = executable_kind(data)
    if program:
        raise ValidationError(
            f"This file is {program}, not a PDF (whatever its name says). Upload a PDF.",
            code="executable",
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            "This file is not a PDF (whatever its name says). Save or export it as PDF.",
            code="not_pdf",
        )
    encrypted = ValidationError(
        "This PDF is password-protected; upload a copy without a password.", code="encrypted"
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise encrypted
        pages = len(reader.pages)
        active = _active_content_in_objects(reader)
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
    if active:
        raise ValidationError(
            [
                ValidationError(ACTIVE_CONTENT_MESSAGES[kind], code=kind)
                for kind in ("javascript", "launch", "embedded")
                if kind in active
            ]
        )
    if pages == 0:
        raise ValidationError("This PDF has no pages.", code="no_pages")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return CheckedPdf(
        size=len(data), pages=pages, sha256=hashlib.sha256(data).hexdigest(), content=data
    )


def display_file_name(name, *, default: str = "document", max_length: int = 120) -> str:
    """A file name the user gave, made safe to keep and show: the last path part only (after
    / or \\, also their full-width look-alikes), no control or invisible characters (NUL,
    new lines, right-to-left overrides, zero-width spaces), single spaces, no leading dots, at
    most ``max_length`` characters with the extension kept. Never used on disk: stored files
    get generated names (grants.models.attachment_upload_to)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = " ".join(text.split()).lstrip(". ").rstrip(" ")
    if not text:
        return default
    if len(text) > max_length:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:max_length].rstrip(" .")
    return text


def validate_time_zone(value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"“{value}” is not a time zone name such as America/Los_Angeles.", code="time_zone"
        ) from exc


# A department as the profile holds it (accounts.Profile.department).
DEPARTMENT_MAX = 200


def department_key(name: str) -> str:
    """How two department names are compared: any case, spacing ignored ("family  medicine"
    is Family Medicine)."""
    return " ".join((name or "").split()).casefold()


def departments_clean(value) -> list[str]:
    """A call's eligible departments: a list of names, each trimmed (inner spacing made
    single), none empty, none longer than a profile's department, each once (any case).
    Raises ValidationError naming the first bad entry."""
    if not isinstance(value, list | tuple):
        raise ValidationError("Give the departments as a list of names.")
    cleaned: dict[str, str] = {}
    for position, name in enumerate(value, start=1):
        if not isinstance(name, str):
            raise ValidationError(f"Department {position} is not text.")
        name = " ".join(name.split())
        if not name:
            raise ValidationError(f"Department {position} is empty.")
        if len(name) > DEPARTMENT_MAX:
            raise ValidationError(
                f"Department {position} is longer than {DEPARTMENT_MAX} characters."
            )
        cleaned.setdefault(department_key(name), name)
    return list(cleaned.values())


# A new call's dates fall before this year ends (a typed "20266" is a typo, not a plan).
LAST_CALL_YEAR = 2099


def call_dates_errors(
    *, opens_at, closes_at, letter_of_intent: bool, letters_close_at=None, now
) -> dict[str, list[str]]:
    """What is wrong with a new call's dates, by field ({} when nothing): each given with its
    time zone, in the future and before 2100, the deadline after the opening, and — on a call that opens
    with a letter of intent — the letters due between the two (the orders the database's
    constraints hold every call to; the future is asked of a call being made)."""
    given = {"opens_at": opens_at, "closes_at": closes_at}
    if letter_of_intent:
        given["letters_close_at"] = letters_close_at
    errors: dict[str, list[str]] = {}
    missing = {
        "opens_at": "Give the date and time the call opens.",
        "closes_at": "Give the deadline for full proposals.",
        "letters_close_at": "This call opens with a letter of intent: give the letters' deadline.",
    }
    for name, moment in given.items():
        if moment is None:
            errors[name] = [missing[name]]
        elif moment.tzinfo is None or moment.utcoffset() is None:
            errors[name] = ["Give the time with its time zone."]
        elif moment <= now:
            errors[name] = ["This date has passed; a new call's dates are in the future."]
        elif moment.year > LAST_CALL_YEAR:
            errors[name] = [f"Give a date before {LAST_CALL_YEAR + 1}."]
    if not letter_of_intent and letters_close_at is not None:
        errors["letters_close_at"] = [
            "This call has no letter-of-intent stage; leave the letters' deadline empty."
        ]
    if errors:
        return errors
    if closes_at <= opens_at:
        # Nothing can fall between them: the letters' deadline is judged once this is fixed.
        return {"closes_at": ["The deadline must come after the call opens."]}
    if letter_of_intent and not opens_at < letters_close_at < closes_at:
        errors["letters_close_at"] = [
            "Letters of intent are due after the call opens and before the deadline for full "
            "proposals."
        ]
    return errors
