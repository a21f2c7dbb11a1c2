"""What the permission matrices share: the nine roles, the committee-review world they meet in
(built through the services) and the keeper that builds each world once for a module's tests,
the walk over /api/v1/'s URL patterns, and how a response is summed up as an outcome.

Used by tests/api/test_reviews_matrix.py (reviews/api/urls.py) and tests/api/test_api_matrix.py
(every other route of the API, and the check that no route of /api/v1/ is left without a row).
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils import timezone

from grants import services as grant_services
from grants.choices import DecisionOutcome
from reviews import services as review_services
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

from .support import API

# ---- Roles -----------------------------------------------------------------------------------

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


def everyone(outcome) -> dict[str, object]:
    return dict.fromkeys(SIGNED_IN, outcome)


def listing(counts: dict[str, int]) -> dict[str, object]:
    """A scoped list: every signed-in role gets 200, with the number of items given (0 for
    roles not named)."""
    return {role: (200, counts.get(role, 0)) for role in SIGNED_IN}


def outcome_of(response) -> object:
    """200 with the number of items for a JSON list, else the status code (files and pages:
    the status code)."""
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return response.status_code
    body = response.json()
    if isinstance(body, list):
        return (200, len(body))
    if isinstance(body, dict) and "results" in body:
        return (200, len(body["results"]))
    return 200


def read_body(response) -> bytes:
    """The response's bytes, a streamed file's included. Reading a stream to its end closes
    it (the test client wraps it so); closing it again would fire ``request_finished`` and
    close the database connection, world and all."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# ---- The committee-review world --------------------------------------------------------------

READ = "read_phase"  # the call is in review; both reviewers of the proposal have submitted
PANEL = "panel"  # the panel votes
DECIDED = "decided"  # review closed, both proposals decided, the decisions not yet released
RELEASED = "released"  # ... and released to the PIs: the proposal is funded, the other not


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


def build_review_world(phase: str) -> World:
    """One call in review with two proposals, a committee of seven and its conflicts, moved to
    ``phase`` through the services."""
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
    if phase in (PANEL, DECIDED, RELEASED):
        review_services.review_phase_transition(call=call, to=ReviewPhase.PANEL, actor=chair)
        # Default triage drops the weaker half; the chair brings it back.
        review_services.panel_set_disposition(proposal=other, disposition="discussed", actor=chair)
        review_services.final_score_record(proposal=proposal, actor=reviewer, score=2)
    if phase in (DECIDED, RELEASED):
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
    if phase == RELEASED:
        grant_services.decisions_release(call=call, actor=admin)
    for item in (call, proposal, other):
        item.refresh_from_db()
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


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Case:
    """One test of a matrix: the world it runs in, the row and the role."""

    phase: str
    label: str
    role: str


class WorldKeeper:
    """One world at a time for a module's tests, built through the services when first asked
    for and kept, in a transaction rolled back when another world is asked for or at the end of
    the module; so the tests come grouped by world.

    Ask for it from a module-scoped fixture parametrized with one ``Case`` per test (indirect,
    ``scope="module"``): a module-scoped fixture is set up before the test's own savepoint
    (pytest-django's ``django_db``) is opened, which a switch of worlds needs, and one parameter
    per test keeps pytest from reordering the tests. (Parametrized by world alone alongside
    function-scoped parameters, the fixture would get the function's scope and be rebuilt for
    every test.)
    """

    def __init__(self, build: Callable[[str], object], django_db_blocker, media_root):
        self.build = build
        self.blocker = django_db_blocker
        self.media_root = media_root  # the worlds' documents
        self.phase: str | None = None
        self.world = None
        self._kept: ExitStack | None = None

    def world_for(self, phase: str):
        if phase != self.phase:
            self.close()
            kept = ExitStack()
            try:
                kept.enter_context(self.blocker.unblock())
                kept.enter_context(transaction.atomic())
                kept.callback(transaction.set_rollback, True)  # runs first on close
                with override_settings(MEDIA_ROOT=self.media_root, PASSWORD_HASHERS=FAST_HASHERS):
                    self.world = self.build(phase)
            except BaseException:
                kept.close()
                raise
            self._kept, self.phase = kept, phase
        return self.world

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()
        self._kept, self.phase, self.world = None, None, None


# ---- The routes of /api/v1/ ------------------------------------------------------------------


def api_patterns(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern below ``patterns`` (includes and router output walked), as (the route
    as written, pattern). Format-suffix variants (``\\.(?P<format>...)``) are left out: they
    are the same view as the pattern without the suffix."""
    for entry in patterns:
        route = prefix + str(entry.pattern).removeprefix("^").removesuffix("$")
        if isinstance(entry, URLResolver):
            yield from api_patterns(entry.url_patterns, route)
        elif "(?P<format>" not in route and "<drf_format_suffix" not in route:
            yield route, entry


WRITE_METHODS = ("post", "put", "patch", "delete")


def methods_of(pattern: URLPattern) -> set[str]:
    """The HTTP methods a pattern's view answers, GET included when it has one (HEAD and
    OPTIONS not: DRF adds ``head`` to a viewset route's actions once it has served a GET)."""
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:  # a viewset route: {method: action}
        return set(actions) - {"head", "options"}
    view_class = getattr(pattern.callback, "view_class", None) or getattr(
        pattern.callback, "cls", None
    )
    return {m for m in ("get", *WRITE_METHODS) if hasattr(view_class, m)}


@cache
def api_route_names() -> frozenset[str]:
    """The names of every route under /api/v1/."""
    from config import api_urls

    return frozenset(pattern.name for _, pattern in api_patterns(api_urls.urlpatterns))


def skip_until_routed(name: str, pending: dict[str, str]) -> None:
    """Skip a row of a route still being added (``pending``: name -> path) until it exists."""
    if name in pending and name not in api_route_names():
        pytest.skip(f"{name} ({API}/{pending[name]}) is not routed yet; checked once it is")


def misnamed_pending(pending: dict[str, str]) -> list[str]:
    """Pending rows whose path is routed under another name: they would be skipped forever."""
    problems = []
    for name, path in pending.items():
        try:
            match = resolve(f"{API}/{path}")
        except Resolver404:
            continue
        if match.url_name != name:
            problems.append(f"{API}/{path} is routed as {match.url_name!r}; rename row {name!r}")
    return problems
