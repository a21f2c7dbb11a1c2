"""Who reaches which committee page: a role x page matrix over every route of reviews/urls.py.

Three worlds, one call each, built through the services: the **read phase** (the assigned,
certified reviewer has submitted; the other has not certified yet), the **panel** (where any
non-conflicted member may open the proposals, read their reviews and vote), and **released**
(the review is closed, the proposals are decided and the decisions released to the PIs).

Anonymous visitors are sent to sign in; what a user may not know exists answers 404, never 403;
pages answer 200, or redirect where they do by design (the review sheet to the conflict check,
the reviews to the proposal, every action back to its page). Action routes (POST only) are
POSTed with a harmless form; their refusals of GET are checked separately.

Each world is built once per module inside a transaction that is rolled back at the end; each
test runs in its own savepoint, so an action one test POSTs never leaks into the next.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from grants import services as grant_services
from grants.choices import DecisionOutcome
from reviews import services as review_services
from reviews import urls as review_urls
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

pytestmark = pytest.mark.django_db

READ = "read_phase"
PANEL = "panel"
RELEASED = "released"
WORLDS = (READ, PANEL, RELEASED)

ROLES = (
    "anonymous",
    "applicant",  # the PI of the proposal on every page (a student; the mentor is on the team)
    "other_applicant",  # PI of another proposal in the same call
    "mentor",  # the proposal's mentor, also on the committee: automatically conflicted
    "reviewer",  # assigned, certified no conflict, review submitted
    "uncertified",  # assigned, has not certified (nor written anything)
    "conflicted",  # committee member who declared a conflict with the proposal
    "member",  # committee member not assigned to the proposal
    "chair",
    "admin",  # administrator, not on the committee
)
SIGNED_IN = ROLES[1:]
COMMITTEE = ("reviewer", "uncertified", "conflicted", "member", "mentor", "chair")


def to(view_name: str) -> str:
    """The outcome of a redirect to ``view_name``."""
    return f"302 -> {view_name}"


def everyone(outcome) -> dict[str, object]:
    return dict.fromkeys(SIGNED_IN, outcome)


# ---- The world -------------------------------------------------------------------------------


@dataclass
class World:
    phase: str
    users: dict[str, object]
    call: object
    proposal: object
    other_proposal: object
    committee: object
    reviewer_assignment: Assignment
    uncertified_assignment: Assignment
    review: Review
    attachment: object
    media_root: object


def _build_world(phase: str, media_root) -> World:
    admin = make_admin()
    call = make_call(total_budget=Decimal("100000"))
    proposal, student, mentor = make_trainee_proposal(call=call)
    proposal = grant_services.proposal_submit(proposal=proposal, actor=student)
    other = make_submitted_proposal(call=call)
    grant_services.call_begin_review(call=call, actor=admin)
    proposal.refresh_from_db()
    other.refresh_from_db()
    chair = make_reviewer()
    reviewer, uncertified, conflicted, member = (make_reviewer() for _ in range(4))
    committee = review_services.committee_create(
        actor=admin,
        name="Pilot awards study section",
        chair=chair,
        members=[reviewer, uncertified, conflicted, member, mentor],
    )
    review_services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    first = review_services.assignment_create(proposal=proposal, reviewer=reviewer, actor=chair)
    second = review_services.assignment_create(proposal=proposal, reviewer=uncertified, actor=chair)
    review_services.conflict_declare(
        proposal=proposal,
        reviewer=conflicted,
        actor=conflicted,
        reason=ConflictReason.COLLABORATOR,
    )
    review_services.review_phase_transition(
        call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair
    )
    review = submit_review(first, impact=2)
    review_services.review_phase_transition(call=call, to=ReviewPhase.READ_PHASE, actor=chair)
    if phase in (PANEL, RELEASED):
        review_services.review_phase_transition(call=call, to=ReviewPhase.PANEL, actor=chair)
    if phase == RELEASED:
        review_services.final_score_record(proposal=proposal, actor=reviewer, score=2)
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
            "uncertified": uncertified,
            "conflicted": conflicted,
            "member": member,
            "chair": chair,
            "admin": admin,
        },
        call=call,
        proposal=proposal,
        other_proposal=other,
        committee=committee,
        reviewer_assignment=first,
        uncertified_assignment=second,
        review=review,
        attachment=proposal.attachments.order_by("pk").first(),
        media_root=media_root,
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
        yield _build_world(request.param, media_root)
        transaction.set_rollback(True)


@pytest.fixture
def world_media(world, settings):
    """The world's uploads stay where they were written (the autouse fixture moves
    MEDIA_ROOT for every test)."""
    settings.MEDIA_ROOT = world.media_root


# ---- The routes ------------------------------------------------------------------------------


def _assignment(w: World, role: str) -> int:
    """The user's own assignment to the proposal when they hold one, else the reviewer's."""
    own = {"reviewer": w.reviewer_assignment, "uncertified": w.uncertified_assignment}
    return own.get(role, w.reviewer_assignment).pk


@dataclass(frozen=True)
class Route:
    args: Callable[[World, str], tuple]
    method: str = "GET"
    data: Callable[[World], dict] = lambda w: {}


ROUTES: dict[str, Route] = {
    "queue": Route(lambda w, r: ()),
    "conflict_check": Route(lambda w, r: (_assignment(w, r),)),
    "review": Route(lambda w, r: (_assignment(w, r),)),
    "proposal": Route(lambda w, r: (w.proposal.pk,)),
    "attachment_download": Route(lambda w, r: (w.proposal.pk, w.attachment.pk)),
    "proposal_reviews": Route(lambda w, r: (w.proposal.pk,)),
    "review_reopen": Route(
        lambda w, r: (w.review.pk,), "POST", lambda w: {"reason": "Please revisit Factor 2."}
    ),
    "summary_statement": Route(lambda w, r: (w.proposal.pk,)),
    "summary_statement_pdf": Route(lambda w, r: (w.proposal.pk,)),
    "committee_list": Route(lambda w, r: ()),
    "committee_detail": Route(lambda w, r: (w.committee.pk,)),
    "call_manage": Route(lambda w, r: (w.call.pk,)),
    "call_begin_review": Route(lambda w, r: (w.call.pk,), "POST"),
    "call_phase": Route(lambda w, r: (w.call.pk,), "POST", lambda w: {"to": ReviewPhase.PANEL}),
    "call_auto_assign": Route(lambda w, r: (w.call.pk,), "POST"),
    "assignment_add": Route(
        lambda w, r: (w.call.pk, w.other_proposal.pk),
        "POST",
        lambda w: {"reviewer": w.users["member"].pk},
    ),
    "assignment_change": Route(
        lambda w, r: (w.call.pk, w.uncertified_assignment.pk),
        "POST",
        lambda w: {"action": "remove"},
    ),
    "panel": Route(lambda w, r: (w.call.pk,)),
    "panel_proposal": Route(lambda w, r: (w.call.pk, w.proposal.pk)),
    "panel_disposition": Route(
        lambda w, r: (w.call.pk, w.proposal.pk), "POST", lambda w: {"disposition": "discussed"}
    ),
    "ballot": Route(lambda w, r: (w.call.pk,)),
    "ranking": Route(lambda w, r: (w.call.pk,)),
    "decide": Route(
        lambda w, r: (w.call.pk, w.proposal.pk), "POST", lambda w: {"outcome": "waitlisted"}
    ),
    "release": Route(lambda w, r: (w.call.pk,), "POST"),
}

# ---- What each role gets ---------------------------------------------------------------------
# {url name: {world: {role: outcome}}}; a signed-in role not listed gets 404, and anonymous
# visitors are always sent to sign in.

_open_read = {"reviewer": 200, "chair": 200}
_open_panel = {"reviewer": 200, "uncertified": 200, "member": 200, "chair": 200}
_panel_runners = {"chair": 200, "admin": 200}


def _all(outcomes: dict[str, object]) -> dict[str, dict[str, object]]:
    return {world: outcomes for world in WORLDS}


MATRIX: dict[str, dict[str, dict[str, object]]] = {
    "queue": _all(everyone(200)),
    "conflict_check": _all({"reviewer": 200, "uncertified": 200}),
    "review": {
        READ: {"reviewer": 200, "uncertified": to("reviews:conflict_check")},
        PANEL: {"reviewer": 200, "uncertified": 200},
        RELEASED: {"reviewer": 200, "uncertified": 200},
    },
    "proposal": {READ: _open_read, PANEL: _open_panel, RELEASED: _open_panel},
    "attachment_download": {READ: _open_read, PANEL: _open_panel, RELEASED: _open_panel},
    "proposal_reviews": {
        READ: {"reviewer": 200, "chair": 200, "admin": 200},
        PANEL: {
            "reviewer": 200,
            "uncertified": to("reviews:proposal"),  # opens the proposal, has not reviewed
            "member": 200,
            "chair": 200,
            "admin": 200,
        },
        RELEASED: {
            "reviewer": 200,
            "uncertified": to("reviews:proposal"),
            "member": 200,
            "chair": 200,
            "admin": 200,
        },
    },
    "review_reopen": _all({"chair": to("reviews:proposal_reviews")}),
    "summary_statement": {
        READ: _panel_runners,
        PANEL: _panel_runners,
        RELEASED: {**_panel_runners, "applicant": 200},
    },
    "summary_statement_pdf": {
        READ: _panel_runners,
        PANEL: _panel_runners,
        RELEASED: {**_panel_runners, "applicant": 200},
    },
    "committee_list": _all({"admin": 200}),
    "committee_detail": _all({"admin": 200}),
    "call_manage": _all({"chair": 200, "admin": 200}),
    "call_begin_review": _all({"admin": to("reviews:call_manage")}),
    "call_phase": _all({"chair": to("reviews:call_manage"), "admin": to("reviews:call_manage")}),
    "call_auto_assign": _all(
        {"chair": to("reviews:call_manage"), "admin": to("reviews:call_manage")}
    ),
    "assignment_add": _all(
        {"chair": to("reviews:call_manage"), "admin": to("reviews:call_manage")}
    ),
    "assignment_change": _all(
        {"chair": to("reviews:call_manage"), "admin": to("reviews:call_manage")}
    ),
    "panel": _all(_panel_runners),
    "panel_proposal": _all(_panel_runners),
    "panel_disposition": _all({"chair": to("reviews:panel"), "admin": to("reviews:panel")}),
    "ballot": {
        READ: _panel_runners,
        # Every member has the other proposal to score, the conflicted ones included.
        PANEL: {**dict.fromkeys(COMMITTEE, 200), "admin": 200},
        RELEASED: _panel_runners,
    },
    "ranking": _all({"admin": 200}),
    "decide": _all({"admin": to("reviews:ranking")}),
    "release": _all({"admin": to("reviews:ranking")}),
}


def _outcome(response) -> object:
    if response.status_code in (301, 302):
        return to(resolve(urlparse(response["Location"]).path).view_name)
    return response.status_code


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# ---- The tests -------------------------------------------------------------------------------


def test_the_matrix_covers_every_route_in_every_world():
    names = {pattern.name for pattern in review_urls.urlpatterns}

    assert set(MATRIX) == names
    assert set(ROUTES) == names
    assert {name: set(MATRIX[name]) for name in names} == {name: set(WORLDS) for name in names}
    assert all(
        set(outcomes) <= set(SIGNED_IN)
        for by_world in MATRIX.values()
        for outcomes in by_world.values()
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_page_matrix(world, world_media, name, role):
    route = ROUTES[name]
    url = reverse(f"reviews:{name}", args=route.args(world, role))
    client = _client(world.users[role])
    expected = to("login") if role == "anonymous" else MATRIX[name][world.phase].get(role, 404)

    if route.method == "POST":
        response = client.post(url, route.data(world))
    else:
        response = client.get(url)

    assert _outcome(response) == expected


@pytest.mark.parametrize(
    "name", sorted(name for name, route in ROUTES.items() if route.method == "POST")
)
def test_action_routes_refuse_get(world, name):
    route = ROUTES[name]
    url = reverse(f"reviews:{name}", args=route.args(world, "chair"))

    response = _client(world.users["admin"]).get(url)

    assert response.status_code == 405
