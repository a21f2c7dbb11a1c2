"""Who reaches which committee-review endpoint: a role x route matrix over every route of
reviews/api/urls.py (it fails when a route is added without a row).

Three worlds, one call each, built through the services: the **read phase** (the reviewer
and a second reviewer have submitted their reviews of the applicant's proposal), the **panel**
(where any non-conflicted member may read the reviews and vote), and **released** (the review
is closed, both proposals are decided and the decisions released to the PIs).

``GET`` on every route: a list answers ``(200, number of items)`` — the scope, not only the
door; what a caller may not know exists answers 404; routes without ``GET`` answer 405 to
anyone signed in. Anonymous callers get 401 everywhere. The writes are a second matrix, each
in the world where it means something; every test runs in its own savepoint, so a write never
leaks into the next test.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grants import services as grant_services
from grants.choices import DecisionOutcome
from reviews import services as review_services
from reviews.api import urls as review_api_urls
from reviews.choices import ConflictReason, ReviewPhase
from reviews.models import Assignment, Review
from tests.factories import (
    make_admin,
    make_call,
    make_reviewer,
    make_submitted_proposal,
    make_trainee_proposal,
    submit_review,
)

from .support import api_as

pytestmark = pytest.mark.django_db

READ = "read_phase"
PANEL = "panel"
RELEASED = "released"
WORLDS = (READ, PANEL, RELEASED)

ROLES = (
    "anonymous",
    "applicant",  # PI of the proposal (a student; the mentor is on its team)
    "other_applicant",  # PI of the other proposal in the same call
    "mentor",  # the proposal's mentor, also on the committee: automatically conflicted
    "reviewer",  # assigned to the proposal, certified, review submitted
    "conflicted",  # committee member who declared a conflict with the proposal
    "member",  # committee member not assigned to the proposal
    "chair",
    "admin",  # administrator, not on the committee
)
SIGNED_IN = ROLES[1:]
NOT_FOUND = 404
NO_GET = 405


# ---- The world -------------------------------------------------------------------------------


@dataclass
class World:
    phase: str
    users: dict[str, object]
    call: object
    proposal: object  # the applicant's
    other: object  # the other applicant's
    committee: object
    reviewer_assignment: Assignment
    spare_assignment: Assignment  # on the other proposal, not certified: swappable
    review: Review
    conflict: object


def _build_world(phase: str) -> World:
    admin = make_admin()
    call = make_call(total_budget=Decimal("100000"))
    proposal, student, mentor = make_trainee_proposal(call=call)
    proposal = grant_services.proposal_submit(proposal=proposal, actor=student)
    other = make_submitted_proposal(call=call)
    grant_services.call_begin_review(call=call, actor=admin)
    proposal.refresh_from_db()
    other.refresh_from_db()
    chair = make_reviewer()
    reviewer, second, spare, conflicted, member = (make_reviewer() for _ in range(5))
    committee = review_services.committee_create(
        actor=admin,
        name="Pilot awards study section",
        chair=chair,
        members=[reviewer, second, spare, conflicted, member, mentor],
    )
    review_services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    assign = review_services.assignment_create
    first = assign(proposal=proposal, reviewer=reviewer, actor=chair)
    second_on_proposal = assign(proposal=proposal, reviewer=second, actor=chair)
    second_on_other = assign(proposal=other, reviewer=second, actor=chair)
    spare_on_other = assign(proposal=other, reviewer=spare, actor=chair)
    conflict = review_services.conflict_declare(
        proposal=proposal, reviewer=conflicted, actor=conflicted, reason=ConflictReason.COLLABORATOR
    )
    review_services.review_phase_transition(
        call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair
    )
    review = submit_review(first, impact=2)
    submit_review(second_on_proposal, impact=3)
    submit_review(second_on_other, impact=5)
    review_services.review_phase_transition(call=call, to=ReviewPhase.READ_PHASE, actor=chair)
    if phase in (PANEL, RELEASED):
        review_services.review_phase_transition(call=call, to=ReviewPhase.PANEL, actor=chair)
        # Default triage drops the weaker half; the chair brings it back.
        review_services.panel_set_disposition(proposal=other, disposition="discussed", actor=chair)
        review_services.final_score_record(proposal=proposal, actor=reviewer, score=2)
    if phase == RELEASED:
        review_services.final_score_record(proposal=other, actor=member, score=5)
        for item in (proposal, other):
            review_services.panel_finalize(
                proposal=item, actor=chair, resume_of_discussion="Discussed at length."
            )
        review_services.review_phase_transition(call=call, to=ReviewPhase.CLOSED, actor=chair)
        grant_services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED
        )
        grant_services.decision_record(
            proposal=other, actor=admin, outcome=DecisionOutcome.NOT_FUNDED
        )
        grant_services.decisions_release(call=call, actor=admin)
    return World(
        phase=phase,
        users={
            "anonymous": None,
            "applicant": student,
            "other_applicant": other.pi,
            "mentor": mentor,
            "reviewer": reviewer,
            "conflicted": conflicted,
            "member": member,
            "chair": chair,
            "admin": admin,
        },
        call=call,
        proposal=proposal,
        other=other,
        committee=committee,
        reviewer_assignment=first,
        spare_assignment=spare_on_other,
        review=review,
        conflict=conflict,
    )


@pytest.fixture(scope="module", params=WORLDS)
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield _build_world(request.param)
        transaction.set_rollback(True)


# ---- The routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    args: Callable[[World], tuple]


ROUTES: dict[str, Route] = {
    "api-committee-list": Route(lambda w: ()),
    "api-committee-detail": Route(lambda w: (w.committee.pk,)),
    "api-committee-members": Route(lambda w: (w.committee.pk,)),
    "api-committee-member": Route(lambda w: (w.committee.pk, w.users["member"].pk)),
    "api-committee-attach": Route(lambda w: (w.committee.pk,)),
    "api-assignment-list": Route(lambda w: ()),
    "api-assignment-detail": Route(lambda w: (w.reviewer_assignment.pk,)),
    "api-assignment-swap": Route(lambda w: (w.spare_assignment.pk,)),
    "api-assignment-certify": Route(lambda w: (w.reviewer_assignment.pk,)),
    "api-conflict-list": Route(lambda w: ()),
    "api-conflict-detail": Route(lambda w: (w.conflict.pk,)),
    "api-review-list": Route(lambda w: ()),
    "api-review-detail": Route(lambda w: (w.review.pk,)),
    "api-review-submit": Route(lambda w: (w.review.pk,)),
    "api-review-reopen": Route(lambda w: (w.review.pk,)),
    "api-call-auto-assign": Route(lambda w: (w.call.pk,)),
    "api-call-phase": Route(lambda w: (w.call.pk,)),
    "api-call-panel": Route(lambda w: (w.call.pk,)),
    "api-call-panel-ballot": Route(lambda w: (w.call.pk,)),
    "api-call-panel-disposition": Route(lambda w: (w.call.pk,)),
    "api-call-panel-finalize": Route(lambda w: (w.call.pk,)),
    "api-call-panel-proposal": Route(lambda w: (w.call.pk, w.proposal.pk)),
    "api-call-ranking": Route(lambda w: (w.call.pk,)),
    "api-proposal-summary-statement": Route(lambda w: (w.proposal.pk,)),
}


# ---- What each role gets from GET ------------------------------------------------------------
# {url name: {world: {role: outcome}}}; a signed-in role not listed gets 404.


def _all(outcomes: dict[str, object]) -> dict[str, dict[str, object]]:
    return {world: outcomes for world in WORLDS}


def everyone(outcome) -> dict[str, object]:
    return dict.fromkeys(SIGNED_IN, outcome)


def listing(counts: dict[str, int]) -> dict[str, object]:
    """A scoped list: every signed-in role gets 200, with the number of items given (0 for
    roles not named)."""
    return {role: (200, counts.get(role, 0)) for role in SIGNED_IN}


_managers = {"chair": 200, "admin": 200}
_committee_and_managers = ("reviewer", "conflicted", "member", "mentor", "chair", "admin")
_review_readers_in_panel = {"reviewer": 200, "member": 200, "chair": 200, "admin": 200}
# Everyone not conflicted reads all three reviews from the panel on; the conflicted only the
# other proposal's; the applicants none.
_reviews_in_panel = listing(
    {"reviewer": 3, "member": 3, "chair": 3, "admin": 3, "conflicted": 1, "mentor": 1}
)

MATRIX: dict[str, dict[str, dict[str, object]]] = {
    "api-committee-list": _all(listing({"chair": 1, "admin": 1})),
    "api-committee-detail": _all(_managers),
    "api-committee-members": _all({"chair": (200, 7), "admin": (200, 7)}),
    "api-committee-member": _all(everyone(NO_GET)),
    "api-committee-attach": _all(everyone(NO_GET)),
    # The reviewer's own; the chair's and administrator's: all four of the call.
    "api-assignment-list": _all(listing({"reviewer": 1, "chair": 4, "admin": 4})),
    "api-assignment-detail": _all({"reviewer": 200, "chair": 200, "admin": 200}),
    "api-assignment-swap": _all(everyone(NO_GET)),
    "api-assignment-certify": _all(everyone(NO_GET)),
    "api-conflict-list": _all(listing({"conflicted": 1, "chair": 1, "admin": 1})),
    "api-conflict-detail": _all({"conflicted": 200, "chair": 200, "admin": 200}),
    "api-review-list": {
        # The reviewer: their own and the second reviewer's of the same proposal.
        READ: listing({"reviewer": 2, "chair": 3, "admin": 3}),
        PANEL: _reviews_in_panel,
        RELEASED: _reviews_in_panel,
    },
    "api-review-detail": {
        READ: {"reviewer": 200, "chair": 200, "admin": 200},
        PANEL: _review_readers_in_panel,
        RELEASED: _review_readers_in_panel,
    },
    "api-review-submit": _all(everyone(NO_GET)),
    "api-review-reopen": _all(everyone(NO_GET)),
    "api-call-auto-assign": _all(everyone(NO_GET)),
    "api-call-phase": _all(_managers),
    "api-call-panel": _all({"chair": (200, 2), "admin": (200, 2)}),
    "api-call-panel-ballot": {
        READ: {role: (200, 0) for role in _committee_and_managers},
        PANEL: {
            "reviewer": (200, 2),
            "member": (200, 2),
            "chair": (200, 2),
            "conflicted": (200, 1),
            "mentor": (200, 1),
            "admin": (200, 0),  # runs the panel, does not vote
        },
        RELEASED: {role: (200, 0) for role in _committee_and_managers},
    },
    "api-call-panel-disposition": _all(everyone(NO_GET)),
    "api-call-panel-finalize": _all(everyone(NO_GET)),
    "api-call-panel-proposal": _all(_managers),
    "api-call-ranking": _all({"chair": (200, 2), "admin": (200, 2)}),
    "api-proposal-summary-statement": {
        READ: _managers,
        PANEL: _managers,
        RELEASED: {**_managers, "applicant": 200},
    },
}


def _outcome(response) -> object:
    """200 with the number of items for a list, else the status code."""
    if response.status_code != 200:
        return response.status_code
    body = response.json()
    if isinstance(body, list):
        return (200, len(body))
    if "results" in body:
        return (200, len(body["results"]))
    return 200


# ---- The writes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    phase: str
    data: Callable[[World], dict]
    expected: dict[str, object]  # signed-in roles not listed: 404
    args: Callable[[World], tuple] | None = None  # the GET matrix's object unless given


WRITES: dict[str, Write] = {
    "create committee": Write(
        "api-committee-list",
        "post",
        READ,
        lambda w: {"name": "Second section", "chair": w.users["member"].username},
        {**everyone(403), "admin": 201},
    ),
    "add member": Write(
        "api-committee-members",
        "post",
        READ,
        lambda w: {"username": w.users["other_applicant"].username},
        {"chair": 403, "admin": 201},
    ),
    "change load cap": Write(
        "api-committee-member",
        "patch",
        READ,
        lambda w: {"load_cap": 3},
        {"chair": 403, "admin": 200},
    ),
    "remove member": Write(
        "api-committee-member", "delete", READ, lambda w: {}, {"chair": 403, "admin": 204}
    ),
    "attach committee": Write(
        "api-committee-attach",
        "post",
        READ,
        lambda w: {"call": w.call.pk},
        {"chair": 403, "admin": 200},
    ),
    "assign": Write(
        "api-assignment-list",
        "post",
        READ,
        lambda w: {"proposal": w.other.pk, "reviewer": w.users["member"].pk},
        {**everyone(403), "chair": 201, "admin": 201},
    ),
    "swap": Write(
        "api-assignment-swap",
        "post",
        READ,
        lambda w: {"reviewer": w.users["member"].pk},
        {"chair": 200, "admin": 200},
    ),
    # The reviewer's own assignment: its review is submitted, so it stays.
    "release assignment": Write(
        "api-assignment-detail",
        "delete",
        READ,
        lambda w: {},
        {"reviewer": 403, "chair": 400, "admin": 400},
    ),
    "release spare assignment": Write(
        "api-assignment-detail",
        "delete",
        READ,
        lambda w: {},
        {"chair": 204, "admin": 204},
        args=lambda w: (w.spare_assignment.pk,),
    ),
    "certify": Write(
        "api-assignment-certify",
        "post",
        READ,
        lambda w: {},
        {"reviewer": 200, "chair": 403, "admin": 403},
    ),
    "declare conflict": Write(
        "api-conflict-list",
        "post",
        READ,
        lambda w: {"proposal": w.other.pk, "reason": "family"},
        {
            # Applicants are on no committee: the proposal is unknown to them.
            "applicant": 400,
            "other_applicant": 400,
            "mentor": 201,
            "reviewer": 201,
            "conflicted": 201,
            "member": 201,
            "chair": 201,
            "admin": 403,  # not a member: declares for members only
        },
    ),
    "start review": Write(
        "api-review-list",
        "post",
        READ,
        lambda w: {"assignment": w.reviewer_assignment.pk},
        {**everyone(400), "reviewer": 409},
    ),
    "edit review": Write(
        "api-review-detail",
        "patch",
        READ,
        lambda w: {"overall_impact": 4},
        {"reviewer": 409, "chair": 403, "admin": 403},
    ),
    "submit review": Write(
        "api-review-submit",
        "post",
        READ,
        lambda w: {},
        {"reviewer": 409, "chair": 403, "admin": 403},
    ),
    "reopen review": Write(
        "api-review-reopen",
        "post",
        READ,
        lambda w: {"reason": "Please revisit Factor 2."},
        {"reviewer": 403, "chair": 200, "admin": 403},
    ),
    "auto-assign": Write("api-call-auto-assign", "post", READ, lambda w: {}, _managers),
    "change phase": Write(
        "api-call-phase", "post", READ, lambda w: {"to": "independent_review"}, _managers
    ),
    "final score": Write(
        "api-call-panel",
        "post",
        PANEL,
        lambda w: {"proposal": w.other.pk, "score": 3},
        {
            "reviewer": 200,
            "conflicted": 200,  # conflicted on the other proposal only
            "mentor": 200,
            "member": 200,
            "chair": 200,
            "admin": 403,  # runs the panel, does not vote
        },
    ),
    "final score, conflicted": Write(
        "api-call-panel",
        "post",
        PANEL,
        lambda w: {"proposal": w.proposal.pk, "score": 3},
        {"reviewer": 200, "member": 200, "chair": 200, "admin": 403},
    ),
    "disposition": Write(
        "api-call-panel-disposition",
        "post",
        PANEL,
        lambda w: {"proposal": w.other.pk, "disposition": "not_discussed"},
        _managers,
    ),
    "finalize": Write(
        "api-call-panel-finalize",
        "post",
        PANEL,
        lambda w: {"proposal": w.proposal.pk, "resume_of_discussion": "Strong."},
        _managers,
    ),
}


def _write_url(w: World, write: Write) -> str:
    return reverse(write.name, args=(write.args or ROUTES[write.name].args)(w))


# ---- The tests -------------------------------------------------------------------------------


def test_the_matrix_covers_every_route_in_every_world():
    names = {pattern.name for pattern in review_api_urls.urlpatterns}

    assert set(MATRIX) == names
    assert set(ROUTES) == names
    assert {name: set(MATRIX[name]) for name in names} == {name: set(WORLDS) for name in names}
    assert all(
        set(outcomes) <= set(SIGNED_IN)
        for by_world in MATRIX.values()
        for outcomes in by_world.values()
    )


def test_every_write_route_has_a_write_row():
    written = {(write.name, write.method) for write in WRITES.values()}
    offered = set()
    for pattern in review_api_urls.urlpatterns:
        actions = getattr(pattern.callback, "actions", None)
        view_class = getattr(pattern.callback, "view_class", None)
        if actions is not None:
            methods = set(actions)
        else:
            methods = {m for m in ("post", "patch", "put", "delete") if hasattr(view_class, m)}
        offered |= {(pattern.name, method) for method in methods - {"get", "head", "options"}}

    assert written == offered


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_get_matrix(world, name, role):
    url = reverse(name, args=ROUTES[name].args(world))
    expected = 401 if role == "anonymous" else MATRIX[name][world.phase].get(role, NOT_FOUND)

    response = api_as(world.users[role]).get(url)

    assert _outcome(response) == expected


def _write_cases():
    for label, write in WRITES.items():
        for role in ROLES:
            yield pytest.param(write.phase, label, role, id=f"{label}-{role}")


@pytest.mark.parametrize(("world", "label", "role"), list(_write_cases()), indirect=["world"])
def test_write_matrix(world, label, role):
    write = WRITES[label]
    expected = 401 if role == "anonymous" else write.expected.get(role, NOT_FOUND)
    client = api_as(world.users[role])

    response = getattr(client, write.method)(
        _write_url(world, write), write.data(world), format="json"
    )

    assert response.status_code == expected, response.content
