"""Schemathesis over every operation of /api/v1/, as an administrator and as an applicant.

Issue #5: "Schemathesis run against /api/v1/schema/ finds no server error and no response that
breaks the schema." The schema is the one the app serves at /api/v1/schema/ to a signed-in
caller, asked of its view in-process; requests go through the WSGI application, with a token
from /api/v1/auth/token/, into a world built through the services (an open call with a draft, a
submitted and a trainee's proposal; a call in review with its committee, assignments, reviews
and a conflict; a released award with progress reports and one outcome of every kind).

Path parameters are drawn from the world's real ids (or left as generated), so operations reach
their objects and not only 404. Every example runs in a savepoint that is rolled back, so a
write (a deletion, a submission) never changes the world the next example sees.

Bounded for CI: a fixed seed, deterministic generation, a few examples per operation and no
coverage phase (it generates every case the schema defines, without a bound).
"""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone
from hypothesis import strategies as st
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi import checks as openapi_checks

from accounts.choices import ApplicantType
from accounts.models import User
from config.wsgi import application
from grants import services as grant_services
from grants.choices import TeamRole
from reporting import services as reporting_services
from reviews import services as review_services
from reviews.choices import ConflictReason, ReviewPhase
from tests.factories import (
    PASSWORD,
    make_call,
    make_committee,
    make_proposal,
    make_submitted_proposal,
    make_user,
    submit_review,
)
from tests.reporting.support import simple_award
from tests.support.letters import make_letter, make_two_stage_call, start_triage

from .support import API

pytestmark = pytest.mark.django_db

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260105,
        "generation": {
            "mode": "all",  # valid data, and invalid data (refused, never a server error)
            "max-examples": 12,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": True},
            "fuzzing": {"enabled": True},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)


def _refuse_queries(execute, sql, params, many, context):
    raise RuntimeError("Loading the schema must not query a database: it runs at collection.")


def _served_schema() -> dict:
    """What /api/v1/schema/ serves a signed-in caller, asked of its view directly: the schema
    is for signed-in people only, and authenticating over WSGI would query the database. An
    unsaved user is signed in without one."""
    request = APIRequestFactory().get(f"{API}/schema/", {"format": "json"})
    force_authenticate(request, user=User(pk=0, username="schemathesis"))
    response = resolve(f"{API}/schema/").func(request)
    response.render()
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


# Loaded at collection (one test per operation), before the test database exists: any query
# here would go to the configured database, so none is allowed. Requests then go through the
# WSGI application.
with connection.execute_wrapper(_refuse_queries):
    schema = schemathesis.openapi.from_dict(_served_schema(), config=CONFIG)
    schema.app = application
    schema.location = f"{API}/schema/"

# Not `negative_data_rejection`: what it flagged here were values a query string or a form
# cannot carry (an object as `?page=`, a null multipart body), which arrive as "not given" and
# are rightly read so. Not `positive_data_acceptance`: valid-looking data breaks rules no schema
# states (dates inside the award's reporting window), and 400 is documented for it.
CHECKS = [
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.ignored_auth,  # operations that declare a token really ask for one
]


# ---- The world -------------------------------------------------------------------------------


@dataclass
class World:
    media_root: object  # where the world's uploads are
    tokens: dict[str, str]  # role: API token
    # Path segment before a parameter (``calls`` in ``calls/{id}/``): ids to draw from.
    ids: dict[str, list[int]]
    # The segments before two parameters (``proposals``, ``team``): (parent, child) pairs.
    pairs: dict[tuple[str, str], list[tuple[int, int]]]


def _build_world(media_root) -> World:
    applicant = make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    member = make_user()

    # A released award of the applicant's, with its progress reports and outcomes.
    award, admin = simple_award(pi=applicant, team=[member])
    reports = reporting_services.progress_reports_schedule(award=award)
    outcome = {"actor": applicant}
    publication = reporting_services.publication_create(
        **outcome, awards=[award], data={"title": "Promotoras and HbA1c", "doi": "10.1000/x1"}
    )
    presentation = reporting_services.presentation_create(
        **outcome,
        awards=[award],
        data={
            "title": "T1",
            "venue": "APHA",
            "presented_on": date(2025, 11, 15),
            "kind": "oral",
            "level": "national",
        },
    )
    funding = reporting_services.follow_on_funding_create(
        **outcome,
        awards=[award],
        data={
            "sponsor": "NIMHD",
            "sponsor_type": "nih",
            "amount": "250000",
            "status": "applied",
            "applied_on": date(2025, 8, 1),
        },
    )
    trainee = reporting_services.trainee_outcome_create(
        **outcome, award=award, data={"trainee": member, "recorded_on": date(2025, 9, 1)}
    )
    partnership = reporting_services.partnership_create(
        **outcome,
        award=award,
        data={"organisation": "Valley FQHC", "partner_type": "fqhc", "purpose": "research"},
    )
    support = reporting_services.participant_support_create(
        **outcome,
        award=award,
        data={
            "person": member,
            "kind": "stipend",
            "amount": "1000",
            "paid_from": date(2025, 2, 1),
            "paid_to": date(2025, 3, 1),
        },
    )

    # An open call: the applicant's draft and submitted proposals, and a student's proposal
    # with the applicant as the mentor asked to endorse it.
    open_call = make_call(one_per_applicant=False, total_budget=Decimal("100000"))
    draft = make_proposal(call=open_call, pi=applicant)
    grant_services.team_member_add(
        proposal=draft, actor=applicant, role=TeamRole.CO_INVESTIGATOR, user=member
    )
    submitted = make_submitted_proposal(call=open_call, pi=applicant)
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    trainee_proposal = make_proposal(call=open_call, pi=student)
    grant_services.team_member_add(
        proposal=trainee_proposal, actor=student, role=TeamRole.MENTOR, user=applicant
    )
    endorsement = grant_services.endorsement_request(proposal=trainee_proposal, actor=student)
    exception = grant_services.eligibility_exception_grant(
        call=open_call, person=student, reason="Joint appointment.", actor=admin
    )

    # A call in review: a committee, assignments, submitted reviews and a declared conflict.
    review_call = make_call(total_budget=Decimal("100000"))
    in_review = [make_submitted_proposal(call=review_call) for _ in range(2)]
    grant_services.call_begin_review(call=review_call, actor=admin)
    committee = make_committee(admin=admin, members=3)
    chair = committee.chair
    reviewers = [m for m in committee.members.order_by("pk") if m.pk != chair.pk]
    review_services.committee_attach_to_call(
        committee=committee,
        call=review_call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    assignments = [
        review_services.assignment_create(proposal=proposal, reviewer=reviewer, actor=chair)
        for proposal in in_review
        for reviewer in reviewers[:2]
    ]
    conflict = review_services.conflict_declare(
        proposal=in_review[0],
        reviewer=reviewers[2],
        actor=reviewers[2],
        reason=ConflictReason.COLLABORATOR,
    )
    review_services.review_phase_transition(
        call=review_call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair
    )
    reviews = [submit_review(assignment) for assignment in assignments[:2]]

    # Two-stage calls: one in letters triage (the applicant's letter with its PDF, rated by a
    # reviewer; a student's invited), one still taking letters (the applicant's draft).
    letter_call = make_two_stage_call(title="Two-stage pilot awards")
    review_services.committee_attach_to_call(committee=committee, call=letter_call, actor=admin)
    sent_letter = make_letter(call=letter_call, applicant=applicant, document=True)
    invited_letter = make_letter(call=letter_call, applicant=student)
    review_services.letter_rate(letter=sent_letter, actor=reviewers[0], rating=2)
    start_triage(letter_call, admin)
    review_services.letter_decide(letter=invited_letter, actor=admin, outcome="invited")
    letters_call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=5))
    draft_letter = make_letter(call=letters_call, applicant=applicant, send=False)

    # A limited submission with a released nominee (calls/{id}/nominations/).
    from tests.grants.test_limited_submissions import limited_call

    limited, (nominee,), _office = limited_call(1, allowed=1)
    grant_services.decision_record(proposal=nominee, actor=admin, outcome="nominated")
    grant_services.decisions_release(call=limited, actor=admin)

    proposals = [draft, submitted, trainee_proposal, *in_review, award.proposal]
    members = [chair, *reviewers]

    def children(related: str) -> list[tuple[int, int]]:
        return [(p.pk, child.pk) for p in proposals for child in getattr(p, related).order_by("pk")]

    return World(
        media_root=media_root,
        tokens={"administrator": _token(admin), "applicant": _token(applicant)},
        ids={
            "calls": [
                open_call.pk,
                review_call.pk,
                award.proposal.call_id,
                letter_call.pk,
                letters_call.pk,
                limited.pk,
            ],
            "letters": [sent_letter.pk, invited_letter.pk, draft_letter.pk],
            "proposals": [p.pk for p in proposals],
            "endorsements": [endorsement.pk],
            "awards": [award.pk],
            "progress-reports": [r.pk for r in reports],
            "publications": [publication.pk],
            "presentations": [presentation.pk],
            "funding": [funding.pk],
            "trainees": [trainee.pk],
            "partnerships": [partnership.pk],
            "committees": [committee.pk],
            "assignments": [a.pk for a in assignments],
            "conflicts": [conflict.pk],
            "reviews": [r.pk for r in reviews],
            # Not path segments: people, for request bodies.
            "reviewers": [m.pk for m in members],
            "people": [member.pk, applicant.pk],
        },
        pairs={
            ("proposals", "team"): children("team"),
            ("proposals", "budget"): children("budget_lines"),
            ("proposals", "attachments"): children("attachments"),
            ("assignments", "attachments"): [
                (a.pk, attachment.pk)
                for a in assignments
                for attachment in a.proposal.attachments.order_by("pk")
            ],
            ("calls", "panel"): [(review_call.pk, p.pk) for p in in_review],
            ("calls", "eligibility-exceptions"): [(open_call.pk, exception.pk)],
            ("committees", "members"): [(committee.pk, m.pk) for m in members],
            ("awards", "support"): [(award.pk, support.pk)],
            ("calls", "nominations"): [(limited.pk, nominee.pk)],
        },
    )


def _token(user) -> str:
    """The user's token, asked for the way a script asks for it."""
    response = APIClient().post(
        f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        cache.clear()
        yield _build_world(media_root)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_uploads(settings, world):
    """The world's files stay where it stored them (not in each test's own folder)."""
    settings.MEDIA_ROOT = world.media_root


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes "old" connections around every request, which inside the test's
    transaction would throw it away; Django's test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# ---- The run ---------------------------------------------------------------------------------


def _resource(path: str, parameter: str) -> str:
    """The path segment naming the collection a path parameter points into."""
    segments = path.strip("/").split("/")
    return segments[segments.index(f"{{{parameter}}}") - 1]


def _choices(world: World, path: str) -> tuple[list[str], list[tuple[int, ...]]]:
    """The path's parameters, and the real values they may take together."""
    names = re.findall(r"{(\w+)}", path)
    resources = tuple(_resource(path, name) for name in names)
    if len(names) == 1:
        return names, [(pk,) for pk in world.ids.get(resources[0], [])]
    return names, world.pairs.get(resources, [])


# Request-body fields that name an object: the collection their real ids come from.
BODY_IDS = {
    "call": "calls",
    "proposal": "proposals",
    "award": "awards",
    "assignment": "assignments",
    "reviewer": "reviewers",
    "trainee": "people",
}


def _is_valid(case, location: ParameterLocation) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode.is_positive


def _draw_real_ids(case, data, world: World) -> None:
    """Point valid paths and bodies at the world's objects (or keep the generated ids, one
    draw in a few). Invalid parts generated on purpose stay as they are."""
    if case.path_parameters and _is_valid(case, ParameterLocation.PATH):
        names, choices = _choices(world, case.operation.path)
        if choices:
            generated = tuple(case.path_parameters[name] for name in names)
            values = data.draw(st.sampled_from([*choices, generated]), label="path")
            case.path_parameters.update(zip(names, values, strict=True))
    if isinstance(case.body, dict) and _is_valid(case, ParameterLocation.BODY):
        for field, resource in BODY_IDS.items():
            if field in case.body:
                known = world.ids[resource]
                case.body[field] = data.draw(
                    st.sampled_from([*known, case.body[field]]), label=field
                )
        if "awards" in case.body:
            known = [[pk] for pk in world.ids["awards"]]
            case.body["awards"] = data.draw(
                st.sampled_from([*known, case.body["awards"]]), label="awards"
            )


def _run(case, data, world: World, role: str) -> None:
    _draw_real_ids(case, data, world)
    cache.clear()  # throttle counters: each example starts with none
    headers = {"Authorization": f"Token {world.tokens[role]}"}
    with transaction.atomic():
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            transaction.set_rollback(True)


SETTINGS = hypothesis.settings(
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@schema.parametrize()
@schema.given(data=st.data())
@SETTINGS
def test_api_as_administrator(case, data, world):
    _run(case, data, world, "administrator")


@schema.parametrize()
@schema.given(data=st.data())
@SETTINGS
def test_api_as_applicant(case, data, world):
    _run(case, data, world, "applicant")


def test_every_path_parameter_draws_from_real_ids(world):
    missing = [
        path for path in schema.raw_schema["paths"] if "{" in path and not _choices(world, path)[1]
    ]

    assert missing == []
