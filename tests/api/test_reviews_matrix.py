"""Who reaches which committee-review endpoint: a role x route matrix over every route of
reviews/api/urls.py (it fails when a route is added without a row).

Three worlds of tests/support/worlds.py, built through the services: the **read phase** (the reviewer
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

import pytest
from django.urls import reverse

from reviews.api import urls as review_api_urls
from tests.support import worlds
from tests.support.matrix import (
    Case,
    api_outcome,
    cases,
    expected,
    isolation_test,
    matrix,
    methods_of,
    misnamed_pending,
    read_body,
    skip_until_routed,
    world_fixtures,
)
from tests.support.worlds import PANEL, READ, RELEASED, World

from .support import API, api_as

pytestmark = pytest.mark.django_db

WORLDS = (READ, PANEL, RELEASED)
ROLES = tuple(role for role in worlds.ROLES if role != "uncertified")
SIGNED_IN = ROLES[1:]
NOT_FOUND = 404
NO_GET = 405


def build_world(stage: str) -> World:
    """The shared world, with its two-stage calls (``worlds.add_letters``)."""
    world = worlds.build_world(stage)
    worlds.add_letters(world)
    return world


world, world_media = world_fixtures(build_world)


def everyone(outcome) -> dict[str, object]:
    return dict.fromkeys(SIGNED_IN, outcome)


def listing(counts: dict[str, int]) -> dict[str, object]:
    """A scoped list: every signed-in role gets 200, with the number of items given (0 for
    roles not named)."""
    return {role: (200, counts.get(role, 0)) for role in SIGNED_IN}


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
    "api-assignment-swap": Route(lambda w: (w.uncertified_assignment.pk,)),
    "api-assignment-certify": Route(lambda w: (w.reviewer_assignment.pk,)),
    "api-assignment-proposal": Route(lambda w: (w.reviewer_assignment.pk,)),
    "api-assignment-attachment": Route(
        lambda w: (w.reviewer_assignment.pk, w.proposal.attachments.first().pk)
    ),
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
    "api-call-decide-many": Route(lambda w: (w.call.pk,)),
    "api-proposal-summary-statement": Route(lambda w: (w.proposal.pk,)),
    "api-letter-ratings": Route(lambda w: (w.letter.pk,)),
    "api-letter-triage": Route(lambda w: (w.letter.pk,)),
}

# A route someone is adding gets its rows first, and its name and path here: its rows are
# skipped while it is not routed and checked as soon as it is; the path is how it will look, so
# that one routed under another name is reported rather than skipped for ever. Empty once
# routed (assignments/{id}/proposal/ was pending here).
PENDING: dict[str, str] = {}


# ---- What each role gets from GET ------------------------------------------------------------
# {url name: {world: {role: outcome}}}; a signed-in role not listed gets 404.


def _all(outcomes: dict[str, object]) -> dict[str, dict[str, object]]:
    return {world: outcomes for world in WORLDS}


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
    # The proposal's text, for the reviewer assigned to it who certified having no conflict;
    # the chair and the administrator, who see the assignment, may not read through it.
    "api-assignment-proposal": _all({"reviewer": 200, "chair": 403, "admin": 403}),
    # Its documents (PDF), to the same reviewer under the same rules.
    "api-assignment-attachment": _all({"reviewer": 200, "chair": 403, "admin": 403}),
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
    "api-call-decide-many": _all(everyone(NO_GET)),
    "api-proposal-summary-statement": {
        READ: _managers,
        PANEL: _managers,
        RELEASED: {**_managers, "applicant": 200},
    },
    # A letter's ratings: the committee and the office (each reads what is theirs to read:
    # tests/reviews/test_letter_ratings.py); its applicant never.
    "api-letter-ratings": _all(dict.fromkeys(_committee_and_managers, 200)),
    "api-letter-triage": _all(everyone(NO_GET)),
}


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
        lambda w: {"proposal": w.other_proposal.pk, "reviewer": w.users["member"].pk},
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
    "release uncertified assignment": Write(
        "api-assignment-detail",
        "delete",
        READ,
        lambda w: {},
        {"chair": 204, "admin": 204},
        args=lambda w: (w.uncertified_assignment.pk,),
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
        lambda w: {"proposal": w.other_proposal.pk, "reason": "family"},
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
        lambda w: {"proposal": w.other_proposal.pk, "score": 3},
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
        lambda w: {"proposal": w.other_proposal.pk, "disposition": "not_discussed"},
        _managers,
    ),
    "finalize": Write(
        "api-call-panel-finalize",
        "post",
        PANEL,
        lambda w: {"proposal": w.proposal.pk, "resume_of_discussion": "Strong."},
        _managers,
    ),
    # Deciding is the administrators' alone (the chair too gets 404), and not while the panel
    # sits (409: decisions follow the review).
    "decide several": Write(
        "api-call-decide-many",
        "post",
        PANEL,
        lambda w: {"outcome": "funded", "rank_from": 1, "rank_to": 2},
        {"admin": 409},
    ),
    # The applicant's letter: the committee rates it but the member who declared a conflict
    # with it; the office reads the ratings and decides it, and no member does.
    "rate a letter": Write(
        "api-letter-ratings",
        "post",
        READ,
        lambda w: {"rating": 3, "comment": "Worth a full proposal."},
        {
            "reviewer": 200,
            "member": 200,
            "mentor": 200,
            "chair": 200,
            "conflicted": 403,
            "admin": 403,
        },
    ),
    "decide a letter": Write(
        "api-letter-triage",
        "post",
        READ,
        lambda w: {"outcome": "invited", "message": "Welcome."},
        {**dict.fromkeys(_committee_and_managers, 403), "admin": 200},
    ),
    # Once released, a dry run lists both proposals as skipped and records nothing.
    "decide several, released": Write(
        "api-call-decide-many",
        "post",
        RELEASED,
        lambda w: {"outcome": "not_funded", "rank_from": 1, "rank_to": 2, "dry_run": True},
        {"admin": 200},
    ),
}


def _write_url(w: World, write: Write) -> str:
    return reverse(write.name, args=(write.args or ROUTES[write.name].args)(w))


def _routed() -> set[str]:
    return {pattern.name for pattern in review_api_urls.urlpatterns}


# ---- The tests -------------------------------------------------------------------------------


def test_the_matrix_covers_every_route_in_every_world():
    names = _routed()
    not_yet = set(PENDING) - names

    assert misnamed_pending({name: f"{API}/{path}" for name, path in PENDING.items()}) == []
    assert set(MATRIX) - not_yet == names
    assert set(ROUTES) - not_yet == names
    assert {name: set(MATRIX[name]) for name in names} == {name: set(WORLDS) for name in names}
    assert all(
        set(outcomes) <= set(SIGNED_IN)
        for by_world in MATRIX.values()
        for outcomes in by_world.values()
    )


def test_every_write_route_has_a_write_row():
    written = {(write.name, write.method) for write in WRITES.values()}
    offered = {
        (pattern.name, method)
        for pattern in review_api_urls.urlpatterns
        for method in methods_of(pattern) - {"get"}
    }

    assert written == offered


GET_CASES = cases(
    ((phase, name, "") for phase in WORLDS for name in sorted(ROUTES)), ROLES, stages=WORLDS
)


@matrix(GET_CASES)
def test_get_matrix(case: Case, world: World):
    skip_until_routed(case.row, PENDING, _routed())
    url = reverse(case.row, args=ROUTES[case.row].args(world))
    want = expected(MATRIX[case.row][world.stage], case.role, anonymous=401)

    response = api_as(world.users[case.role]).get(url)

    body = read_body(response)
    assert api_outcome(response) == want, body[:500]


WRITE_CASES = cases(
    ((write.phase, label, "") for label, write in WRITES.items()), ROLES, stages=WORLDS
)


@matrix(WRITE_CASES)
def test_write_matrix(case: Case, world: World):
    write = WRITES[case.row]
    want = expected(write.expected, case.role, anonymous=401)
    client = api_as(world.users[case.role])

    response = getattr(client, write.method)(
        _write_url(world, write), write.data(world), format="json"
    )

    assert response.status_code == want, response.content


# Last in the module: every case above that writes left its world as built.
test_cases_leave_the_world_as_built = isolation_test(WORLDS)
