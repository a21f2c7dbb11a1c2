"""MEDLINE format, as PubMed, ERIC and Ovid write it.

``TAG - value`` lines with the tag padded to four characters (``PMID-``, ``TI  -``, ``FAU -``),
values wrapped onto indented continuation lines, records separated by blank lines. No library
reads it (rispy's parsers are for RIS and Web of Science), and the format is simple enough.
PubMed starts each record with ``PMID-``; ERIC and Ovid start with ``OWN - ERIC`` and have no
PMID, so a record is whatever lies between blank lines.
"""

import re

from .common import PublicationRecord, clean, one_line, set_date

LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *-(?: (.*))?$")
# Enough to tell MEDLINE from prose and from RIS (whose records open with TY).
SIGNATURE_TAGS = {"PMID", "OWN", "STAT", "FAU", "DP", "SO", "JT", "TA", "PT", "AID", "LID"}
UNREAD_TYPES = ("preprint", "book", "dissertation", "theses", "thesis")


def is_medline_line(line: str) -> bool:
    """A tag line of the padded four-character form: 'PMID- 1', 'TI  - x', 'FAU - x'."""
    return line[4:5] == "-" and bool(LINE.match(line))


def looks_like_medline(lines: list[str]) -> bool:
    tags = {line[:4].strip() for line in lines if is_medline_line(line)}
    return bool(tags & {"TI", "BTI"}) and bool(tags & SIGNATURE_TAGS)


def _record(fields: list[tuple[str, str]]) -> PublicationRecord:
    record = PublicationRecord()
    values: dict[str, list[str]] = {}
    authors, full_authors = [], []
    for tag, value in fields:
        value = one_line(value)
        values.setdefault(tag, []).append(value)
        # Collective authors (CN) keep their place among the people.
        if tag in ("AU", "CN"):
            authors.append(value)
        if tag in ("FAU", "CN"):
            full_authors.append(value)

    def first(*tags: str) -> str:
        return next((values[t][0] for t in tags if values.get(t)), "")

    record.pmid = first("PMID")
    record.title = first("TI", "BTI")
    # SO is a citation line ('Diabetes Care. 2025 Mar;48(3):101-10.'): its first part.
    source = re.split(r"[.,;]\s", first("SO"), maxsplit=1)[0]
    record.journal = first("JT", "TA", "PB") or source
    set_date(record, values.get("DP", []) + values.get("DEP", []))
    record.authors = authors if values.get("AU") else full_authors
    record.doi = next(
        (
            v[: -len("[doi]")].strip()
            for t in ("LID", "AID")
            for v in values.get(t, [])
            if v.endswith("[doi]")
        ),
        first("DO"),  # Ovid writes the DOI on its own line
    )
    types = [t.lower() for t in values.get("PT", [])]
    record.peer_reviewed = not any(word in t for t in types for word in UNREAD_TYPES)
    return clean(record)


def parse_medline(text: str) -> list[PublicationRecord]:
    """Every record between blank lines (or each ``PMID-`` line, for files without them)."""
    records: list[PublicationRecord] = []
    fields: list[list[str]] = []

    def finish():
        if fields:
            records.append(_record([(t, v) for t, v in fields]))
            fields.clear()

    for line in text.splitlines():
        if not line.strip():
            finish()
            continue
        if is_medline_line(line):
            match = LINE.match(line)
            tag, value = match.group(1), match.group(2) or ""
            if tag == "PMID" and any(t == "PMID" for t, _ in fields):
                finish()  # two PubMed records with no blank line between them
            fields.append([tag, value])
        elif fields:
            fields[-1][1] += " " + line.strip()  # a wrapped value (indented six spaces)
    finish()
    return records
