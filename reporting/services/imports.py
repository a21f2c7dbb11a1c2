"""Importing publications from a MEDLINE or RIS export: a preview (reads only), then a commit."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from grants.models import Award

from ..importers import PublicationRecord, parse_publications
from ..models import Publication
from ..validators import normalize_doi, normalize_pmid
from ._common import require
from .outcomes import publication_create

# ---- Publication import ----------------------------------------------------------------------


def _recorded_ids(records: list[PublicationRecord]) -> tuple[set[str], set[str]]:
    dois = {r.doi for r in records if r.doi}
    pmids = {r.pmid for r in records if r.pmid}
    found = Publication.objects.filter(Q(doi__in=dois) | Q(pmid__in=pmids)).values_list(
        "doi", "pmid"
    )
    return {d for d, _ in found if d}, {p for _, p in found if p}


def publications_import_preview(*, file) -> list[PublicationRecord]:
    """Parse a MEDLINE or RIS export and mark the records already recorded (same DOI or PubMed
    ID, on any award) or repeated in the file. Reads only: nothing is saved. Raises
    ValidationError for a file in neither format."""
    records = parse_publications(file)
    dois, pmids = _recorded_ids(records)
    for record in records:
        if (record.doi and record.doi in dois) or (record.pmid and record.pmid in pmids):
            record.duplicate = True
        if record.doi:
            dois.add(record.doi)
        if record.pmid:
            pmids.add(record.pmid)
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
    publication already recorded on any award or earlier in the batch, records without a
    title, and records dated outside the award's life and reporting window."""
    require(actor, "reporting.record_outcome", award)
    records = [
        r if isinstance(r, PublicationRecord) else PublicationRecord.from_dict(r) for r in records
    ]
    for record in records:
        record.doi, record.pmid = normalize_doi(record.doi), normalize_pmid(record.pmid)
    dois, pmids = _recorded_ids(records)
    result = ImportResult()
    for record in records:
        if (record.doi and record.doi in dois) or (record.pmid and record.pmid in pmids):
            result.skipped.append((record, "Already recorded (same DOI or PubMed ID)."))
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
        if record.doi:
            dois.add(record.doi)
        if record.pmid:
            pmids.add(record.pmid)
    return result
