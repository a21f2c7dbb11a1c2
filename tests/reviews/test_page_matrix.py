"""Who reaches which committee page: a role x page matrix over every route of reviews/urls.py.

Three worlds of tests/support/worlds.py, built through the services: the **read phase** (the
reviewer and a second reviewer have submitted; the uncertified one, assigned to the same
proposal, has not certified yet), the **panel** (where any
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

import pytest
from django.urls import reverse

from reviews import urls as review_urls
from reviews.choices import ReviewPhase
from tests.support import worlds
from tests.support.matrix import (
    Case,
    cases,
    client_for,
    expected,
    isolation_test,
    matrix,
    page_outcome,
    to,
    world_fixtures,
)
from tests.support.worlds import PANEL, READ, RELEASED, World

pytestmark = pytest.mark.django_db

WORLDS = (READ, PANEL, RELEASED)
ROLES = worlds.ROLES
SIGNED_IN = ROLES[1:]
COMMITTEE = ("reviewer", "uncertified", "conflicted", "member", "mentor", "chair")


def build_world(stage: str) -> World:
    """The shared world, with its two-stage calls (``worlds.add_letters``)."""
    world = worlds.build_world(stage)
    worlds.add_letters(world)
    return world


world, world_media = world_fixtures(build_world)


def everyone(outcome) -> dict[str, object]:
    return dict.fromkeys(SIGNED_IN, outcome)


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
    "proposal_pdf": Route(lambda w, r: (w.proposal.pk,)),
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
    # The confirmation of several decisions; with nothing chosen it says what to choose.
    "decide_many": Route(lambda w, r: (w.call.pk,)),
    "decision_form": Route(lambda w, r: (w.call.pk, w.proposal.pk)),
    # Letters of intent: the two-stage call in letters triage, the applicant's letter.
    "letters": Route(lambda w, r: (w.letter_call.pk,)),
    # Not yet: the applicant's letter awaits its decision (a message, back to the letters).
    "letters_stage": Route(lambda w, r: (w.letter_call.pk,), "POST", lambda w: {"to": "open"}),
    "letter": Route(lambda w, r: (w.letter.pk,)),
    # A decline without a message: refused on the page (200), never recorded.
    "letter_triage": Route(
        lambda w, r: (w.letter.pk,),
        "POST",
        lambda w: {"triage-outcome": "declined", "triage-message": ""},
    ),
    "letter_pdf": Route(lambda w, r: (w.letter.pk,)),
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
    "proposal_pdf": {READ: _open_read, PANEL: _open_panel, RELEASED: _open_panel},
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
    "decide_many": _all({"admin": 200}),
    "decision_form": _all({"admin": 200}),
    # The committee and the office see a two-stage call's letters and each letter (the
    # conflicted member its title only); applicants never do.
    "letters": _all({**dict.fromkeys(COMMITTEE, 200), "admin": 200}),
    "letters_stage": _all({"admin": to("reviews:letters")}),
    "letter": _all({**dict.fromkeys(COMMITTEE, 200), "admin": 200}),
    # Only the office decides: the committee, who see the letter, are refused (403).
    "letter_triage": _all({**dict.fromkeys(COMMITTEE, 403), "admin": 200}),
    # The PDF: not to the member conflicted with the letter.
    "letter_pdf": _all({**dict.fromkeys(set(COMMITTEE) - {"conflicted"}, 200), "admin": 200}),
}


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


@matrix(cases(((stage, name, "") for stage in WORLDS for name in sorted(ROUTES)), ROLES))
def test_page_matrix(case: Case, world: World):
    route = ROUTES[case.row]
    url = reverse(f"reviews:{case.row}", args=route.args(world, case.role))
    client = client_for(world, case.role)
    want = expected(MATRIX[case.row][world.stage], case.role, anonymous=to("login"))

    if route.method == "POST":
        response = client.post(url, route.data(world))
    else:
        response = client.get(url)

    assert page_outcome(response) == want


ACTIONS = sorted(name for name, route in ROUTES.items() if route.method == "POST")


@matrix(cases(((stage, name, "GET") for stage in WORLDS for name in ACTIONS), ["admin"]))
def test_action_routes_refuse_get(case: Case, world: World):
    route = ROUTES[case.row]
    url = reverse(f"reviews:{case.row}", args=route.args(world, "chair"))

    response = client_for(world, case.role).get(url)

    assert response.status_code == 405


# Last in the module: every case above that writes left its world as built.
test_cases_leave_the_world_as_built = isolation_test(WORLDS)
