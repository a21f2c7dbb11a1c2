"""REST API v1 for progress reports, outcomes, the publication import and the HRSA report.

Data is built through the reporting and grants services (tests/reporting/support.py). The PI's
award runs 2025-01-01 to 2025-12-31, so outcomes may be dated up to 2026-12-31 (the one-year
reporting window); "another PI" has an award of their own.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from reporting import services
from reporting.api import urls as reporting_api_urls
from reporting.choices import ENROLLMENT_CELLS, ProgressReportStatus
from reporting.hrsa.builder import build_report
from reporting.hrsa.exporters import report_to_dict
from reporting.hrsa.periods import current_period
from reporting.models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    TraineeOutcome,
)
from tests.factories import make_user
from tests.reporting.support import build_world, simple_award

from .support import API, api_as, ids, results

pytestmark = pytest.mark.django_db

# HRSA.md's order.
SHEETS = [
    "Program set-up",
    "Summary",
    "Projects",
    "LR-1 Participants",
    "LR-2 Sex and age",
    "DV-1 Race and ethnicity",
    "DV-2 Background",
    "Outcomes",
    "INDGEN Individual records",
    "INDGEN-PY Trainee outcomes",
    "PC-10 Major participating sites",
    "PC-10 By type and purpose",
    "Narrative",
    "Checks",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MEDLINE = """PMID- 39012345
DP  - 2025 Mar 15
TI  - Community health workers and glycemic control among rural Latino adults.
LID - 10.2337/dc25-0001 [doi]
AU  - Garcia M
AU  - Nguyen T
PT  - Journal Article
JT  - Diabetes care

PMID- 39054321
DP  - 2025
TI  - Preprint on food insecurity.
AU  - Lee K
PT  - Preprint
JT  - medRxiv
"""


@dataclass
class Awards:
    admin: object
    pi: object
    member: object  # co-investigator with an account on the PI's award
    award: object
    other_pi: object
    other_award: object
    stranger: object  # signed in, on no award


@pytest.fixture
def awards() -> Awards:
    member = make_user()
    award, admin = simple_award(team=[member])
    other_award, _ = simple_award()
    return Awards(
        admin=admin,
        pi=award.proposal.pi,
        member=member,
        award=award,
        other_pi=other_award.proposal.pi,
        other_award=other_award,
        stranger=make_user(),
    )


def publication(actor, award_list, **data):
    data.setdefault("title", "A paper")
    return services.publication_create(actor=actor, awards=award_list, data=data)


def partnership(actor, award, organisation="Valley FQHC"):
    return services.partnership_create(
        actor=actor,
        award=award,
        data={"organisation": organisation, "partner_type": "fqhc", "purpose": "research"},
    )


def upload(text: str, name: str = "citations.nbib") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def _fresh(user):
    """The user as a new request would load it (no role cache)."""
    return type(user).objects.get(pk=user.pk)


# ---- Progress reports ------------------------------------------------------------------------


def test_progress_reports_pi_sees_own_only_and_admin_all(awards):
    mine = services.progress_reports_schedule(award=awards.award)
    theirs = services.progress_reports_schedule(award=awards.other_award)

    as_pi = api_as(awards.pi).get(f"{API}/progress-reports/")
    as_admin = api_as(awards.admin).get(f"{API}/progress-reports/?ordering=pk")

    assert as_pi.status_code == 200
    assert ids(as_pi) == [r.pk for r in mine]
    assert ids(as_admin) == sorted(r.pk for r in mine + theirs)


def test_progress_reports_list_schedules_a_newly_released_award(awards):
    assert not ProgressReport.objects.exists()

    response = api_as(awards.pi).get(f"{API}/progress-reports/")

    assert response.status_code == 200
    assert [(r["kind"], r["due_date"], r["status"]) for r in results(response)] == [
        ("interim", "2025-07-02", "due"),
        ("final", "2026-03-01", "due"),
    ]
    first = results(response)[0]
    assert first["award"] == awards.award.pk
    assert first["pi"]["id"] == awards.pi.pk
    assert first["is_overdue"] is True


def test_progress_report_detail_of_another_award_is_404(awards):
    report = services.progress_reports_schedule(award=awards.other_award)[0]
    client = api_as(awards.pi)

    read = client.get(f"{API}/progress-reports/{report.pk}/")
    submit = client.post(
        f"{API}/progress-reports/{report.pk}/submit/",
        {"objectives_accomplishments": "x", "barriers_resolutions": "y"},
        format="json",
    )

    assert (read.status_code, submit.status_code) == (404, 404)
    report.refresh_from_db()
    assert report.status == ProgressReportStatus.DUE


def test_progress_report_submit_by_the_pi(awards):
    report = services.progress_reports_schedule(award=awards.award)[0]

    response = api_as(awards.pi).post(
        f"{API}/progress-reports/{report.pk}/submit/",
        {"objectives_accomplishments": " Enrolled 40. ", "barriers_resolutions": "None."},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "submitted"
    assert body["objectives_accomplishments"] == "Enrolled 40."
    assert body["submitted_by"]["id"] == awards.pi.pk
    report.refresh_from_db()
    assert report.status == ProgressReportStatus.SUBMITTED
    assert report.barriers_resolutions == "None."


def test_progress_report_submit_blank_gives_field_errors_and_saves_nothing(awards):
    report = services.progress_reports_schedule(award=awards.award)[0]

    response = api_as(awards.pi).post(
        f"{API}/progress-reports/{report.pk}/submit/",
        {"objectives_accomplishments": "  "},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "objectives_accomplishments": ["Describe the objectives and accomplishments."],
        "barriers_resolutions": ["Describe any barriers and how they were resolved (or none)."],
    }
    report.refresh_from_db()
    assert report.status == ProgressReportStatus.DUE


def test_progress_report_submit_twice_is_409(awards):
    report = services.progress_reports_schedule(award=awards.award)[0]
    body = {"objectives_accomplishments": "Done.", "barriers_resolutions": "None."}
    client = api_as(awards.pi)
    client.post(f"{API}/progress-reports/{report.pk}/submit/", body, format="json")

    again = client.post(f"{API}/progress-reports/{report.pk}/submit/", body, format="json")

    assert again.status_code == 409
    assert again.json() == {"detail": "This progress report has already been submitted."}


def test_progress_report_team_member_reads_but_cannot_submit(awards):
    report = services.progress_reports_schedule(award=awards.award)[0]
    client = api_as(awards.member)

    read = client.get(f"{API}/progress-reports/{report.pk}/")
    submit = client.post(
        f"{API}/progress-reports/{report.pk}/submit/",
        {"objectives_accomplishments": "x", "barriers_resolutions": "y"},
        format="json",
    )

    assert (read.status_code, submit.status_code) == (200, 403)
    report.refresh_from_db()
    assert report.status == ProgressReportStatus.DUE


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=final", ["final"]),
        ("kind=interim", ["interim"]),
        ("status=due", ["interim", "final"]),
        ("status=submitted", []),
        ("due_before=2025-12-31", ["interim"]),
        ("due_after=2026-01-01", ["final"]),
        ("due_after=2025-07-02&due_before=2025-07-02", ["interim"]),
    ],
)
def test_progress_reports_filters(awards, query, expected):
    services.progress_reports_schedule(award=awards.award)
    services.progress_reports_schedule(award=awards.other_award)

    response = api_as(awards.pi).get(f"{API}/progress-reports/?{query}")

    assert response.status_code == 200
    assert [r["kind"] for r in results(response)] == expected


def test_progress_reports_filter_by_award(awards):
    services.progress_reports_schedule(award=awards.award)
    theirs = services.progress_reports_schedule(award=awards.other_award)

    response = api_as(awards.admin).get(
        f"{API}/progress-reports/?award={awards.other_award.pk}&ordering=pk"
    )

    assert ids(response) == sorted(r.pk for r in theirs)


# ---- Outcomes: the happy path of each kind ---------------------------------------------------


@dataclass
class Kind:
    path: str
    model: type
    payload: object  # (Awards) -> request body
    expected: dict  # fields of the created outcome, as answered
    patch: dict
    patched: dict
    create: object = None  # the service, for arranging data

    @property
    def linked(self) -> bool:
        return self.model in (Publication, Presentation, FollowOnFunding)

    def record(self, actor, award, data: dict):
        target = {"awards": [award]} if self.linked else {"award": award}
        return self.create(actor=actor, data=data, **target)


KINDS = {
    "publications": Kind(
        "publications",
        Publication,
        lambda a: {
            "awards": [a.award.pk],
            "title": "Promotoras and HbA1c",
            "doi": "https://doi.org/10.1000/XYZ123",
            "pmid": "PMID: 38123456",
            "journal": "Diabetes Care",
            "published_on": "2025-10",
            "authors": "Garcia M\nNguyen T",
            "disparities_focused": True,
        },
        {
            "title": "Promotoras and HbA1c",
            "doi": "10.1000/xyz123",
            "pmid": "38123456",
            "journal": "Diabetes Care",
            "year": 2025,
            "published_on": "2025-10-01",
            "authors": "Garcia M\nNguyen T",
            "peer_reviewed": True,
            "disparities_focused": True,
        },
        {"journal": "JAMA", "published_on": "2025-11-20"},
        {"journal": "JAMA", "published_on": "2025-11-01", "year": 2025},
        services.publication_create,
    ),
    "presentations": Kind(
        "presentations",
        Presentation,
        lambda a: {
            "awards": [a.award.pk],
            "title": "Promotoras in practice",
            "venue": "APHA Annual Meeting",
            "presented_on": "2025-11-15",
            "kind": "oral",
            "level": "national",
        },
        {
            "title": "Promotoras in practice",
            "venue": "APHA Annual Meeting",
            "presented_on": "2025-11-15",
            "kind": "oral",
            "level": "national",
        },
        {"level": "international"},
        {"level": "international", "venue": "APHA Annual Meeting"},
        services.presentation_create,
    ),
    "funding": Kind(
        "funding",
        FollowOnFunding,
        lambda a: {
            "awards": [a.award.pk],
            "sponsor": "NIMHD",
            "sponsor_type": "nih",
            "mechanism": "R01",
            "amount": "250000",
            "status": "awarded",
            "applied_on": "2025-08-01",
            "decided_on": "2025-12-15",
        },
        {
            "sponsor": "NIMHD",
            "sponsor_type": "nih",
            "mechanism": "R01",
            "title": "",
            "amount": "250000.00",
            "status": "awarded",
            "applied_on": "2025-08-01",
            "decided_on": "2025-12-15",
        },
        {"amount": 260000.5},
        {"amount": "260000.50", "status": "awarded"},
        services.follow_on_funding_create,
    ),
    "trainees": Kind(
        "trainees",
        TraineeOutcome,
        lambda a: {
            "award": a.award.pk,
            "trainee": a.member.pk,
            "recorded_on": "2026-03-01",
            "degree_completed": "MD",
            "completion_date": "2025-05-20",
            "position": "Family medicine residency",
            "in_further_training": "yes",
            "practicing_underserved": "yes",
        },
        {
            "recorded_on": "2026-03-01",
            "degree_completed": "MD",
            "completion_date": "2025-05-20",
            "position": "Family medicine residency",
            "in_further_training": "yes",
            "employed": "unknown",
            "practicing_underserved": "yes",
            "practicing_rural": "unknown",
            "practicing_primary_care": "unknown",
        },
        {"employed": "yes"},
        {"employed": "yes", "in_further_training": "yes"},
        services.trainee_outcome_create,
    ),
    "partnerships": Kind(
        "partnerships",
        Partnership,
        lambda a: {
            "award": a.award.pk,
            "organisation": "Valley FQHC",
            "partner_type": "fqhc",
            "purpose": "research",
        },
        {
            "organisation": "Valley FQHC",
            "partner_type": "fqhc",
            "purpose": "research",
            "description": "",
        },
        {"purpose": "dissemination"},
        {"purpose": "dissemination", "organisation": "Valley FQHC"},
        services.partnership_create,
    ),
}


def _subset(body: dict, keys) -> dict:
    return {key: body[key] for key in keys}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_outcome_create_list_read_change_delete(awards, name):
    kind = KINDS[name]
    url = f"{API}/outcomes/{kind.path}/"
    client = api_as(awards.pi)

    created = client.post(url, kind.payload(awards), format="json")
    body = created.json()
    assert created.status_code == 201, body
    assert _subset(body, kind.expected) == kind.expected
    assert body["recorded_by"]["id"] == awards.pi.pk
    if "awards" in body:
        assert body["awards"] == [awards.award.pk]
    else:
        assert body["award"] == awards.award.pk
    detail = f"{url}{body['id']}/"

    listed = client.get(url)
    read = client.get(detail)
    assert ids(listed) == [body["id"]]
    assert read.json() == body

    changed = client.patch(detail, kind.patch, format="json")
    assert changed.status_code == 200, changed.content
    assert _subset(changed.json(), kind.patched) == kind.patched

    deleted = client.delete(detail)
    assert deleted.status_code == 204
    assert not kind.model.objects.exists()


def test_trainee_outcome_names_the_trainee_briefly(awards):
    response = api_as(awards.pi).post(
        f"{API}/outcomes/trainees/", KINDS["trainees"].payload(awards), format="json"
    )

    assert response.json()["trainee"] == {
        "id": awards.member.pk,
        "username": awards.member.username,
        "display_name": awards.member.display_name,
    }


def test_publication_links_can_be_changed_to_several_awards(awards):
    second, _ = simple_award(pi=awards.pi, start=date(2025, 6, 1), end=date(2026, 5, 31))
    pub = publication(awards.pi, [awards.award], published_on="2025-10")

    response = api_as(awards.pi).patch(
        f"{API}/outcomes/publications/{pub.pk}/",
        {"awards": [awards.award.pk, second.pk]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert sorted(response.json()["awards"]) == sorted([awards.award.pk, second.pk])
    assert sorted(pub.awards.values_list("pk", flat=True)) == sorted([awards.award.pk, second.pk])


# ---- Outcomes: bad input is a field error, and nothing is saved ------------------------------


@pytest.mark.parametrize(
    ("name", "change", "errors"),
    [
        (
            "publications",
            {"doi": "abc"},
            {"doi": ["Enter a DOI such as 10.1000/xyz123 (it starts with “10.” and has a “/”)."]},
        ),
        ("publications", {"pmid": "12a"}, {"pmid": ["Enter a PubMed ID of 1 to 8 digits."]}),
        (
            "publications",
            {"published_on": "2031-05"},
            {
                "published_on": [
                    "The date must fall within the award's life and reporting window "
                    "(January 1, 2025 to December 31, 2028)."
                ]
            },
        ),
        (
            "presentations",
            {"presented_on": "1990-01-01"},
            {
                "presented_on": [
                    "The date must fall within the award's life and reporting window "
                    "(January 1, 2025 to December 31, 2028)."
                ]
            },
        ),
        ("funding", {"amount": -1}, {"amount": ["The amount cannot be negative."]}),
        (
            "funding",
            {"decided_on": "2030-01-01"},
            {
                "decided_on": [
                    "The date must fall within the award's life and reporting window "
                    "(January 1, 2025 to December 31, 2028)."
                ]
            },
        ),
        (
            "funding",
            {"decided_on": None},
            {"decided_on": ["Give the date of the sponsor's decision."]},
        ),
        (
            "trainees",
            {"trainee": "__stranger__"},
            {"trainee": ["Choose a person on this award's team."]},
        ),
        (
            "trainees",
            {"completion_date": "2026-06-01"},
            {"completion_date": ["The completion date cannot be after the record's date."]},
        ),
        ("partnerships", {"partner_type": "castle"}, {"partner_type": []}),
    ],
)
def test_outcome_bad_input_is_400_under_the_field_and_saves_nothing(awards, name, change, errors):
    kind = KINDS[name]
    body = {**kind.payload(awards), **change}
    if body.get("trainee") == "__stranger__":
        body["trainee"] = awards.stranger.pk

    response = api_as(awards.pi).post(f"{API}/outcomes/{kind.path}/", body, format="json")

    assert response.status_code == 400
    answer = response.json()
    assert set(answer) == set(errors)
    for field, messages in errors.items():
        if messages:
            assert answer[field] == messages
    assert not kind.model.objects.exists()


def test_funding_status_applied_with_a_decision_date_is_refused(awards):
    body = {**KINDS["funding"].payload(awards), "status": "applied"}

    response = api_as(awards.pi).post(f"{API}/outcomes/funding/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"decided_on": ["An application still pending has no decision date."]}


def test_changing_an_outcome_to_a_bad_value_is_400_and_leaves_it(awards):
    pub = publication(awards.pi, [awards.award], doi="10.1000/good", published_on="2025-10")

    response = api_as(awards.pi).patch(
        f"{API}/outcomes/publications/{pub.pk}/", {"doi": "abc", "pmid": "12a"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"doi", "pmid"}
    pub.refresh_from_db()
    assert (pub.doi, pub.pmid) == ("10.1000/good", "")


def test_a_doi_already_recorded_is_refused(awards):
    publication(awards.admin, [awards.other_award], doi="10.1000/taken")
    body = {**KINDS["publications"].payload(awards), "doi": "10.1000/TAKEN"}

    response = api_as(awards.pi).post(f"{API}/outcomes/publications/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"doi": ["A publication with this DOI is already recorded."]}
    assert Publication.objects.count() == 1


BAD_BODIES = [
    [],
    "x",
    {"awards": "x"},
    {"awards": [None]},
    {"awards": ["abc"]},
    {"awards": [99999999999999999999]},
    {"awards": []},
    {"award": "abc"},
    {"award": None},
    {"amount": "NaN"},
    {"amount": "Infinity"},
    {"amount": "1.234"},
    {"amount": "1e20"},
    {"presented_on": "2025-02-30"},
    {"published_on": "abcd"},
    {"published_on": "2025-13"},
    {"year": 99999},
    {"year": "MMXXV"},
    {"trainee": 10**20},
    {"trainee": "abc"},
    {"recorded_on": "yesterday"},
    {"kind": ["oral"]},
    {"level": {"a": 1}},
    {"title": "x" * 600},
    {"doi": "\x00"},
    {"peer_reviewed": "perhaps"},
]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_outcome_garbage_bodies_are_400_never_500(awards, name):
    kind = KINDS[name]
    client = api_as(awards.pi)
    codes = {}

    for index, garbage in enumerate(BAD_BODIES):
        body = {**kind.payload(awards), **garbage} if isinstance(garbage, dict) else garbage
        if isinstance(garbage, dict) and not set(garbage) & (
            set(kind.payload(awards)) | set(kind.expected)
        ):
            continue  # a field this kind does not have: ignored, not garbage
        codes[index] = client.post(f"{API}/outcomes/{kind.path}/", body, format="json").status_code

    assert set(codes.values()) == {400}, codes
    assert not kind.model.objects.exists()


# ---- Outcomes: scope -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key"), [("publications", "awards"), ("trainees", "award")])
def test_recording_on_another_pis_award_is_an_unknown_award(awards, name, key):
    kind = KINDS[name]
    body = kind.payload(awards)
    body[key] = [awards.other_award.pk] if key == "awards" else awards.other_award.pk

    response = api_as(awards.pi).post(f"{API}/outcomes/{kind.path}/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [key]
    assert not kind.model.objects.exists()


def test_another_pis_outcome_is_404_to_read_change_and_delete(awards):
    theirs = publication(awards.other_pi, [awards.other_award], title="Theirs")
    url = f"{API}/outcomes/publications/{theirs.pk}/"
    client = api_as(awards.pi)

    codes = (
        client.get(url).status_code,
        client.patch(url, {"title": "Mine now"}, format="json").status_code,
        client.delete(url).status_code,
    )

    assert codes == (404, 404, 404)
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_lists_show_outcomes_of_visible_awards_only(awards):
    mine = partnership(awards.pi, awards.award, "Mine")
    theirs = partnership(awards.other_pi, awards.other_award, "Theirs")

    as_pi = api_as(awards.pi).get(f"{API}/outcomes/partnerships/")
    as_member = api_as(awards.member).get(f"{API}/outcomes/partnerships/")
    as_stranger = api_as(awards.stranger).get(f"{API}/outcomes/partnerships/")
    as_admin = api_as(awards.admin).get(f"{API}/outcomes/partnerships/?ordering=pk")

    assert ids(as_pi) == [mine.pk]
    assert ids(as_member) == [mine.pk]
    assert ids(as_stranger) == []
    assert ids(as_admin) == [mine.pk, theirs.pk]


def test_a_shared_outcome_names_only_the_awards_the_caller_may_see(awards):
    shared = publication(awards.admin, [awards.award, awards.other_award], published_on="2025-10")
    client = api_as(awards.pi)

    read = client.get(f"{API}/outcomes/publications/{shared.pk}/")
    by_their_award = client.get(f"{API}/outcomes/publications/?award={awards.other_award.pk}")
    by_mine = client.get(f"{API}/outcomes/publications/?award={awards.award.pk}")
    as_admin = api_as(awards.admin).get(f"{API}/outcomes/publications/{shared.pk}/")

    assert read.json()["awards"] == [awards.award.pk]
    assert ids(by_their_award) == []
    assert ids(by_mine) == [shared.pk]
    assert sorted(as_admin.json()["awards"]) == sorted([awards.award.pk, awards.other_award.pk])


def test_deleting_an_outcome_shared_with_an_award_not_yours_is_403(awards):
    shared = publication(awards.admin, [awards.award, awards.other_award], published_on="2025-10")

    response = api_as(awards.pi).delete(f"{API}/outcomes/publications/{shared.pk}/")

    assert response.status_code == 403
    assert Publication.objects.filter(pk=shared.pk).exists()


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("publications", "year=2025", ["Oct 2025"]),
        ("publications", "year=2026", ["Feb 2026"]),
        ("publications", "published_after=2026-01-01", ["Feb 2026"]),
        ("publications", "published_before=2025-12-31", ["Oct 2025"]),
        ("publications", "peer_reviewed=false", ["Feb 2026"]),
        ("publications", "disparities_focused=true", ["Oct 2025"]),
        ("presentations", "level=local", ["Local"]),
        ("presentations", "kind=oral", ["National"]),
        ("presentations", "year=2026", ["Local"]),
        ("presentations", "presented_before=2025-12-31", ["National"]),
        ("funding", "status=applied", ["Foundation"]),
        ("funding", "sponsor_type=nih", ["NIH"]),
        ("funding", "decided_after=2025-12-01", ["NIH"]),
        ("funding", "applied_before=2025-09-01", ["NIH"]),
        ("partnerships", "partner_type=fqhc", ["Valley FQHC"]),
        ("partnerships", "purpose=dissemination", ["County Public Health"]),
    ],
)
def test_outcome_filters(awards, path, query, expected):
    pi, award = awards.pi, awards.award
    publication(pi, [award], title="Oct 2025", published_on="2025-10", disparities_focused=True)
    publication(pi, [award], title="Feb 2026", published_on="2026-02", peer_reviewed=False)
    for title, on, kind, level in [
        ("National", "2025-11-15", "oral", "national"),
        ("Local", "2026-03-10", "poster", "local"),
    ]:
        services.presentation_create(
            actor=pi,
            awards=[award],
            data={"title": title, "venue": "V", "presented_on": on, "kind": kind, "level": level},
        )
    services.follow_on_funding_create(
        actor=pi,
        awards=[award],
        data={
            "sponsor": "NIH",
            "sponsor_type": "nih",
            "amount": "1000",
            "status": "awarded",
            "applied_on": date(2025, 8, 1),
            "decided_on": date(2025, 12, 15),
        },
    )
    services.follow_on_funding_create(
        actor=pi,
        awards=[award],
        data={
            "sponsor": "Foundation",
            "sponsor_type": "foundation",
            "amount": "1000",
            "status": "applied",
            "applied_on": date(2026, 2, 1),
        },
    )
    partnership(pi, award, "Valley FQHC")
    services.partnership_create(
        actor=pi,
        award=award,
        data={
            "organisation": "County Public Health",
            "partner_type": "public_health_department",
            "purpose": "dissemination",
        },
    )

    response = api_as(pi).get(f"{API}/outcomes/{path}/?{query}")

    assert response.status_code == 200, response.content
    names = [
        item.get("title") or item.get("sponsor") or item.get("organisation")
        for item in results(response)
    ]
    assert names == expected


def test_trainee_outcomes_filter_by_trainee_and_award(awards):
    services.trainee_outcome_create(
        actor=awards.pi,
        award=awards.award,
        data={"trainee": awards.member, "recorded_on": date(2026, 1, 5)},
    )
    services.trainee_outcome_create(
        actor=awards.pi,
        award=awards.award,
        data={"trainee": awards.pi, "recorded_on": date(2026, 2, 5)},
    )
    client = api_as(awards.admin)

    by_trainee = client.get(f"{API}/outcomes/trainees/?trainee={awards.member.pk}")
    by_date = client.get(f"{API}/outcomes/trainees/?recorded_after=2026-02-01")
    by_other_award = client.get(f"{API}/outcomes/trainees/?award={awards.other_award.pk}")

    assert [o["trainee"]["id"] for o in results(by_trainee)] == [awards.member.pk]
    assert [o["recorded_on"] for o in results(by_date)] == ["2026-02-05"]
    assert results(by_other_award) == []


# ---- Publication import ----------------------------------------------------------------------


def _import(client, award_pk, text, query=""):
    return client.post(
        f"{API}/outcomes/publications/import/{query}",
        {"award": award_pk, "file": upload(text)},
        format="multipart",
    )


def test_import_preview_reads_and_saves_nothing(awards):
    publication(awards.admin, [awards.other_award], title="Already here", pmid="39054321")

    response = _import(api_as(awards.pi), awards.award.pk, MEDLINE)

    body = response.json()
    assert response.status_code == 200, body
    assert body["committed"] is False
    assert body["created"] == body["skipped"] == []
    assert [(r["pmid"], r["doi"], r["published_on"], r["duplicate"]) for r in body["records"]] == [
        ("39012345", "10.2337/dc25-0001", "2025-03-01", False),
        ("39054321", "", None, True),
    ]
    assert body["records"][0]["authors"] == ["Garcia M", "Nguyen T"]
    assert Publication.objects.count() == 1


def test_import_commit_saves_new_records_and_skips_duplicates(awards):
    publication(awards.admin, [awards.other_award], title="Already here", pmid="39054321")

    response = _import(api_as(awards.pi), awards.award.pk, MEDLINE, "?commit=true")

    body = response.json()
    assert response.status_code == 201, body
    assert body["committed"] is True
    assert [p["pmid"] for p in body["created"]] == ["39012345"]
    assert body["created"][0]["awards"] == [awards.award.pk]
    assert [(s["record"]["pmid"], s["reason"]) for s in body["skipped"]] == [
        ("39054321", "Already recorded (same DOI or PubMed ID).")
    ]
    saved = Publication.objects.get(pmid="39012345")
    assert list(saved.awards.all()) == [awards.award]
    assert saved.recorded_by == awards.pi


@pytest.mark.parametrize("query", ["", "?commit=true"])
@pytest.mark.parametrize(
    "content",
    ["just some notes\n", "%PDF-1.4 binary\x00\x01", "[1, 2, 3]", ""],
)
def test_import_of_a_file_that_is_not_medline_or_ris_is_400_under_file(awards, query, content):
    response = _import(api_as(awards.pi), awards.award.pk, content, query)

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not Publication.objects.exists()


def test_import_garbage_file_says_why(awards):
    response = _import(api_as(awards.pi), awards.award.pk, "just some notes\n", "?commit=true")

    assert response.json() == {"file": ["This is not a MEDLINE, RIS, BibTeX or CSL JSON file."]}


def test_import_of_too_large_a_file_is_400_under_file(awards, settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 100

    response = _import(api_as(awards.pi), awards.award.pk, MEDLINE, "?commit=true")

    assert response.status_code == 400
    assert response.json() == {"file": ["The file is too large to be a citation export."]}
    assert not Publication.objects.exists()


def test_import_onto_another_pis_award_is_an_unknown_award(awards):
    response = _import(api_as(awards.pi), awards.other_award.pk, MEDLINE, "?commit=true")

    assert response.status_code == 400
    assert list(response.json()) == ["award"]
    assert not Publication.objects.exists()


@pytest.mark.parametrize("query", ["?commit=perhaps", "?commit=2", "?commit=%00"])
def test_import_with_a_bad_commit_flag_is_400(awards, query):
    response = _import(api_as(awards.pi), awards.award.pk, MEDLINE, query)

    assert response.status_code == 400
    assert list(response.json()) == ["commit"]
    assert not Publication.objects.exists()


CORPUS = Path(__file__).resolve().parents[1] / "reporting" / "import_corpus"


@pytest.mark.parametrize(
    ("name", "first_title"),
    [
        (
            "zotero.bib",
            "Efecto de una intervención de promotoras sobre la hipertensión en "
            "comunidades rurales de México y California: ensayo «PASO»",
        ),
        (
            "zotero.json",
            "Language-concordant primary care and emergency department use among "
            "Chinese-, Korean-, and Vietnamese-speaking older adults in California: a "
            "retrospective cohort study",
        ),
        (
            "cinahl.ris",
            "Doulas and maternal outcomes among Black and immigrant birthing people "
            "in Minneapolis–Saint Paul",
        ),
        (
            "ovid.txt",
            "Teaching Health Equity Through Community-Based Participatory Research: "
            "Lessons from a Service-Learning Course with the Diné Community",
        ),
    ],
)
def test_import_preview_takes_the_new_formats(awards, name, first_title):
    response = _import(
        api_as(awards.pi), awards.award.pk, (CORPUS / name).read_text(encoding="utf-8")
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["records"][0]["title"] == first_title
    assert [r["problems"] for r in body["records"]] == [[] for _ in body["records"]]
    assert not Publication.objects.exists()


def test_import_commit_of_bibtex_saves_and_reports_the_broken_entry(awards):
    text = (
        "@article{ok, title = {Promotoras and blood pressure in {East Los Angeles}},\n"
        "  author = {Garc{\\'\\i}a, Luz}, journal = {Ethnicity \\& Disease}, year = {2025},\n"
        "  doi = {10.18865/ed.35.1.1}}\n"
        "@article{broken, title = {Lost brace, year = {2025}\n"
    )

    response = _import(api_as(awards.pi), awards.award.pk, text, "?commit=true")

    body = response.json()
    assert response.status_code == 201, body
    assert [(p["title"], p["authors"], p["journal"], p["doi"]) for p in body["created"]] == [
        (
            "Promotoras and blood pressure in East Los Angeles",
            "García, Luz",
            "Ethnicity & Disease",
            "10.18865/ed.35.1.1",
        )
    ]
    assert [(s["record"]["title"], s["reason"]) for s in body["skipped"]] == [
        (
            "",
            "Record 2 could not be read: the BibTeX entry (“broken”) is malformed "
            "(check its braces).",
        )
    ]


def test_import_without_a_file_is_400(awards):
    response = api_as(awards.pi).post(
        f"{API}/outcomes/publications/import/", {"award": awards.award.pk}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]


# ---- The HRSA report -------------------------------------------------------------------------


@pytest.fixture
def world():
    return build_world()


def test_report_json_equals_the_builders_dict(world):
    response = api_as(world.admin).get(f"{API}/reports/hrsa/?period=2025-2026&format=json")

    body = response.json()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    expected = build_report(
        "2025-2026",
        generated_by=world.admin.display_name,
        now=datetime.fromisoformat(body["generated_at"]),
    )
    assert body == report_to_dict(expected)
    assert body["suppressed"] is False


def test_report_suppressed_json_equals_the_builders_dict(world):
    response = api_as(world.admin).get(
        f"{API}/reports/hrsa/?period=2025-2026&suppress=true&threshold=3"
    )

    body = response.json()
    assert response.status_code == 200
    expected = build_report(
        "2025-2026",
        suppress=True,
        threshold=3,
        generated_by=world.admin.display_name,
        now=datetime.fromisoformat(body["generated_at"]),
    )
    assert body == report_to_dict(expected)
    assert (body["suppressed"], body["threshold"]) == (True, 3)


def test_report_xlsx_opens_with_the_sheets_in_hrsa_order(world):
    from openpyxl import load_workbook

    response = api_as(world.admin).get(f"{API}/reports/hrsa/?period=2025-2026&format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="northstar-hrsa-2025-2026.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == SHEETS
    assert workbook["Summary"]["A1"].value == "Summary"


def test_report_pdf_is_a_pdf_attachment(awards):
    from pypdf import PdfReader

    response = api_as(awards.admin).get(
        f"{API}/reports/hrsa/?period=2025-2026&format=pdf&suppress=true"
    )

    data = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="northstar-hrsa-2025-2026-suppressed.pdf"'
    )
    assert data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1


def test_report_defaults_to_the_current_period_as_json(awards):
    response = api_as(awards.admin).get(f"{API}/reports/hrsa/")

    assert response.status_code == 200
    assert response.json()["period"] == current_period().label


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2025", "period"),
        ("period=2025-2027", "period"),
        ("period=abcd-efgh", "period"),
        ("period=%00", "period"),
        ("period=" + "9" * 50, "period"),
        ("period=1990-1991", "period"),
        ("period=2090-2091", "period"),
        ("period=2025-2026&format=docx", "format"),
        ("period=2025-2026&format=JSON", "format"),
        ("period=2025-2026&suppress=true&threshold=0", "threshold"),
        ("period=2025-2026&suppress=true&threshold=51", "threshold"),
        ("period=2025-2026&threshold=-1", "threshold"),
        ("period=2025-2026&threshold=abc", "threshold"),
        ("period=2025-2026&suppress=perhaps", "suppress"),
    ],
)
def test_report_bad_options_are_400_under_their_name(awards, query, field):
    response = api_as(awards.admin).get(f"{API}/reports/hrsa/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_report_period_outside_the_program_says_which_periods_exist(awards):
    response = api_as(awards.admin).get(f"{API}/reports/hrsa/?period=1990-1991")

    assert response.json() == {
        "period": [
            f"No report for 1990-1991: choose a period from 2024-2025 to {current_period().label}."
        ]
    }


@pytest.mark.parametrize("role", ["stranger", "pi", "member"])
@pytest.mark.parametrize("fmt", ["json", "xlsx", "pdf", "docx"])
def test_report_is_403_to_everyone_but_administrators(awards, role, fmt):
    user = getattr(awards, role)

    response = api_as(user).get(f"{API}/reports/hrsa/?period=2025-2026&format={fmt}")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only administrators see and export the reports."}


def test_report_is_401_anonymously():
    response = api_as(None).get(f"{API}/reports/hrsa/?period=2025-2026")

    assert response.status_code == 401


# ---- Query counts ----------------------------------------------------------------------------


def _progress_reports(n: int):
    pi = make_user()
    for _ in range(n):
        award, _ = simple_award(pi=pi)
        services.progress_reports_schedule(award=award)
    return pi, f"{API}/progress-reports/?kind=final"


def _publications(n: int):
    award, _ = simple_award()
    for i in range(n):
        publication(award.proposal.pi, [award], doi=f"10.1000/p{i}", published_on="2025-10")
    return award.proposal.pi, f"{API}/outcomes/publications/"


def _partnerships(n: int):
    award, admin = simple_award()
    for i in range(n):
        partnership(award.proposal.pi, award, f"Partner {i}")
    return admin, f"{API}/outcomes/partnerships/"


def _trainees(n: int):
    member = make_user()
    award, _ = simple_award(team=[member])
    for i in range(n):
        services.trainee_outcome_create(
            actor=award.proposal.pi,
            award=award,
            data={"trainee": member, "recorded_on": date(2026, 1, 1 + i)},
        )
    return award.proposal.pi, f"{API}/outcomes/trainees/"


# (builder, queries): the literal count must not change between 1 and 3 items.
QUERY_COUNTS = [
    pytest.param(_progress_reports, 4, id="progress-reports"),
    pytest.param(_publications, 4, id="publications"),
    pytest.param(_partnerships, 3, id="partnerships (administrator)"),
    pytest.param(_trainees, 3, id="trainees"),
]


@pytest.mark.parametrize(("builder", "queries"), QUERY_COUNTS)
@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_is_constant(builder, queries, n, django_assert_num_queries):
    user, url = builder(n)
    client = api_as(_fresh(user))

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert len(results(response)) == n


# ---- Garbage in, never a server error ---------------------------------------------------------

LISTS = [
    "progress-reports/",
    "outcomes/publications/",
    "outcomes/presentations/",
    "outcomes/funding/",
    "outcomes/trainees/",
    "outcomes/partnerships/",
]
GARBAGE = [
    "award=abc",
    "award=1.5",
    "award=-1",
    "award=0",
    "award=99999999999999999999999999",
    "trainee=abc",
    "trainee=1e3",
    "status=<script>alert(1)</script>",
    "kind=wizard",
    "level=galactic",
    "sponsor_type=%00",
    "partner_type=castle",
    "purpose=",
    "year=0",
    "year=-5",
    "year=10000",
    "year=abc",
    "year=99999999999999999999999",
    "due_before=notadate",
    "due_after=2026-13-45",
    "published_after=0000-01-01",
    "published_before=9999-12-31",
    "presented_after=%00",
    "applied_before=2026-02-30",
    "decided_after=yesterday",
    "recorded_before=2026/01/01",
    "peer_reviewed=perhaps",
    "disparities_focused=%00",
    "page=-1",
    "page=abc",
    "page=0",
    "page=99999",
    "page_size=100000",
    "page_size=-5",
    "page_size=abc",
    "ordering=nope",
    "ordering=-",
    "ordering=award__proposal__pi__password",
    "ordering=%00",
    "format=docx",
    "kind=final&kind=interim&kind=<x>",
]


@pytest.mark.parametrize("query", GARBAGE)
def test_garbage_query_strings_never_give_a_server_error(awards, query):
    client = api_as(awards.admin)

    codes = {url: client.get(f"{API}/{url}?{query}").status_code for url in LISTS}

    assert set(codes.values()) <= {200, 400, 404}, codes


@pytest.mark.parametrize(
    "query", ["", "period=", "period=2025-2026&format=json&format=xlsx", "threshold=1e3"]
)
def test_report_garbage_query_strings_never_give_a_server_error(awards, query):
    response = api_as(awards.admin).get(f"{API}/reports/hrsa/?{query}")

    assert response.status_code in {200, 400}


# ---- Who reaches what: every route x every role ----------------------------------------------

ROLES = ("anonymous", "stranger", "pi", "member", "other_pi", "admin")


@dataclass
class Matrix:
    users: dict
    award: object
    report: ProgressReport
    outcomes: dict  # kind -> the PI's outcome of that kind
    support: object = None  # a payment to the member from the PI's award


@pytest.fixture
def matrix(awards) -> Matrix:
    """One outcome of each kind on the PI's award and one on the other PI's; both awards'
    progress reports scheduled."""
    report = services.progress_reports_schedule(award=awards.award)[0]
    services.progress_reports_schedule(award=awards.other_award)
    outcomes = {}
    for name, kind in KINDS.items():
        data = {k: v for k, v in kind.payload(awards).items() if k not in ("awards", "award")}
        theirs = dict(data)
        if name == "trainees":
            data["trainee"], theirs["trainee"] = awards.member, awards.other_pi
        if name == "publications":
            theirs.update(doi="10.1000/other", pmid="1")  # identifiers are unique
        outcomes[name] = kind.record(awards.pi, awards.award, data)
        kind.record(awards.other_pi, awards.other_award, theirs)
    users = {
        "anonymous": None,
        "stranger": awards.stranger,
        "pi": awards.pi,
        "member": awards.member,
        "other_pi": awards.other_pi,
        "admin": awards.admin,
    }
    support = services.participant_support_create(
        actor=awards.pi, award=awards.award, data=_payment(awards.award, awards.member)
    )
    return Matrix(
        users=users, award=awards.award, report=report, outcomes=outcomes, support=support
    )


def _payment(award, person) -> dict:
    day = award.start_date.isoformat()
    return {
        "person": person.pk,
        "kind": "stipend",
        "amount": "100.00",
        "paid_from": day,
        "paid_to": day,
    }


NAMES = {
    "publications": "api-publication",
    "presentations": "api-presentation",
    "funding": "api-follow-on-funding",
    "trainees": "api-trainee-outcome",
    "partnerships": "api-partnership",
}
# GET on every route: lists answer (200, number of items); 405 where there is no GET.
LIST_SCOPE = {"stranger": (200, 0), "pi": (200, 1), "member": (200, 1), "other_pi": (200, 1)}
DETAIL_SCOPE = {"stranger": 404, "pi": 200, "member": 200, "other_pi": 404, "admin": 200}
NO_GET = {role: 405 for role in ROLES[1:]}
GET_MATRIX = {
    "api-progress-report-list": (
        lambda m: [],
        {"stranger": (200, 0), "pi": (200, 2), "member": (200, 2), "other_pi": (200, 2)}
        | {"admin": (200, 4)},
    ),
    "api-progress-report-detail": (lambda m: [m.report.pk], DETAIL_SCOPE),
    "api-progress-report-submit": (lambda m: [m.report.pk], NO_GET),
    "api-publication-import": (lambda m: [], NO_GET),
    "api-award-transition": (lambda m: [m.award.pk], NO_GET),
    "api-report-hrsa": (
        lambda m: [],
        {"stranger": 403, "pi": 403, "member": 403, "other_pi": 403, "admin": 200},
    ),
    "api-portfolio-nimhd": (
        lambda m: [],
        {"stranger": 403, "pi": 403, "member": 403, "other_pi": 403, "admin": 200},
    ),
    "api-portfolio-pilot-outcomes": (
        lambda m: [],
        {"stranger": 403, "pi": 403, "member": 403, "other_pi": 403, "admin": 200},
    ),
}
# A limited submission's nominees: the award's call is an ordinary one, so nobody has any (404
# for everyone, administrators included; tests/grants/test_limited_submissions.py has a
# limited call's).
NOBODY = {role: 404 for role in ROLES[1:]}
GET_MATRIX["api-call-nominations"] = (lambda m: [m.award.call_id], NOBODY)
GET_MATRIX["api-call-external-submission"] = (
    lambda m: [m.award.call_id, m.award.proposal_id],
    NO_GET,
)
# Trainee support: the award's PI and administrators; the team member sees the award (403).
SUPPORT = {"stranger": 404, "pi": 200, "member": 403, "other_pi": 404, "admin": 200}
GET_MATRIX["api-award-support-list"] = (lambda m: [m.award.pk], SUPPORT)
GET_MATRIX["api-award-support-detail"] = (lambda m: [m.award.pk, m.support.pk], SUPPORT)
GET_MATRIX["api-award-training-status-list"] = (lambda m: [m.award.pk], SUPPORT)
# Inclusion enrollment: the same people as trainee support.
GET_MATRIX["api-award-enrollment-list"] = (lambda m: [m.award.pk], SUPPORT)
for _kind, _name in NAMES.items():
    GET_MATRIX[f"{_name}-list"] = (lambda m: [], LIST_SCOPE | {"admin": (200, 2)})
    GET_MATRIX[f"{_name}-detail"] = (lambda m, k=_kind: [m.outcomes[k].pk], DETAIL_SCOPE)


def _answer(response):
    """A list's (200, count), or the status code."""
    if response.status_code == 200 and "results" in response.json():
        return (200, response.json()["count"])
    return response.status_code


def _route_names() -> set[str]:
    return {pattern.name for pattern in reporting_api_urls.urlpatterns}


def test_the_matrix_covers_every_route():
    assert set(GET_MATRIX) == _route_names()


@pytest.mark.parametrize("name", sorted(GET_MATRIX))
def test_get_matrix(matrix, name):
    args, expected = GET_MATRIX[name]
    url = reverse(name, args=args(matrix))

    answers = {role: _answer(api_as(matrix.users[role]).get(url)) for role in ROLES}

    assert answers == {"anonymous": 401, **expected}


@dataclass
class Write:
    name: str
    method: str
    args: object  # (Matrix) -> url args
    data: object  # (Matrix) -> body
    expected: dict  # role -> status; anonymous is always 401
    multipart: bool = False


def _create(kind: str):
    def data(m: Matrix) -> dict:
        # Both ways of naming the award: each kind reads its own and ignores the other.
        target = {"awards": [m.award.pk], "award": m.award.pk, "trainee": m.users["member"].pk}
        return {**target, **_WRITE_BODIES[kind]}

    return data


_WRITE_BODIES = {
    "publications": {"title": "New paper", "published_on": "2025-09"},
    "presentations": {
        "title": "Talk",
        "venue": "V",
        "presented_on": "2025-09-01",
        "kind": "poster",
        "level": "local",
    },
    "funding": {
        "sponsor": "S",
        "sponsor_type": "internal",
        "amount": "5",
        "status": "applied",
        "applied_on": "2025-09-01",
    },
    "trainees": {"recorded_on": "2026-01-01"},
    "partnerships": {"organisation": "O", "partner_type": "other", "purpose": "other"},
}
# Creating on the PI's award: its team and administrators; anyone else names an unknown award.
CREATE = {"stranger": 400, "pi": 201, "member": 201, "other_pi": 400, "admin": 201}
CHANGE = {"stranger": 404, "pi": 200, "member": 200, "other_pi": 404, "admin": 200}
DELETE = {"stranger": 404, "pi": 204, "member": 204, "other_pi": 404, "admin": 204}
PATCHES = {
    "publications": {"journal": "JAMA"},
    "presentations": {"venue": "W"},
    "funding": {"mechanism": "K23"},
    "trainees": {"position": "Resident"},
    "partnerships": {"description": "Weekly clinic"},
}
WRITES = {
    "submit": Write(
        "api-progress-report-submit",
        "post",
        lambda m: [m.report.pk],
        lambda m: {"objectives_accomplishments": "Done.", "barriers_resolutions": "None."},
        {"stranger": 404, "pi": 200, "member": 403, "other_pi": 404, "admin": 200},
    ),
    "import": Write(
        "api-publication-import",
        "post",
        lambda m: [],
        lambda m: {"award": m.award.pk, "file": upload(MEDLINE)},
        {"stranger": 400, "pi": 200, "member": 200, "other_pi": 400, "admin": 200},
        multipart=True,
    ),
    # The PI and the team see the award but do not change it; nobody else sees it.
    "award transition": Write(
        "api-award-transition",
        "post",
        lambda m: [m.award.pk],
        lambda m: {"to": "no_cost_extension", "new_end_date": "2026-06-30"},
        {"stranger": 404, "pi": 403, "member": 403, "other_pi": 404, "admin": 200},
    ),
}
WRITES |= {
    "record a nominee's application": Write(
        "api-call-external-submission",
        "put",
        lambda m: [m.award.call_id, m.award.proposal_id],
        lambda m: {"submitted_on": "2026-01-10"},
        NOBODY,
    ),
    "support-create": Write(
        "api-award-support-list",
        "post",
        lambda m: [m.award.pk],
        lambda m: _payment(m.award, m.users["member"]),
        SUPPORT | {"pi": 201, "admin": 201},
    ),
    "support-patch": Write(
        "api-award-support-detail",
        "patch",
        lambda m: [m.award.pk, m.support.pk],
        lambda m: {"amount": "150.00"},
        SUPPORT,
    ),
    "support-delete": Write(
        "api-award-support-detail",
        "delete",
        lambda m: [m.award.pk, m.support.pk],
        lambda m: None,
        SUPPORT | {"pi": 204, "admin": 204},
    ),
    "training-status": Write(
        "api-award-training-status-list",
        "post",
        lambda m: [m.award.pk],
        lambda m: {"person": m.users["member"].pk, "status": "enrolled"},
        SUPPORT,
    ),
    "enrollment-create": Write(
        "api-award-enrollment-list",
        "post",
        lambda m: [m.award.pk],
        lambda m: {"kind": "planned", "counts": dict.fromkeys(ENROLLMENT_CELLS, 0)},
        SUPPORT | {"pi": 201, "admin": 201},
    ),
}
for _kind, _name in NAMES.items():
    WRITES[f"{_kind}-create"] = Write(f"{_name}-list", "post", lambda m: [], _create(_kind), CREATE)
    WRITES[f"{_kind}-patch"] = Write(
        f"{_name}-detail",
        "patch",
        lambda m, k=_kind: [m.outcomes[k].pk],
        lambda m, k=_kind: PATCHES[k],
        CHANGE,
    )
    WRITES[f"{_kind}-delete"] = Write(
        f"{_name}-detail",
        "delete",
        lambda m, k=_kind: [m.outcomes[k].pk],
        lambda m: None,
        DELETE,
    )


def test_every_write_route_has_a_write_row():
    offered = set()
    for pattern in reporting_api_urls.urlpatterns:
        actions = getattr(pattern.callback, "actions", None)
        if actions is not None:
            methods = set(actions)
        else:
            view_class = pattern.callback.view_class
            methods = {m for m in ("post", "patch", "put", "delete") if hasattr(view_class, m)}
        offered |= {(pattern.name, m) for m in methods - {"get", "head", "options"}}

    assert {(w.name, w.method) for w in WRITES.values()} == offered


@pytest.mark.parametrize("label", sorted(WRITES))
def test_write_matrix(matrix, label):
    write = WRITES[label]
    url = reverse(write.name, args=write.args(matrix))
    answers = {}

    for role in ROLES:
        # Each role's attempt is rolled back, so every role meets the same world.
        with transaction.atomic():
            client = api_as(matrix.users[role])
            response = getattr(client, write.method)(
                url, write.data(matrix), format="multipart" if write.multipart else "json"
            )
            answers[role] = response.status_code
            transaction.set_rollback(True)

    assert answers == {"anonymous": 401, **write.expected}


def test_schema_documents_every_reporting_route():
    schema = api_as(make_user()).get(f"{API}/schema/?format=json").json()

    paths = {p for p in schema["paths"] if p.startswith(("/api/v1/progress", "/api/v1/outcomes"))}
    paths |= {p for p in schema["paths"] if p.startswith("/api/v1/reports")}
    assert paths == {
        "/api/v1/progress-reports/",
        "/api/v1/progress-reports/{id}/",
        "/api/v1/progress-reports/{id}/submit/",
        "/api/v1/outcomes/publications/",
        "/api/v1/outcomes/publications/{id}/",
        "/api/v1/outcomes/publications/import/",
        "/api/v1/outcomes/presentations/",
        "/api/v1/outcomes/presentations/{id}/",
        "/api/v1/outcomes/funding/",
        "/api/v1/outcomes/funding/{id}/",
        "/api/v1/outcomes/trainees/",
        "/api/v1/outcomes/trainees/{id}/",
        "/api/v1/outcomes/partnerships/",
        "/api/v1/outcomes/partnerships/{id}/",
        "/api/v1/reports/hrsa/",
    }
    report = schema["paths"]["/api/v1/reports/hrsa/"]["get"]
    assert {p["name"] for p in report["parameters"]} == {
        "period",
        "format",
        "suppress",
        "threshold",
    }
    assert set(report["responses"]["200"]["content"]) == {
        "application/json",
        XLSX,
        "application/pdf",
    }
