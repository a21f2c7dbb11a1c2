"""CSL JSON (Zotero, Mendeley, citation.js, Crossref's content negotiation): a JSON list of
items with ``title``, ``author`` [{family, given} or {literal}], ``issued`` {date-parts},
``container-title``, ``DOI`` and ``PMID``. The standard library reads JSON; what is left is
mapping the fields."""

import json

from .common import PublicationRecord, clean, doi_in, set_date, unreadable

CSL_KEYS = {"title", "type", "author", "issued", "container-title", "DOI", "id"}
PEER_REVIEWED_TYPES = {"article-journal"}
VENUE_KEYS = ("container-title", "collection-title", "publisher", "event", "event-title")


def load_csl(text: str) -> list | None:
    """The items of a CSL JSON file, or None when the text is not one. A single item (an
    object) counts as a list of one; Mendeley sometimes wraps the list in {"items": [...]}."""
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data["items"] if isinstance(data.get("items"), list) else [data]
    if not isinstance(data, list) or not data:
        return None
    if not any(isinstance(item, dict) and CSL_KEYS & set(item) for item in data):
        return None
    return data


def _text(value) -> str:
    if isinstance(value, list):  # some writers give container-title as a list
        value = value[0] if value else ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""  # an object where text belongs is not read as its Python repr
    return str(value).strip()


def _name(person) -> str:
    if not isinstance(person, dict):
        return _text(person)
    if person.get("literal"):
        return _text(person["literal"])
    family = " ".join(_text(person.get(k)) for k in ("non-dropping-particle", "family"))
    family, given = family.strip(), _text(person.get("given"))
    return f"{family}, {given}" if family and given else family or given


def _dates(item: dict) -> list[str]:
    texts = []
    for key in ("issued", "published-print", "published-online", "original-date"):
        value = item.get(key)
        if not isinstance(value, dict):
            continue
        parts = value.get("date-parts") or [[]]
        first = parts[0] if isinstance(parts, list) and parts else []
        if isinstance(first, list) and first:
            texts.append("-".join(str(p) for p in first[:2]))
        texts.append(_text(value.get("raw") or value.get("literal")))
    return [t for t in texts if t]


def _record(item) -> PublicationRecord | None:
    if not isinstance(item, dict):
        return None
    record = PublicationRecord(peer_reviewed=_text(item.get("type")) in PEER_REVIEWED_TYPES)
    record.title = _text(item.get("title"))
    people = item.get("author") or item.get("editor") or []
    record.authors = [_name(p) for p in people] if isinstance(people, list) else []
    record.journal = next((_text(item[k]) for k in VENUE_KEYS if _text(item.get(k))), "")
    set_date(record, _dates(item))
    doi = _text(item.get("DOI"))
    record.doi = doi_in(doi) or doi or doi_in(_text(item.get("URL")))
    record.pmid = _text(item.get("PMID"))
    return clean(record)


def parse_csl(items: list) -> list[PublicationRecord]:
    records = []
    for position, item in enumerate(items, start=1):
        try:
            record = _record(item)
        except (TypeError, ValueError, AttributeError):
            record = None
        records.append(record or unreadable(position, "the item is not a CSL JSON object."))
    return records
