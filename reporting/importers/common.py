"""What every citation format is read into, and the clean-up they share (dates, ids, titles)."""

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import unquote

from ..validators import DOI_RE, PMID_RE, normalize_doi, normalize_pmid

FORMATS = "MEDLINE, RIS, BibTeX or CSL JSON"
NOT_A_CITATION_FILE = f"This is not a {FORMATS} file."
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
# A DOI inside free text or a URL (up to the URL's next parameter); trailing punctuation
# belongs to the sentence, not the DOI.
DOI_IN_TEXT = re.compile(r"(10\.\d{4,9}/[^\s\"<>&?#]+)")
DOI_TRAILING = ".,;:)]}'"


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


def unreadable(position: int, why: str) -> PublicationRecord:
    """A record that is in the file but could not be read: shown in the preview with why,
    and skipped by the commit (it has no title), while the file's other records import."""
    return PublicationRecord(problems=[f"Record {position} could not be read: {why}"])


def parse_date(text: str) -> tuple[int | None, date | None]:
    """'2024 Mar 15', '2024 Mar', '2015 Aug-Sep', '2024/03/15/', '2024-03', '2020 Spring',
    '2024' -> (year, first of month).

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


def set_date(record: PublicationRecord, texts: list[str]) -> None:
    """The year from the first date that has one, the month from the first that has one."""
    for text in texts:
        year, published_on = parse_date(text)
        if published_on and not record.published_on:
            record.published_on = published_on
            record.year = year
        elif year and not record.year:
            record.year = year


def doi_in(text: str) -> str:
    """The DOI inside a URL or a note ('https://doi.org/10.1/x', 'doi: 10.1/x'), or ''."""
    found = DOI_IN_TEXT.search(unquote(text or ""))
    return found.group(1).rstrip(DOI_TRAILING) if found else ""


def one_line(text: str) -> str:
    """Whitespace (line breaks of wrapped values included) collapsed to single spaces."""
    return " ".join((text or "").split())


def normalized_title(title: str) -> str:
    """For telling the same paper apart across formats: accents, case, punctuation and
    spacing ignored ('Étude: a trial.' == 'etude a trial')."""
    decomposed = unicodedata.normalize("NFKD", title or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


def clean(record: PublicationRecord) -> PublicationRecord:
    """Ids in their stored form (left out, with a problem, when malformed); one-line title."""
    record.doi = normalize_doi(record.doi)
    if record.doi and not DOI_RE.match(record.doi):
        record.problems.append(f"DOI “{record.doi}” is not in the 10.xxxx/… form; left out.")
        record.doi = ""
    record.pmid = normalize_pmid(record.pmid)
    if record.pmid and not PMID_RE.match(record.pmid):
        record.problems.append(f"PubMed ID “{record.pmid}” is not 1–8 digits; left out.")
        record.pmid = ""
    record.title = one_line(record.title)
    record.journal = one_line(record.journal)
    record.authors = [one_line(a) for a in record.authors if one_line(a)]
    if not record.title:
        record.problems.append("No title.")
    return record
