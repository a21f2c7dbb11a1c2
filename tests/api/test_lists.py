"""Lists: filters, pagination, ordering, constant query counts, and garbage query strings."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.choices import ApplicantType
from grants import services
from grants.choices import AttachmentKind, DecisionOutcome, TeamRole
from grants.models import Proposal
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_submitted_proposal,
    make_user,
    pdf_upload,
)

from .support import API, api_as, call_in_review, ids, results

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


def proposals(url: str, user=None) -> list[int]:
    response = api_as(user or make_admin()).get(f"{API}/proposals/{url}")
    assert response.status_code == 200, response.content
    return ids(response)


# ---- Filters (one test each) -----------------------------------------------------------------


def test_filter_proposals_by_status():
    draft = make_proposal(complete=False)
    submitted = make_submitted_proposal()

    assert proposals("?status=submitted") == [submitted.pk]
    assert proposals("?status=draft") == [draft.pk]


def test_filter_proposals_by_call():
    first = make_proposal(complete=False)
    make_proposal(complete=False)

    assert proposals(f"?call={first.call_id}") == [first.pk]


def test_filter_proposals_by_pi():
    first = make_proposal(complete=False)
    make_proposal(complete=False)

    assert proposals(f"?pi={first.pi_id}") == [first.pk]


def test_filter_proposals_by_department_part_any_case():
    cardiology = make_proposal(pi=make_user(department="Cardiology"), complete=False)
    make_proposal(pi=make_user(department="Family Medicine"), complete=False)

    assert proposals("?department=CARDIO") == [cardiology.pk]


def test_filter_proposals_by_applicant_type():
    student = make_proposal(
        pi=make_user(applicant_type=ApplicantType.MEDICAL_STUDENT), complete=False
    )
    make_proposal(complete=False)

    assert proposals("?applicant_type=medical_student") == [student.pk]


def test_filter_proposals_by_disparity_population():
    rural = make_proposal()  # hispanic, rural
    other = make_proposal(complete=False)
    services.proposal_update(
        proposal=other, actor=other.pi, data={"disparity_populations": ["black", "low_ses"]}
    )
    make_proposal(complete=False)  # none

    assert proposals("?disparity_population=rural") == [rural.pk]
    assert proposals("?disparity_population=low_ses") == [other.pk]
    assert proposals("?disparity_population=asian") == []


def test_filter_proposals_by_submitted_date_range_inclusive():
    by_day = {}
    for day in (10, 20, 28):
        proposal = make_submitted_proposal()
        # Arrange the dates: services stamp submissions with the present moment.
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=datetime(2026, 2, day, 23, 30, tzinfo=LA)
        )
        by_day[day] = proposal.pk

    assert proposals("?submitted_after=2026-02-20&submitted_before=2026-02-20") == [by_day[20]]
    assert sorted(proposals("?submitted_after=2026-02-15")) == sorted([by_day[20], by_day[28]])
    assert sorted(proposals("?submitted_before=2026-02-20")) == sorted([by_day[10], by_day[20]])


def test_filter_proposals_by_search_in_title_or_abstract():
    by_title = make_proposal(complete=False)
    services.proposal_update(
        proposal=by_title, actor=by_title.pi, data={"title": "Promotoras in the Valley"}
    )
    by_abstract = make_proposal(complete=False)
    services.proposal_update(
        proposal=by_abstract, actor=by_abstract.pi, data={"abstract": "Working with PROMOTORAS."}
    )
    make_proposal(complete=False)

    assert sorted(proposals("?search=promotora")) == sorted([by_title.pk, by_abstract.pk])


def test_filters_never_widen_the_callers_scope():
    mine = make_proposal(complete=False)
    theirs = make_proposal(complete=False)

    assert proposals(f"?pi={theirs.pi_id}", user=mine.pi) == []
    assert proposals("", user=mine.pi) == [mine.pk]


def test_filter_calls_by_status_and_open_now():
    open_call = make_call()
    closed = make_call(status="closed")

    client = api_as(make_user())
    assert ids(client.get(f"{API}/calls/?status=closed")) == [closed.pk]
    assert ids(client.get(f"{API}/calls/?open=true")) == [open_call.pk]
    assert ids(client.get(f"{API}/calls/?open=false")) == [closed.pk]


# ---- Pagination and ordering -----------------------------------------------------------------


def test_page_size_sets_the_page():
    for _ in range(3):
        make_proposal(complete=False)

    response = api_as(make_admin()).get(f"{API}/proposals/?page_size=2")

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("?page=2&page_size=2")
    assert body["previous"] is None


def test_page_size_is_capped_at_200():
    for _ in range(201):
        make_call()

    response = api_as(make_user()).get(f"{API}/calls/?page_size=100000")

    assert response.json()["count"] == 201
    assert len(response.json()["results"]) == 200


def test_ordering_by_title_and_reverse_pk():
    made = []
    for title in ("Beta", "alpha", "Gamma"):
        proposal = make_proposal(complete=False)
        services.proposal_update(proposal=proposal, actor=proposal.pi, data={"title": title})
        made.append(proposal)

    by_title = [
        p["title"] for p in results(api_as(make_admin()).get(f"{API}/proposals/?ordering=title"))
    ]
    by_pk = proposals("?ordering=-pk")

    assert by_title == sorted(["Beta", "alpha", "Gamma"])
    assert by_pk == sorted((p.pk for p in made), reverse=True)


def test_default_ordering_is_most_recently_updated_first():
    first = make_proposal(complete=False)
    second = make_proposal(complete=False)
    services.proposal_update(proposal=first, actor=first.pi, data={"title": "Touched"})

    assert proposals("") == [first.pk, second.pk]


# ---- Query counts ----------------------------------------------------------------------------


def _proposals_of_one_pi(n: int):
    pi = make_user()
    call = make_call(one_per_applicant=False)
    for _ in range(n):
        make_proposal(call=call, pi=pi)
    return pi, f"{API}/proposals/"


def _calls(n: int):
    for _ in range(n):
        make_call()
    return make_user(), f"{API}/calls/"


def _endorsements(n: int):
    mentor = make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    for _ in range(n):
        student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
        proposal = make_proposal(pi=student)
        services.team_member_add(
            proposal=proposal, actor=student, role=TeamRole.MENTOR, user=mentor
        )
        services.endorsement_request(proposal=proposal, actor=student)
    return mentor, f"{API}/endorsements/"


def _awards(n: int):
    _, items, admin = call_in_review(n, total_budget="100000")
    for proposal in items:
        services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    return admin, f"{API}/awards/"


def _team(n: int):
    proposal = make_proposal(complete=False)
    for _ in range(n):
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=make_user()
        )
    return proposal.pi, f"{API}/proposals/{proposal.pk}/team/"


def _budget(n: int):
    proposal = make_proposal(complete=False)
    for i in range(n):
        services.budget_line_save(
            proposal=proposal, actor=proposal.pi, category="supplies", description=f"L{i}", amount=1
        )
    return proposal.pi, f"{API}/proposals/{proposal.pk}/budget/"


def _attachments(n: int):
    proposal = make_proposal(complete=False)
    for _ in range(n):
        services.attachment_add(
            proposal=proposal,
            actor=proposal.pi,
            kind=AttachmentKind.OTHER,
            uploaded_file=pdf_upload(),
        )
    return proposal.pi, f"{API}/proposals/{proposal.pk}/attachments/"


def _fresh(user):
    """The user as a new request would load it (no role cache)."""
    return type(user).objects.get(pk=user.pk)


# (builder, queries): the literal count must not change between 1 and 3 items.
QUERY_COUNTS = [
    pytest.param(_proposals_of_one_pi, 3, id="proposals"),
    pytest.param(_calls, 3, id="calls"),
    pytest.param(_endorsements, 2, id="endorsements"),
    pytest.param(_awards, 3, id="awards"),
    pytest.param(_team, 3, id="team"),
    pytest.param(_budget, 3, id="budget"),
    pytest.param(_attachments, 3, id="attachments"),
]


@pytest.mark.parametrize(("builder", "queries"), QUERY_COUNTS)
@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_is_constant(builder, queries, n, django_assert_num_queries):
    user, url = builder(n)
    client = api_as(_fresh(user))

    with django_assert_num_queries(queries):
        response = client.get(url)

    body = response.json()
    assert response.status_code == 200
    assert len(body["results"] if isinstance(body, dict) else body) == n


# ---- Garbage in, never a server error ---------------------------------------------------------

GARBAGE = [
    "status=<script>alert(1)</script>",
    "call=abc",
    "call=1.5",
    "call=99999999999999999999999999",
    "pi=-1",
    "applicant_type=wizard",
    "disparity_population=%22rural%22",
    "department=%00",
    "search=%00",
    "search=" + "x" * 500,
    "submitted_after=notadate",
    "submitted_before=2026-13-45",
    "open=perhaps",
    "page=-1",
    "page=abc",
    "page=0",
    "page=99999",
    "page_size=100000",
    "page_size=-5",
    "page_size=abc",
    "ordering=nope",
    "ordering=-",
    "ordering=pi__password",
    "ordering=%00",
    "status=draft&status=submitted&status=<x>",
]


def _list_urls():
    proposal = make_proposal()
    return [
        f"{API}/calls/",
        f"{API}/proposals/",
        f"{API}/endorsements/",
        f"{API}/awards/",
        f"{API}/proposals/{proposal.pk}/team/",
        f"{API}/proposals/{proposal.pk}/budget/",
        f"{API}/proposals/{proposal.pk}/attachments/",
    ]


@pytest.mark.parametrize("query", GARBAGE)
def test_garbage_query_strings_never_give_a_server_error(query):
    admin = make_admin()
    urls = _list_urls()
    client = api_as(admin)

    codes = {url: client.get(f"{url}?{query}").status_code for url in urls}

    assert set(codes.values()) <= {200, 400, 404}, codes
