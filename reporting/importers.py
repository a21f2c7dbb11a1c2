"""Read publications from a PubMed MEDLINE (.nbib/.txt) or RIS file the user exported.

Parsing only: nothing here touches the database. ``parse_publications`` decides the format
from the content (never the file name) and refuses anything else with a ValidationError.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from grants.validators import executable_kind, read_limited

from .validators import DOI_RE, PMID_RE, normalize_doi, normalize_pmid

NOT_A_CITATION_FILE = "This is not a MEDLINE or RIS file."
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- (.*)$")
RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -( (.*))?$")
DOI_IN_TEXT = re.compile(r"(10\.\d{4,9}/\S+)")


@dataclass
class PublicationRecord:
    """One parsed citation, as the preview shows it and the commit saves it."""

    title: str = ""
    doi: str = ""
    pmid: str = ""
    journal: str = ""
    year: int | None = None
    published_on: date | None = None
    authors: list[str] = field(default_factory=list)
    peer_reviewed: bool = True
    # Filled in by the preview: already recorded (or repeated earlier in the file).
    duplicate: bool = False
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-ready (for keeping a preview in the session between the two steps)."""
        data = asdict(self)
        data["published_on"] = self.published_on.isoformat() if self.published_on else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "PublicationRecord":
        data = dict(data)
        published_on = data.get("published_on")
        if isinstance(published_on, str) and published_on:
            data["published_on"] = date.fromisoformat(published_on)
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def parse_date(text: str) -> tuple[int | None, date | None]:
    """'2024 Mar 15', '2024 Mar', '2024/03/15/', '2024-03', '2024' -> (year, first of month).

    Month precision is all the report needs; a season or a bare year gives no month.
    """
    text = (text or "").strip()
    match = re.match(r"^(\d{4})(?:[ /\-]+([A-Za-z]+|\d{1,2}))?", text)
    if not match:
        return None, None
    year = int(match.group(1))
    month_text = (match.group(2) or "").lower()
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    if month and 1 <= month <= 12:
        return year, date(year, month, 1)
    return year, None


def _clean_ids(record: PublicationRecord) -> PublicationRecord:
    record.doi = normalize_doi(record.doi)
    if record.doi and not DOI_RE.match(record.doi):
        record.problems.append(f"DOI “{record.doi}” is not in the 10.xxxx/… form; left out.")
        record.doi = ""
    record.pmid = normalize_pmid(record.pmid)
    if record.pmid and not PMID_RE.match(record.pmid):
        record.problems.append(f"PubMed ID “{record.pmid}” is not 1–8 digits; left out.")
        record.pmid = ""
    record.title = " ".join(record.title.split()).rstrip()
    if not record.title:
        record.problems.append("No title.")
    return record


def parse_medline(text: str) -> list[PublicationRecord]:
    """PubMed's MEDLINE format: ``TAG - value`` lines (tags padded to four characters),
    continuation lines indented by six spaces, records separated by blank lines."""
    records: list[PublicationRecord] = []
    fields: list[list[str]] = []

    def finish():
        if not fields:
            return
        record = PublicationRecord()
        types = []
        for tag, value in fields:
            value = " ".join(value.split())
            if tag == "PMID":
                record.pmid = value
            elif tag == "TI":
                record.title = value
            elif tag == "JT":
                record.journal = value
            elif tag == "TA" and not record.journal:
                record.journal = value
            elif tag == "DP":
                record.year, record.published_on = parse_date(value)
            elif tag == "AU":
                record.authors.append(value)
            elif tag in ("AID", "LID") and value.endswith("[doi]") and not record.doi:
                record.doi = value[: -len("[doi]")].strip()
            elif tag == "PT":
                types.append(value.lower())
        record.peer_reviewed = not any("preprint" in t for t in types)
        records.append(_clean_ids(record))
        fields.clear()

    for line in text.splitlines():
        if not line.strip():
            finish()
            continue
        match = MEDLINE_LINE.match(line)
        if match:
            fields.append([match.group(1), match.group(2)])
        elif line.startswith("      ") and fields:
            fields[-1][1] += " " + line.strip()
    finish()
    return records


def parse_ris(text: str) -> list[PublicationRecord]:
    """RIS: ``TY  -`` opens a record, ``ER  -`` closes it; two-character tags."""
    records: list[PublicationRecord] = []
    current: PublicationRecord | None = None
    journals: dict[str, str] = {}
    for line in text.splitlines():
        match = RIS_LINE.match(line.rstrip())
        if not match:
            continue
        tag, value = match.group(1), (match.group(3) or "").strip()
        if tag == "TY":
            current = PublicationRecord(peer_reviewed=value.upper() == "JOUR")
            journals = {}
            continue
        if current is None:
            continue
        if tag == "ER":
            current.journal = next(
                (journals[t] for t in ("JF", "JO", "T2", "JA") if t in journals), ""
            )
            records.append(_clean_ids(current))
            current = None
        elif tag in ("TI", "T1") and not current.title:
            current.title = value
        elif tag in ("JF", "JO", "T2", "JA"):
            journals.setdefault(tag, value)
        elif tag in ("PY", "Y1", "DA"):
            year, published_on = parse_date(value)
            if published_on and not current.published_on:
                current.year, current.published_on = year, published_on
            elif year and not current.year:
                current.year = year
        elif tag in ("AU", "A1"):
            current.authors.append(value)
        elif tag == "DO" and not current.doi:
            current.doi = value
        elif tag == "UR" and not current.doi:
            found = DOI_IN_TEXT.search(value)
            if found and "doi.org" in value:
                current.doi = found.group(1)
        elif tag == "AN" and value.isdigit() and not current.pmid:
            current.pmid = value  # PubMed's RIS puts the PMID here
    return records


def detect_format(text: str) -> str:
    """'medline', 'ris' or '' from the content."""
    lines = [line for line in text.splitlines() if line.strip()][:200]
    if any(re.match(r"^PMID- ?\d+", line) for line in lines):
        return "medline"
    if any(re.match(r"^TY  - ", line) for line in lines) and any(
        re.match(r"^ER  -", line) for line in lines
    ):
        return "ris"
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
        raise ValidationError(
            f"This file is {program}, not a MEDLINE or RIS file.", code="executable"
        )
    if b"\x00" in data[:4096]:
        raise ValidationError(NOT_A_CITATION_FILE, code="not_citations")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\x00", "")  # a stray NUL further on: PostgreSQL cannot store one


def parse_publications(file) -> list[PublicationRecord]:
    """Every citation in a MEDLINE or RIS export; ValidationError for anything else."""
    text = read_text(file)
    fmt = detect_format(text)
    records = parse_medline(text) if fmt == "medline" else parse_ris(text) if fmt == "ris" else []
    if not records:
        raise ValidationError(NOT_A_CITATION_FILE, code="not_citations")
    return records
