"""BibTeX, as Google Scholar, ORCID, Zotero and other reference managers write it, read with
bibtexparser (the stable 1.4 line; v2 is still a pre-release).

LaTeX in the values (``M{\\"u}ller``, ``\\'{e}``, ``{\\'\\i}``, ``--``, ``\\emph{...}``,
protective braces) becomes plain Unicode text. An entry bibtexparser cannot read (an
unclosed brace, say) is reported in its place while the others import.
"""

import re
import unicodedata

from .common import PublicationRecord, clean, doi_in, set_date, unreadable

ENTRY_START = re.compile(r"^[ \t]*@([A-Za-z]+)\s*[{(]", re.MULTILINE)
NOT_ENTRIES = {"comment", "string", "preamble"}
PEER_REVIEWED_TYPES = {"article"}
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "school", "institution", "publisher")
VENUE_FIELDS += ("howpublished", "organization")
# Accents are decoded here rather than by latex_to_unicode, which garbles a second '{\'i}'
# in a value ('García, Mar\\á'): '\'e', '\'{e}', '{\'\i}', '\"{u}', '\c c', '\v{r}' -> the
# letter and a combining mark, composed by NFC at the end.
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303"}
ACCENTS |= {"=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b"}
ACCENTS |= {"c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}
ACCENTED = re.compile(
    r"""\\(?:([`'^"~=.])|([uvHckrdb])(?![A-Za-z]))\s*(?:\{\s*\\?([A-Za-z])\s*\}|\\?([A-Za-z]))"""
)
# Control words written with a space instead of braces ('\o rgrav', '\aa rd').
SPACED_WORD = re.compile(r"\\(oe|OE|ae|AE|aa|AA|ss|o|O|l|L)\s+(?=\w)")
FONT_COMMANDS = re.compile(
    r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|textup|mkbibemph|mathrm|mbox|text)\s*\{"
)


def looks_like_bibtex(text: str) -> bool:
    return any(m.group(1).lower() not in NOT_ENTRIES for m in ENTRY_START.finditer(text))


def latex_to_text(value: str) -> str:
    """'{\\'E}tude de l{\\"a}ge --- {COVID}-19' -> 'Étude de läge — COVID-19'."""
    from bibtexparser.latexenc import latex_to_unicode

    value = ACCENTED.sub(
        lambda m: (m.group(3) or m.group(4)) + ACCENTS[m.group(1) or m.group(2)], value or ""
    )
    value = SPACED_WORD.sub(lambda m: "\\" + m.group(1) + "{}", value)
    value = FONT_COMMANDS.sub("{", value)
    if "\\" in value:  # latex_to_unicode walks a long table: only when a command is left
        value = latex_to_unicode(value)
    value = value.replace("---", "—").replace("--", "–").replace("~", " ")
    value = value.replace("\\$", "$").replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", value)


def _split_names(value: str) -> list[str]:
    """Split 'A and {Smith and Jones Co} and B' on the top-level 'and' only."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        piece = match.group(0)
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


def _name(raw: str) -> str:
    """'Jordan Smith' -> 'Smith, Jordan' (as RIS and CSL give names); a braced corporate name
    ('{World Health Organization}') and a 'Last, First' name are kept as written."""
    from bibtexparser.customization import splitname

    if raw.startswith("{") and raw.endswith("}") or "," in raw:
        return latex_to_text(raw)
    try:
        parts = splitname(raw, strict_mode=False)
    except ValueError:  # bibtexparser.customization.InvalidName: kept as written
        return latex_to_text(raw)
    last = " ".join(parts["von"] + parts["last"])
    first = " ".join(parts["first"])
    return latex_to_text(f"{last}, {first}" if first else last)


def _record(entry: dict) -> PublicationRecord:
    fields = {k.lower(): v for k, v in entry.items()}
    kind = fields.get("entrytype", "").lower()
    record = PublicationRecord(peer_reviewed=kind in PEER_REVIEWED_TYPES)
    record.title = latex_to_text(fields.get("title", ""))
    people = fields.get("author") or fields.get("editor") or ""
    record.authors = [_name(name) for name in _split_names(people)]
    record.journal = latex_to_text(next((fields[f] for f in VENUE_FIELDS if fields.get(f)), ""))
    month = fields.get("month", "")
    set_date(record, [f"{fields.get('year', '')} {month}".strip(), fields.get("date", "")])
    doi = fields.get("doi", "")
    record.doi = doi_in(doi) or doi
    record.doi = record.doi or doi_in(fields.get("url", "")) or doi_in(fields.get("note", ""))
    record.pmid = fields.get("pmid", "")
    return clean(record)


def parse_bibtex(text: str) -> list[PublicationRecord]:
    """Every entry, in file order. Each entry (and @string macro) is handed to one
    bibtexparser parser on its own, so an unreadable entry is named in its place, the others
    are kept, and an unclosed brace cannot swallow the rest of the file (bibtexparser's
    pyparsing grammar recurses: such a brace can exhaust the stack rather than fail)."""
    import bibtexparser
    import pyparsing
    from bibtexparser.bparser import BibTexParser

    parser = BibTexParser(
        common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True
    )
    parser.expect_multiple_parse = True  # one parser, one chunk at a time; macros carry over
    entries = parser.bib_database.entries
    starts = list(ENTRY_START.finditer(text))
    records = []
    for i, start in enumerate(starts):
        chunk = text[start.start() : starts[i + 1].start() if i + 1 < len(starts) else None]
        read = len(entries)
        try:
            bibtexparser.loads(chunk, parser)
        except (pyparsing.ParseException, RecursionError, ValueError, IndexError, KeyError):
            pass  # reported below when the chunk was an entry
        if start.group(1).lower() in NOT_ENTRIES:
            continue
        if len(entries) > read:
            records.append(_record(entries[read]))
            continue
        key = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]*)", chunk)
        named = f" (“{key.group(1)}”)" if key and key.group(1) else ""
        records.append(
            unreadable(
                len(records) + 1, f"the BibTeX entry{named} is malformed (check its braces)."
            )
        )
    return records
