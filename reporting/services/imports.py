"""Importing publications from a citation export (MEDLINE, RIS, BibTeX, CSL JSON): a preview
(reads only), then a commit."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from grants.models import Award

from ..importers import PublicationRecord, normalized_title, parse_publications
from ..models import Publication
from ..validators import normalize_doi, normalize_pmid
from ._common import require
from .outcomes import publication_create

# ---- Publication import ----------------------------------------------------------------------


SAME_ID = "Already recorded (same DOI or PubMed ID)."
SAME_TITLE = "Already recorded (same title and year)."


class _Recorded:
    """What is already recorded (on any award) or earlier in the batch, to tell a duplicate
    by DOI, then PubMed ID, then normalized title and year. A title match does not count
    when both sides carry a DOI (or a PubMed ID) and they differ: those are two papers."""

    def __init__(self, records: list[PublicationRecord]):
        dois = {r.doi for r in records if r.doi}
        pmids = {r.pmid for r in records if r.pmid}
        same_year = Q(year__in={r.year for r in records if r.year})
        if any(not r.year for r in records):
            same_year |= Q(year__isnull=True)
        found = Publication.objects.filter(Q(doi__in=dois) | Q(pmid__in=pmids) | same_year)
        self.dois: set[str] = set()
        self.pmids: set[str] = set()
        self.titles: dict[tuple[str, int | None], list[tuple[str, str]]] = {}
        for title, year, doi, pmid in found.values_list("title", "year", "doi", "pmid"):
            self._add(title, year, doi, pmid)

    def _add(self, title, year, doi, pmid) -> None:
        if doi:
            self.dois.add(doi)
        if pmid:
            self.pmids.add(pmid)
        key = (normalized_title(title), year)
        if key[0]:
            self.titles.setdefault(key, []).append((doi or "", pmid or ""))

    def add(self, record: PublicationRecord) -> None:
        self._add(record.title, record.year, record.doi, record.pmid)

    def reason(self, record: PublicationRecord) -> str:
        """Why ``record`` is a duplicate, or '' when it is not."""
        if (record.doi and record.doi in self.dois) or (record.pmid and record.pmid in self.pmids):
            return SAME_ID
        for doi, pmid in self.titles.get((normalized_title(record.title), record.year), []):
            other_doi = record.doi and doi and record.doi != doi
            other_pmid = record.pmid and pmid and record.pmid != pmid
            if not (other_doi or other_pmid):
                return SAME_TITLE
        return ""


def publications_import_preview(*, file) -> list[PublicationRecord]:
    """Parse a citation export (MEDLINE, RIS, BibTeX or CSL JSON) and mark the records
    already recorded (same DOI, PubMed ID, or title and year, on any award) or repeated in
    the file. Records that could not be read come back with their problems. Reads only:
    nothing is saved. Raises ValidationError for a file in none of these formats."""
    records = parse_publications(file)
    recorded = _Recorded(records)
    for record in records:
        if not record.title:
            continue
        record.duplicate = bool(recorded.reason(record))
        recorded.add(record)
    return records


@dataclass
class ImportResult:
    created: list[Publication] = field(default_factory=list)
    skipped: list[tuple[PublicationRecord, str]] = field(default_factory=list)


@transaction.atomic
def publications_import_commit(
    *, award: Award, records: list[PublicationRecord | dict], actor: User
) -> ImportResult:
    """Save the previewed records against ``award``, skipping (with the reason) duplicates of a
    publication already recorded on any award or earlier in the batch (same DOI, PubMed ID,
    or title and year), records without a title (those that could not be read), and records dated outside the award's life and reporting window."""
    require(actor, "reporting.record_outcome", award)
    records = [
        r if isinstance(r, PublicationRecord) else PublicationRecord.from_dict(r) for r in records
    ]
    for record in records:
        record.doi, record.pmid = normalize_doi(record.doi), normalize_pmid(record.pmid)
    recorded = _Recorded(records)
    result = ImportResult()
    for record in records:
        if not record.title:
            result.skipped.append((record, " ".join(record.problems) or "No title."))
            continue
        duplicate = recorded.reason(record)
        if duplicate:
            result.skipped.append((record, duplicate))
            continue
        try:
            publication = publication_create(
                actor=actor,
                awards=[award],
                data={
                    "title": record.title,
                    "doi": record.doi,
                    "pmid": record.pmid,
                    "journal": record.journal[:300],
                    "year": record.year,
                    "published_on": record.published_on,
                    "authors": "\n".join(record.authors),
                    "peer_reviewed": record.peer_reviewed,
                },
            )
        except ValidationError as exc:
            reasons = [m for messages in exc.message_dict.values() for m in messages]
            result.skipped.append((record, " ".join(reasons)))
            continue
        result.created.append(publication)
        recorded.add(record)
    return result
