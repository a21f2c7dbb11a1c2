"""Issue #5: "Query counts of every list endpoint stay constant from 1 to 20 items."

Every list of the API (a paginated list, a bare array, or an object with ``results``, as the
schema says) is read with 1 item and with 20, by the person who sees them — the administrator,
and the applicant (or mentor, or reviewer) for the lists they read — and must cost the same
number of queries. Each size is built through the services in a savepoint that is rolled back,
so the 20-item list holds exactly 20. The list is read once before it is measured: what a first
read does once (caches, scheduling newly released awards' reports) is not what grows with it.

``test_every_list_endpoint_is_measured`` fails when a list route is added without a row here.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.choices import ApplicantType
from grants import services as grant_services
from grants.choices import AttachmentKind, BudgetCategory, DecisionOutcome, TeamRole
from grants.models import Award
from reporting import services as reporting_services
from reporting.choices import ProgressReportKind
from reviews import services as review_services
from reviews.choices import ConflictReason, ReviewPhase
from tests.factories import (
    make_admin,
    make_call,
    make_committee,
    make_proposal,
    make_review_setup,
    make_user,
    move_review_to,
    pdf_upload,
    submit_review,
)
from tests.reporting.support import Spec, fund_call, simple_award

from .support import API, api_as, call_in_review

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1, 20


@dataclass
class Listing:
    user: object
    url: str


# ---- Grants ----------------------------------------------------------------------------------


def _calls(n: int, role: str) -> Listing:
    for _ in range(n):
        make_call()
    return Listing(make_admin() if role == "admin" else make_user(), f"{API}/calls/")


def _eligibility_exceptions(n: int, role: str) -> Listing:
    admin, call = make_admin(), make_call()
    for _ in range(n):
        grant_services.eligibility_exception_grant(
            call=call, person=make_user(), reason="Joint appointment.", actor=admin
        )
    return Listing(admin, f"{API}/calls/{call.pk}/eligibility-exceptions/")


def _proposals(n: int, role: str) -> Listing:
    call = make_call(one_per_applicant=False)
    if role == "applicant":
        pi = make_user()
        for _ in range(n):
            make_proposal(call=call, pi=pi)
        return Listing(pi, f"{API}/proposals/")
    for _ in range(n):
        make_proposal(call=call)  # a different PI each
    return Listing(make_admin(), f"{API}/proposals/")


def _proposal_child(role: str, proposal) -> object:
    return proposal.pi if role == "applicant" else make_admin()


def _team(n: int, role: str) -> Listing:
    proposal = make_proposal(complete=False)
    for _ in range(n):
        grant_services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=make_user()
        )
    return Listing(_proposal_child(role, proposal), f"{API}/proposals/{proposal.pk}/team/")


def _budget(n: int, role: str) -> Listing:
    proposal = make_proposal(complete=False)
    for i in range(n):
        grant_services.budget_line_save(
            proposal=proposal,
            actor=proposal.pi,
            category=BudgetCategory.SUPPLIES,
            description=f"Line {i}",
            amount=Decimal("100.00"),
        )
    return Listing(_proposal_child(role, proposal), f"{API}/proposals/{proposal.pk}/budget/")


def _attachments(n: int, role: str) -> Listing:
    proposal = make_proposal(complete=False)
    for _ in range(n):
        grant_services.attachment_add(
            proposal=proposal,
            actor=proposal.pi,
            kind=AttachmentKind.OTHER,
            uploaded_file=pdf_upload(),
        )
    return Listing(_proposal_child(role, proposal), f"{API}/proposals/{proposal.pk}/attachments/")


def _endorsements(n: int, role: str) -> Listing:
    mentor = make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    for _ in range(n):
        student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
        proposal = make_proposal(pi=student)
        grant_services.team_member_add(
            proposal=proposal, actor=student, role=TeamRole.MENTOR, user=mentor
        )
        grant_services.endorsement_request(proposal=proposal, actor=student)
    return Listing(mentor, f"{API}/endorsements/")


def _letters(n: int, role: str) -> Listing:
    """A two-stage call with ``n`` letters sent, each with its PDF, read by the office (an
    applicant has at most one letter to a call)."""
    from tests.support.letters import make_letter, make_two_stage_call

    call = make_two_stage_call()
    for _ in range(n):
        make_letter(call=call, applicant=make_user(), document=True)
    return Listing(make_admin(), f"{API}/calls/{call.pk}/letters/")


def _released_awards(n: int, *, pi=None):
    """``n`` funded and released awards (of one PI when given), and the administrator."""
    admin = make_admin()
    specs = [Spec(pi=pi or make_user()) for _ in range(n)]
    fund_call(specs, admin=admin, one_per_applicant=False, total_budget=Decimal("1000000"))
    return admin


def _awards(n: int, role: str) -> Listing:
    if role == "applicant":
        pi = make_user()
        _released_awards(n, pi=pi)
        return Listing(pi, f"{API}/awards/")
    _, items, admin = call_in_review(n, total_budget="1000000")
    for proposal in items:
        grant_services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED
        )
    return Listing(admin, f"{API}/awards/")


# ---- Reporting -------------------------------------------------------------------------------


def _progress_reports(n: int, role: str) -> Listing:
    pi = make_user()
    admin = _released_awards(n, pi=pi)
    # Each award owes an interim and a final report: the final ones are the n items, all
    # submitted (so each names who submitted it).
    for award in Award.objects.filter(proposal__pi=pi):
        for report in reporting_services.progress_reports_schedule(award=award):
            if report.kind == ProgressReportKind.FINAL:
                reporting_services.progress_report_submit(
                    report=report,
                    actor=pi,
                    objectives_accomplishments="Enrolled 40.",
                    barriers_resolutions="None.",
                )
    return Listing(pi if role == "applicant" else admin, f"{API}/progress-reports/?kind=final")


def _outcomes(kind: str, create: Callable) -> Callable[[int, str], Listing]:
    def build(n: int, role: str) -> Listing:
        member = make_user()
        award, admin = simple_award(team=[member])
        pi = award.proposal.pi
        for i in range(n):
            create(pi, award, member, i)
        return Listing(pi if role == "applicant" else admin, f"{API}/outcomes/{kind}/")

    return build


_publications = _outcomes(
    "publications",
    lambda pi, award, member, i: reporting_services.publication_create(
        actor=pi,
        awards=[award],
        data={"title": f"Paper {i}", "doi": f"10.1000/p{i}", "published_on": "2025-10"},
    ),
)
_presentations = _outcomes(
    "presentations",
    lambda pi, award, member, i: reporting_services.presentation_create(
        actor=pi,
        awards=[award],
        data={
            "title": f"Talk {i}",
            "venue": "APHA",
            "presented_on": date(2025, 6, 1),
            "kind": "oral",
            "level": "national",
        },
    ),
)
_funding = _outcomes(
    "funding",
    lambda pi, award, member, i: reporting_services.follow_on_funding_create(
        actor=pi,
        awards=[award],
        data={
            "sponsor": f"Sponsor {i}",
            "sponsor_type": "nih",
            "amount": "50000",
            "status": "applied",
            "applied_on": date(2025, 8, 1),
        },
    ),
)
_trainees = _outcomes(
    "trainees",
    lambda pi, award, member, i: reporting_services.trainee_outcome_create(
        actor=pi, award=award, data={"trainee": member, "recorded_on": date(2026, 1, 1 + i)}
    ),
)
_partnerships = _outcomes(
    "partnerships",
    lambda pi, award, member, i: reporting_services.partnership_create(
        actor=pi,
        award=award,
        data={"organisation": f"Partner {i}", "partner_type": "fqhc", "purpose": "research"},
    ),
)


# ---- Committee review ------------------------------------------------------------------------


def _paid(n: int, role: str, path: str) -> Listing:
    """An award paying ``n`` team members, each with a training status."""
    members = [make_user(applicant_type=ApplicantType.MEDICAL_STUDENT) for _ in range(n)]
    award, admin = simple_award(team=members)
    pi = award.proposal.pi
    for member in members:
        reporting_services.participant_support_create(
            actor=pi,
            award=award,
            data={
                "person": member.pk,
                "kind": "stipend",
                "amount": "100.00",
                "paid_from": award.start_date,
                "paid_to": award.start_date,
            },
        )
        reporting_services.training_status_record(
            actor=pi, award=award, data={"person": member.pk, "status": "enrolled"}
        )
    return Listing(pi if role == "applicant" else admin, f"{API}/awards/{award.pk}/{path}/")


def _support(n: int, role: str) -> Listing:
    return _paid(n, role, "support")


def _training_status(n: int, role: str) -> Listing:
    return _paid(n, role, "training-status")


def _enrollment(n: int, role: str) -> Listing:
    """The planned table and n - 1 cumulative ones, a day apart, each a little higher."""
    from datetime import timedelta

    from reporting.choices import ENROLLMENT_CELLS

    award, admin = simple_award()
    pi = award.proposal.pi
    cell = ENROLLMENT_CELLS[0]
    reporting_services.enrollment_planned_save(
        actor=pi,
        award=award,
        data={"enrolls_humans": True, "counts": {**dict.fromkeys(ENROLLMENT_CELLS, 0), cell: 50}},
    )
    for i in range(1, n):
        reporting_services.enrollment_cumulative_submit(
            actor=pi,
            award=award,
            data={
                "counts": {**dict.fromkeys(ENROLLMENT_CELLS, 0), cell: i},
                "as_of": award.start_date + timedelta(days=i),
            },
        )
    return Listing(pi if role == "applicant" else admin, f"{API}/awards/{award.pk}/enrollment/")


def _committees(n: int, role: str) -> Listing:
    admin = make_admin()
    for _ in range(n):
        make_committee(admin=admin, members=2)
    return Listing(admin, f"{API}/committees/")


def _members(n: int, role: str) -> Listing:
    admin = make_admin()
    committee = make_committee(admin=admin, members=n - 1)  # and the chair
    return Listing(admin, f"{API}/committees/{committee.pk}/members/")


def _reviewed(n: int, phase: str = ReviewPhase.READ_PHASE):
    """A call in review with ``n`` proposals, each assigned to the first member (who has
    submitted the review) and each declared a conflict by the third."""
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1, load_cap=n)
    reviewer, _, conflicted = setup.members
    assignments = [
        review_services.assignment_create(proposal=p, reviewer=reviewer, actor=setup.chair)
        for p in setup.proposals
    ]
    for proposal in setup.proposals:
        review_services.conflict_declare(
            proposal=proposal,
            reviewer=conflicted,
            actor=conflicted,
            reason=ConflictReason.COLLABORATOR,
        )
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    for assignment in assignments:
        submit_review(assignment)
    move_review_to(setup, phase)
    return setup


def _assignments(n: int, role: str) -> Listing:
    setup = _reviewed(n)
    user = setup.members[0] if role == "reviewer" else setup.admin
    return Listing(user, f"{API}/assignments/")


def _conflicts(n: int, role: str) -> Listing:
    return Listing(_reviewed(n).admin, f"{API}/conflicts/")


def _reviews(n: int, role: str) -> Listing:
    setup = _reviewed(n)
    return Listing(setup.members[0] if role == "reviewer" else setup.admin, f"{API}/reviews/")


def _panel(n: int, role: str) -> Listing:
    setup = _reviewed(n)
    return Listing(setup.admin, f"{API}/calls/{setup.call.pk}/panel/")


def _ranking(n: int, role: str) -> Listing:
    setup = _reviewed(n)
    return Listing(setup.admin, f"{API}/calls/{setup.call.pk}/ranking/")


def _nominations(n: int, role: str) -> Listing:
    """A limited submission taking ``n``, each nominated, released and its application to the
    sponsor recorded."""
    from grants import services as grant_services
    from grants.choices import DecisionOutcome
    from reporting import services as reporting_services
    from tests.grants.test_limited_submissions import limited_call

    call, proposals, admin = limited_call(n, allowed=n)
    for proposal in proposals:
        grant_services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.NOMINATED
        )
    grant_services.decisions_release(call=call, actor=admin)
    for proposal in proposals:
        proposal.refresh_from_db()
        reporting_services.external_submission_save(
            actor=admin, proposal=proposal, values={"submitted_on": timezone.localdate()}
        )
    return Listing(admin, f"{API}/calls/{call.pk}/nominations/")


def _ballot(n: int, role: str) -> Listing:
    # No reviews: triage drops nothing, so every proposal is on the ballot.
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    move_review_to(setup, ReviewPhase.PANEL)
    return Listing(setup.members[0], f"{API}/calls/{setup.call.pk}/panel/ballot/")


# ---- The measurements ------------------------------------------------------------------------

# (schema path, builder, role): every list route, read by whoever sees its items.
LISTS = [
    ("/api/v1/calls/", _calls, "admin"),
    ("/api/v1/calls/", _calls, "applicant"),
    ("/api/v1/calls/{call_pk}/eligibility-exceptions/", _eligibility_exceptions, "admin"),
    ("/api/v1/proposals/", _proposals, "admin"),
    ("/api/v1/proposals/", _proposals, "applicant"),
    ("/api/v1/proposals/{proposal_pk}/team/", _team, "admin"),
    ("/api/v1/proposals/{proposal_pk}/team/", _team, "applicant"),
    ("/api/v1/proposals/{proposal_pk}/budget/", _budget, "admin"),
    ("/api/v1/proposals/{proposal_pk}/budget/", _budget, "applicant"),
    ("/api/v1/proposals/{proposal_pk}/attachments/", _attachments, "admin"),
    ("/api/v1/proposals/{proposal_pk}/attachments/", _attachments, "applicant"),
    ("/api/v1/endorsements/", _endorsements, "mentor"),
    ("/api/v1/calls/{call_pk}/letters/", _letters, "admin"),
    ("/api/v1/awards/", _awards, "admin"),
    ("/api/v1/awards/", _awards, "applicant"),
    ("/api/v1/progress-reports/", _progress_reports, "admin"),
    ("/api/v1/progress-reports/", _progress_reports, "applicant"),
    ("/api/v1/outcomes/publications/", _publications, "admin"),
    ("/api/v1/outcomes/publications/", _publications, "applicant"),
    ("/api/v1/outcomes/presentations/", _presentations, "admin"),
    ("/api/v1/outcomes/presentations/", _presentations, "applicant"),
    ("/api/v1/outcomes/funding/", _funding, "admin"),
    ("/api/v1/outcomes/funding/", _funding, "applicant"),
    ("/api/v1/outcomes/trainees/", _trainees, "admin"),
    ("/api/v1/outcomes/trainees/", _trainees, "applicant"),
    ("/api/v1/outcomes/partnerships/", _partnerships, "admin"),
    ("/api/v1/outcomes/partnerships/", _partnerships, "applicant"),
    ("/api/v1/awards/{award_pk}/support/", _support, "admin"),
    ("/api/v1/awards/{award_pk}/support/", _support, "applicant"),
    ("/api/v1/awards/{award_pk}/training-status/", _training_status, "admin"),
    ("/api/v1/awards/{award_pk}/training-status/", _training_status, "applicant"),
    ("/api/v1/awards/{award_pk}/enrollment/", _enrollment, "admin"),
    ("/api/v1/awards/{award_pk}/enrollment/", _enrollment, "applicant"),
    ("/api/v1/committees/", _committees, "admin"),
    ("/api/v1/committees/{id}/members/", _members, "admin"),
    ("/api/v1/assignments/", _assignments, "admin"),
    ("/api/v1/assignments/", _assignments, "reviewer"),
    ("/api/v1/conflicts/", _conflicts, "admin"),
    ("/api/v1/reviews/", _reviews, "admin"),
    ("/api/v1/reviews/", _reviews, "reviewer"),
    ("/api/v1/calls/{id}/panel/", _panel, "admin"),
    ("/api/v1/calls/{id}/panel/ballot/", _ballot, "member"),
    ("/api/v1/calls/{id}/ranking/", _ranking, "admin"),
    ("/api/v1/calls/{call_pk}/nominations/", _nominations, "admin"),
]


def _items(body) -> list:
    return body if isinstance(body, list) else body["results"]


def _read(builder, n: int, role: str) -> tuple[list[str], int]:
    """The SQL of one read of the list with ``n`` items, and how many items it showed; the
    items are rolled back afterwards."""
    with transaction.atomic():
        listing = builder(n, role)
        user_model = type(listing.user)
        api_as(user_model.objects.get(pk=listing.user.pk)).get(listing.url)  # the first read
        # A fresh user, as a new request loads it (no role cache from the first read).
        client = api_as(user_model.objects.get(pk=listing.user.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(listing.url)
        assert response.status_code == 200, response.content
        shown = len(_items(response.json()))
        transaction.set_rollback(True)
    return [q["sql"] for q in queries.captured_queries], shown


@pytest.mark.parametrize(
    ("builder", "role"),
    [pytest.param(builder, role, id=f"{path} as {role}") for path, builder, role in LISTS],
)
def test_list_query_count_is_the_same_for_1_and_20_items(builder, role):
    small, shown_small = _read(builder, SMALL, role)
    large, shown_large = _read(builder, LARGE, role)

    assert (shown_small, shown_large) == (SMALL, LARGE)
    assert len(large) == len(small), _repeated(small, large)


def _repeated(small: list[str], large: list[str]) -> str:
    """The statements the larger list ran more often (ids and numbers blanked out)."""
    shape = Counter(re.sub(r"\b\d+\b", "N", sql) for sql in small)
    more = Counter(re.sub(r"\b\d+\b", "N", sql) for sql in large) - shape
    return (
        f"{len(small)} queries for {SMALL} item, {len(large)} for {LARGE}; repeated:\n"
        + "\n".join(f"{count} x {sql}" for sql, count in more.most_common(5))
    )


def _list_paths() -> set[str]:
    """The schema's list routes: GETs answering an array, or an object with ``results``."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    paths = set()
    for path, operations in schema["paths"].items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        body = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[-1]]
        results = body.get("properties", {}).get("results", {})
        if body.get("type") == "array" or results.get("type") == "array":
            paths.add(path)
    return paths


# Lists that never reach 20 items, measured where they are tested: path -> the test.
CAPPED = {
    # The colleague finder answers at most 10 people.
    "/api/v1/people/": "tests/accounts/test_people_finder.py::"
    "test_api_people_query_count_is_the_same_for_1_and_10_matches",
}


def test_every_list_endpoint_is_measured():
    assert _list_paths() == {path for path, _, _ in LISTS} | set(CAPPED)
