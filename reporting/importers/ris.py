"""RIS, in the dialects databases and reference managers write, read with rispy.

rispy reads the canonical form (``TY  - `` with two spaces, every record closed by ``ER``).
Before handing the text over, one pass brings the dialects to that form: one space before
the dash (Scopus, CINAHL, several EndNote styles), a missing final ``ER``, a record opened
before the previous one was closed, blank lines inside a record, values wrapped onto
untagged lines (older EndNote and Reference Manager exports).
"""

import re

from .common import PublicationRecord, clean, doi_in, one_line, set_date, unreadable

TAG = re.compile(r"^([A-Z][A-Z0-9])( {1,2})-(?: +(.*))?$")
OPENS = re.compile(r"^TY {1,2}- ")
PEER_REVIEWED_TYPES = {"JOUR", "EJOUR"}
VENUE_KEYS = ("alternate_title3", "journal_name", "secondary_title", "alternate_title2")
VENUE_KEYS += ("alternate_title1", "publisher")  # JF, JO, T2, JA, J2, then PB (books, theses)


def looks_like_ris(lines: list[str]) -> bool:
    return any(OPENS.match(line) for line in lines)


def _canonical(text: str) -> tuple[str, list[int | None]]:
    """The text in rispy's form, and per record the line number of tag lines found outside
    any record (None for a real record) so they can be reported in their place."""
    lines = text.splitlines()
    opener = next((OPENS.match(line) for line in lines if OPENS.match(line)), None)
    # Only the file's own spacing counts as a tag, so a wrapped line that happens to begin
    # 'US - Mexico border' is not mistaken for one in a two-space file.
    spacing = opener.group(0)[2:-2] if opener else "  "
    out: list[str] = []
    order: list[int | None] = []
    is_open = False
    stray: int | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = TAG.match(line.rstrip())
        if match and match.group(2) == spacing:
            tag, value = match.group(1), (match.group(3) or "").strip()
            if tag == "TY":
                if is_open:
                    out.append("ER  - ")
                if stray is not None:
                    order.append(stray)
                    stray = None
                order.append(None)
                is_open = True
            elif tag == "ER":
                is_open = False
            elif not is_open:
                stray = stray or number
                continue
            out.append(f"{tag}  - {value}")
        elif is_open:
            # A wrapped value: joined here, as rispy would carry a line that follows TY over
            # to the previous record's last tag (a KeyError).
            out[-1] += " " + line.strip()
    if is_open:
        out.append("ER  - ")
    if stray is not None:
        order.append(stray)
    return "\n".join(out) + "\n", order


def _values(entry: dict, key: str) -> list[str]:
    value = entry.get(key)
    if value is None:
        value = entry.get("unknown_tag", {}).get(key, [])
    values = value if isinstance(value, list) else [value]
    return [one_line(v) for v in values if one_line(v)]


def _record(entry: dict) -> PublicationRecord:
    kind = one_line(entry.get("type_of_reference", "")).upper()
    record = PublicationRecord(peer_reviewed=kind in PEER_REVIEWED_TYPES)
    titles = [" ".join(_values(entry, key)) for key in ("title", "primary_title", "CT", "BT")]
    record.title = next((t for t in titles if t), "")
    record.authors = _values(entry, "authors") + _values(entry, "first_authors")
    for key in ("secondary_authors", "tertiary_authors", "subsidiary_authors"):
        record.authors = record.authors or _values(entry, key)
    set_date(
        record, _values(entry, "year") + _values(entry, "publication_year") + _values(entry, "date")
    )
    record.journal = next((v[0] for key in VENUE_KEYS if (v := _values(entry, key))), "")
    doi = next(iter(_values(entry, "doi")), "")
    record.doi = doi_in(doi) or doi
    for key in ("urls", "L3", "type_of_work"):
        for value in _values(entry, key):
            record.doi = record.doi or doi_in(value)
    accession = next(iter(_values(entry, "accession_number")), "")
    if accession.isdigit():
        record.pmid = accession  # PubMed's RIS puts the PMID here
    return clean(record)


def parse_ris(text: str) -> list[PublicationRecord]:
    """Every record from ``TY`` to ``ER`` (or to the next ``TY``, or the end of the file)."""
    import rispy  # only when a RIS file is read

    canonical, order = _canonical(text)
    # M3 and DO may repeat (CINAHL: 'M3 - Article', then 'M3 - doi: 10...'): keep them all.
    list_tags = [*rispy.LIST_TYPE_TAGS, "M3", "DO"]
    entries = iter(rispy.loads(canonical, list_tags=list_tags, skip_unknown_tags=False))
    records = []
    for position, stray in enumerate(order, start=1):
        if stray is None:
            records.append(_record(next(entries)))
        else:
            records.append(
                unreadable(
                    position, f"its lines (from line {stray}) have no TY line to open a record."
                )
            )
    return records
