"""Importing publications from PubMed MEDLINE and RIS exports: preview, then commit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting import services
from reporting.importers import PublicationRecord, parse_date, parse_publications
from reporting.models import Publication
from tests.factories import make_user
from tests.reporting.support import simple_award

MEDLINE = """
PMID- 39012345
OWN - NLM
STAT- MEDLINE
DP  - 2025 Mar 15
TI  - Community health workers and glycemic control among rural Latino adults: a
      cluster randomized pilot trial.
PG  - 101-110
LID - 10.2337/dc25-0001 [doi]
AU  - Garcia M
AU  - Nguyen T
FAU - Garcia, Maria
PT  - Journal Article
TA  - Diabetes Care
JT  - Diabetes care
AID - 10.2337/dc25-0001 [doi]
AID - dc25-0001 [pii]

PMID- 39054321
DP  - 2025
TI  - Preprint on food insecurity.
AU  - Lee K
PT  - Preprint
JT  - medRxiv
"""

RIS = """TY  - JOUR
TI  - Trust in clinical research among Black patients
AU  - Smith, Jordan
AU  - Brown, Alex
JO  - J Health Care Poor Underserved
PY  - 2025/11/02/
DO  - https://doi.org/10.1353/HPU.2025.0042
ER  -

TY  - CONF
T1  - Tribal data sovereignty in practice
AU  - Begay, Lee
T2  - APHA Annual Meeting
Y1  - 2026
ER  -
"""


def upload(text: str, name: str = "citations.nbib") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def test_medline_records_parsed():
    records = parse_publications(upload(MEDLINE))

    assert records[0] == PublicationRecord(
        title="Community health workers and glycemic control among rural Latino adults: a "
        "cluster randomized pilot trial.",
        doi="10.2337/dc25-0001",
        pmid="39012345",
        journal="Diabetes care",
        year=2025,
        published_on=date(2025, 3, 1),
        authors=["Garcia M", "Nguyen T"],
        peer_reviewed=True,
    )
    assert (records[1].pmid, records[1].year, records[1].published_on) == ("39054321", 2025, None)
    assert records[1].peer_reviewed is False  # a preprint
    assert len(records) == 2


def test_ris_records_parsed():
    records = parse_publications(upload(RIS, "export.ris"))

    assert records[0] == PublicationRecord(
        title="Trust in clinical research among Black patients",
        doi="10.1353/hpu.2025.0042",
        journal="J Health Care Poor Underserved",
        year=2025,
        published_on=date(2025, 11, 1),
        authors=["Smith, Jordan", "Brown, Alex"],
        peer_reviewed=True,
    )
    assert records[1].title == "Tribal data sovereignty in practice"
    assert records[1].journal == "APHA Annual Meeting"
    assert (records[1].year, records[1].published_on, records[1].peer_reviewed) == (
        2026,
        None,
        False,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024 Mar 15", (2024, date(2024, 3, 1))),
        ("2024 Sep", (2024, date(2024, 9, 1))),
        ("2024/03/15/", (2024, date(2024, 3, 1))),
        ("2024-07", (2024, date(2024, 7, 1))),
        ("2024 Spring", (2024, None)),
        ("2024", (2024, None)),
        ("in press", (None, None)),
    ],
)
def test_dates_at_month_precision(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "content",
    [
        "Title,Journal,Year\nA paper,Nature,2025\n",
        "%PDF-1.7 binary-ish",
        "",
        "@misc this is an e-mail signature, not BibTeX\n",
        "[1, 2, 3]",
        "\x00\x01\x02 bytes",
    ],
)
def test_other_files_are_refused(content):
    with pytest.raises(ValidationError) as exc:
        parse_publications(upload(content, "paper.txt"))

    assert exc.value.messages == ["This is not a MEDLINE, RIS, BibTeX or CSL JSON file."]


def test_too_large_a_file_is_refused(settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 100

    with pytest.raises(ValidationError):
        parse_publications(upload(MEDLINE))


@pytest.mark.django_db
def test_preview_saves_nothing_and_marks_duplicates():
    award, admin = simple_award(start=date(2024, 7, 1), end=date(2025, 12, 31))
    services.publication_create(
        actor=admin, awards=[award], data={"title": "Already here", "pmid": "39012345"}
    )

    records = services.publications_import_preview(file=upload(MEDLINE))

    assert [(r.pmid, r.duplicate) for r in records] == [("39012345", True), ("39054321", False)]
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_garbage_file_gets_a_clear_error_and_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        services.publications_import_preview(file=upload("just some notes\n"))

    assert exc.value.messages == ["This is not a MEDLINE, RIS, BibTeX or CSL JSON file."]
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_commit_saves_new_records_and_skips_duplicates():
    award, admin = simple_award(start=date(2024, 7, 1), end=date(2026, 6, 30))
    other_award, _ = simple_award(start=date(2024, 7, 1), end=date(2026, 6, 30))
    # The same paper, already recorded against another award (DOI in another case).
    services.publication_create(
        actor=admin,
        awards=[other_award],
        data={"title": "Already recorded", "doi": "10.1353/HPU.2025.0042"},
    )
    records = services.publications_import_preview(file=upload(MEDLINE))
    records += services.publications_import_preview(file=upload(RIS, "export.ris"))
    # As the web page would keep them between the two steps.
    kept = [r.as_dict() for r in records]

    result = services.publications_import_commit(award=award, records=kept, actor=award.proposal.pi)

    assert [p.pmid or p.title for p in result.created] == [
        "39012345",
        "39054321",
        "Tribal data sovereignty in practice",
    ]
    assert [(r.title, reason) for r, reason in result.skipped] == [
        (
            "Trust in clinical research among Black patients",
            "Already recorded (same DOI or PubMed ID).",
        )
    ]
    saved = Publication.objects.get(pmid="39012345")
    assert list(saved.awards.all()) == [award]
    assert saved.authors == "Garcia M\nNguyen T"
    assert saved.published_on == date(2025, 3, 1)
    assert saved.recorded_by == award.proposal.pi


@pytest.mark.django_db
def test_commit_twice_creates_nothing_the_second_time():
    award, _ = simple_award(start=date(2024, 7, 1), end=date(2026, 6, 30))
    records = services.publications_import_preview(file=upload(MEDLINE))
    services.publications_import_commit(award=award, records=records, actor=award.proposal.pi)

    again = services.publications_import_commit(
        award=award,
        records=services.publications_import_preview(file=upload(MEDLINE)),
        actor=award.proposal.pi,
    )

    assert again.created == []
    assert len(again.skipped) == 2
    assert Publication.objects.count() == 2


@pytest.mark.django_db
def test_commit_skips_records_outside_the_award_window():
    award, _ = simple_award(start=date(2026, 1, 1), end=date(2026, 12, 31))

    result = services.publications_import_commit(
        award=award, records=parse_publications(upload(MEDLINE)), actor=award.proposal.pi
    )

    assert result.created == []
    assert [reason for _, reason in result.skipped] == [
        "The date must fall within the award's life and reporting window "
        "(January 1, 2026 to December 31, 2029).",
        "The year must fall within the award's life (2026–2029).",
    ]


@pytest.mark.django_db
def test_only_the_awardee_imports_onto_an_award():
    award, _ = simple_award()
    stranger = make_user()

    with pytest.raises(PermissionDenied):
        services.publications_import_commit(
            award=award, records=parse_publications(upload(MEDLINE)), actor=stranger
        )
    assert not Publication.objects.exists()
