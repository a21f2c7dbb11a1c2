"""Blind review (issue #19): on a blind call no reviewer surface — page, PDF, document, API —
names the applicant or the team, or gives their department, position or organisation; the
call's chair and the administrators still see everyone, and on a call that is not blind the
reviewers do too (so these tests can fail).

A role x surface matrix over three worlds, built through the services: a trainee's proposal
(a mentor, a co-investigator and an outside community partner on the team; a biosketch, a
letter of support and a document whose file name and PDF title name the PI; the mentor's
endorsement naming her) in the panel phase of a **blind** call and of an **open** (not blind)
one, and the blind call once its decisions are **released** (the applicant reads her summary
statement). Each response's text — a PDF's extracted text and its raw bytes (its metadata),
and the name a download is saved under — is searched for every identity string.
"""

import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from rest_framework.test import APIClient

from accounts.choices import ApplicantType
from demo import journeys
from grants import services as grant_services
from grants.choices import AttachmentKind, CallStatus, DecisionOutcome, TeamRole
from grants.models import FundingCall
from reviews import selectors
from reviews import services as review_services
from reviews.choices import ConflictReason, ReviewPhase
from reviews.models import Assignment
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_reviewer,
    make_submitted_proposal,
    make_user,
    pdf_upload,
    submit_review,
)
from tests.reviews.support import CO_INVESTIGATOR, call_in_review_with_team
from tests.support.clients import signed_in
from tests.support.matrix import Case, client_for, isolation_test, matrix, world_fixtures

pytestmark = pytest.mark.django_db

BLIND, OPEN, RELEASED = "blind", "open", "blind_released"
ROLES = ("reviewer", "member", "conflicted", "chair", "admin", "applicant")
# Who reads a blind call without its identities: committee members who are not its chair.
REVIEWERS = ("reviewer", "member", "conflicted")

# The identity strings searched for in every answer.
PEOPLE = {
    "pi": (
        "Ximena",
        "Zqalvarez",
        "xzqalvarez",
        ApplicantType.MEDICAL_STUDENT,
        "Zyxology Institute",
    ),
    "mentor": (
        "Octavio",
        "Zqmentor",
        "ozqmentor",
        ApplicantType.ASSOCIATE_PROFESSOR,
        "Qwertology Center",
    ),
    "coinv": (
        "Beatriz",
        "Zqcoinv",
        "bzqcoinv",
        ApplicantType.ASSISTANT_PROFESSOR,
        "Vexillology Unit",
    ),
}
IDENTITIES = {
    "pi_name": "Ximena Zqalvarez",
    "pi_surname": "Zqalvarez",  # also the start of the applicant's own file name
    "pi_username": "xzqalvarez",
    "pi_department": "Zyxology Institute",
    "pi_position": "Medical student",
    "mentor_name": "Octavio Zqmentor",
    "mentor_username": "ozqmentor",
    "mentor_department": "Qwertology Center",
    "coinv_name": "Beatriz Zqcoinv",
    "coinv_username": "bzqcoinv",
    "coinv_department": "Vexillology Unit",
    "partner_name": "Rosalind Zqpartner",
    "partner_org": "Eastside Zqpromotoras",
}
PI = {"pi_name", "pi_surname"}
PI_ACCOUNT = PI | {"pi_username"}
# The proposal as the committee reads it: its team table (the PI's department, the other
# members' organisations), the documents' names and the endorsement.
PROPOSAL_PAGE = PI | {"pi_department", "mentor_name", "coinv_name", "partner_name", "partner_org"}
PROPOSAL_API = PI_ACCOUNT | {
    "mentor_name",
    "mentor_username",
    "coinv_name",
    "coinv_username",
    "partner_name",
    "partner_org",
}


@dataclass
class BlindWorld:
    stage: str
    users: dict[str, object]
    call: object
    proposal: object
    other: object
    assignment: object  # the reviewer's
    documents: dict[str, object]  # kind -> attachment
    sessions: dict[str, str] = field(default_factory=dict)
    media_root: object = None
    rows: dict[str, int] = field(default_factory=dict)


def _person(first: str, last: str, username: str, position: str, department: str):
    user = make_user(username, applicant_type=position, department=department)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def build(stage: str) -> BlindWorld:
    admin = make_admin()
    call = make_call(one_per_applicant=False, blind_review=stage != OPEN)
    pi, mentor, coinv = (_person(*PEOPLE[key]) for key in ("pi", "mentor", "coinv"))
    proposal = make_proposal(call=call, pi=pi)
    add = grant_services.team_member_add
    add(proposal=proposal, actor=pi, role=TeamRole.MENTOR, user=mentor)
    add(proposal=proposal, actor=pi, role=TeamRole.CO_INVESTIGATOR, user=coinv)
    add(
        proposal=proposal,
        actor=pi,
        role=TeamRole.COMMUNITY_PARTNER,
        full_name=IDENTITIES["partner_name"],
        organisation=IDENTITIES["partner_org"],
    )
    for kind, name in (
        (AttachmentKind.LETTER_OF_SUPPORT, "letter-of-support.pdf"),
        (AttachmentKind.OTHER, "Zqalvarez_figures.pdf"),
    ):
        grant_services.attachment_add(
            proposal=proposal,
            actor=pi,
            kind=kind,
            uploaded_file=pdf_upload(name, f"By {IDENTITIES['pi_name']}"),
        )
    endorsement = grant_services.endorsement_request(proposal=proposal, actor=pi)
    grant_services.endorsement_respond(
        endorsement=endorsement,
        actor=mentor,
        endorse=True,
        statement=f"I have mentored {IDENTITIES['pi_name']} for two years.",
    )
    proposal = grant_services.proposal_submit(proposal=proposal, actor=pi)
    other = make_submitted_proposal(call=call)
    grant_services.call_begin_review(call=call, actor=admin)
    proposal.refresh_from_db()
    other.refresh_from_db()
    chair, reviewer, second, member, conflicted = (make_reviewer() for _ in range(5))
    committee = review_services.committee_create(
        actor=admin,
        name="Blind study section",
        chair=chair,
        members=[reviewer, second, member, conflicted, mentor, coinv],
    )
    review_services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    assign = review_services.assignment_create
    assignment = assign(proposal=proposal, reviewer=reviewer, actor=chair)
    seconds = [assign(proposal=item, reviewer=second, actor=chair) for item in (proposal, other)]
    review_services.conflict_declare(
        proposal=proposal, reviewer=conflicted, actor=conflicted, reason=ConflictReason.COLLABORATOR
    )
    journeys.review_phase_advance(call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair)
    submit_review(assignment, impact=2)
    for item, impact in zip(seconds, (3, 5), strict=True):
        submit_review(item, impact=impact)
    journeys.review_phase_advance(call=call, to=ReviewPhase.PANEL, actor=chair)
    if stage == RELEASED:
        journeys.panel_close(call=call, actor=admin, chair=chair)
        grant_services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED
        )
        grant_services.decision_record(
            proposal=other, actor=admin, outcome=DecisionOutcome.NOT_FUNDED
        )
        grant_services.decisions_release(call=call, actor=admin)
    for item in (call, proposal, other):
        item.refresh_from_db()
    return BlindWorld(
        stage=stage,
        users={
            "reviewer": reviewer,
            "member": member,
            "conflicted": conflicted,
            "chair": chair,
            "admin": admin,
            "applicant": pi,
            "mentor": mentor,
            "coinv": coinv,
        },
        call=call,
        proposal=proposal,
        other=other,
        assignment=assignment,
        documents={a.kind: a for a in proposal.attachments.all()},
    )


world, world_media = world_fixtures(build)


# ---- Reading an answer -----------------------------------------------------------------------


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def text_of(response) -> str:
    """What the reader gets: the page or JSON; for a PDF its text, its raw bytes (metadata)
    and the name it is saved under."""
    body = _body(response)
    saved_as = response.get("Content-Disposition", "")
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        pages = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        text = " ".join((pages, body.decode("latin-1"), saved_as))
    else:
        text = html.unescape(body.decode()) + saved_as
    return " ".join(text.split())


def identities_in(text: str) -> set[str]:
    return {key for key, value in IDENTITIES.items() if value in text}


# ---- The surfaces ----------------------------------------------------------------------------


def _own_assignment(w: BlindWorld, role: str) -> Assignment:
    """The role's own assignment to the proposal, or else the reviewer's."""
    mine = Assignment.objects.filter(proposal=w.proposal, reviewer=w.users[role]).first()
    return mine or w.assignment


@dataclass(frozen=True)
class Surface:
    url: Callable[[BlindWorld, str], str]
    api: bool = False
    # What it shows a reader who may see identities (None: not checked here).
    shows: frozenset | None = frozenset()


def _web(name: str, args: Callable[[BlindWorld, str], tuple] = lambda w, r: (), shows=()):
    return Surface(lambda w, r: reverse(name, args=args(w, r)), shows=frozenset(shows))


def _api(path: Callable[[BlindWorld, str], str], shows=()):
    return Surface(
        lambda w, r: "/api/v1" + path(w, r),
        api=True,
        shows=None if shows is None else frozenset(shows),
    )


def _document(kind: str) -> Callable[[BlindWorld, str], tuple]:
    return lambda w, r: (w.proposal.pk, w.documents[kind].pk)


_proposal = lambda w, r: (w.proposal.pk,)  # noqa: E731
_call = lambda w, r: (w.call.pk,)  # noqa: E731
_mine = lambda w, r: (_own_assignment(w, r).pk,)  # noqa: E731

SURFACES: dict[str, Surface] = {
    "dashboard": _web("dashboard"),
    "queue": _web("reviews:queue"),
    "conflict_check": _web("reviews:conflict_check", _mine, PI),
    "review_sheet": _web("reviews:review", _mine, PROPOSAL_PAGE),
    "proposal": _web("reviews:proposal", _proposal, PROPOSAL_PAGE),
    "proposal_pdf": _web("reviews:proposal_pdf", _proposal, PROPOSAL_PAGE),
    "biosketch": _web("reviews:attachment_download", _document(AttachmentKind.BIOSKETCH)),
    "letter": _web("reviews:attachment_download", _document(AttachmentKind.LETTER_OF_SUPPORT), PI),
    "document": _web("reviews:attachment_download", _document(AttachmentKind.OTHER), PI),
    "reviews": _web("reviews:proposal_reviews", _proposal),
    "panel": _web("reviews:panel", _call),
    "panel_proposal": _web("reviews:panel_proposal", lambda w, r: (w.call.pk, w.proposal.pk)),
    "ballot": _web("reviews:ballot", _call),
    "ranking": _web("reviews:ranking", _call, PI),
    "summary": _web("reviews:summary_statement", _proposal, PI),
    "summary_pdf": _web("reviews:summary_statement_pdf", _proposal, PI),
    # The assignment board: the chair assigns by conflicts, so the conflicted members show.
    "board": _web("reviews:call_manage", _call, PI | {"mentor_name", "coinv_name"}),
    "grants_proposal": Surface(
        lambda w, r: reverse("grants:proposal_detail", args=(w.proposal.pk,)), shows=None
    ),
    "grants_pdf": Surface(
        lambda w, r: reverse("grants:proposal_pdf", args=(w.proposal.pk,)), shows=None
    ),
    "api_assignments": _api(lambda w, r: "/assignments/", PI_ACCOUNT),
    "api_assignment": _api(lambda w, r: f"/assignments/{_own_assignment(w, r).pk}/", PI_ACCOUNT),
    "api_proposal": _api(
        lambda w, r: f"/assignments/{_own_assignment(w, r).pk}/proposal/", PROPOSAL_API
    ),
    "api_letter": _api(
        lambda w, r: (
            f"/assignments/{_own_assignment(w, r).pk}/attachments/"
            f"{w.documents[AttachmentKind.LETTER_OF_SUPPORT].pk}/"
        ),
        PI,
    ),
    "api_document": _api(
        lambda w, r: (
            f"/assignments/{_own_assignment(w, r).pk}/attachments/"
            f"{w.documents[AttachmentKind.OTHER].pk}/"
        ),
        PI,
    ),
    "api_reviews": _api(lambda w, r: "/reviews/"),
    "api_conflicts": _api(lambda w, r: "/conflicts/"),
    "api_panel": _api(lambda w, r: f"/calls/{w.call.pk}/panel/"),
    "api_ballot": _api(lambda w, r: f"/calls/{w.call.pk}/panel/ballot/"),
    "api_ranking": _api(lambda w, r: f"/calls/{w.call.pk}/ranking/", PI_ACCOUNT),
    "api_summary": _api(lambda w, r: f"/proposals/{w.proposal.pk}/summary-statement/", PI),
    "api_grants_proposal": _api(lambda w, r: f"/proposals/{w.proposal.pk}/", None),
}

# Who gets each surface (200) in the panel phase; everyone else is refused (404, or 403 where
# the API says so).
_EVERYONE = set(ROLES)
_OPENERS = {"reviewer", "member", "chair"}  # any member may open proposals in the panel
_RUNNERS = {"chair", "admin"}
ACCESS: dict[str, set[str]] = {
    "dashboard": _EVERYONE,
    "queue": _EVERYONE,
    "conflict_check": {"reviewer"},
    "review_sheet": {"reviewer"},
    "proposal": _OPENERS,
    "proposal_pdf": _OPENERS,
    "biosketch": _OPENERS,
    "letter": _OPENERS,
    "document": _OPENERS,
    "reviews": _OPENERS | {"admin"},
    "panel": _RUNNERS,
    "panel_proposal": _RUNNERS,
    # The conflicted member has nothing to score: the other proposal is not discussed.
    "ballot": {"reviewer", "member"} | _RUNNERS,
    "ranking": {"admin"},
    "summary": _RUNNERS,
    "summary_pdf": _RUNNERS,
    "board": _RUNNERS,
    "grants_proposal": {"admin", "applicant"},
    "grants_pdf": {"admin", "applicant"},
    "api_assignments": _EVERYONE,
    "api_assignment": {"reviewer"} | _RUNNERS,
    "api_proposal": {"reviewer"},
    "api_letter": {"reviewer"},
    "api_document": {"reviewer"},
    "api_reviews": _EVERYONE,
    "api_conflicts": _EVERYONE,
    "api_panel": _RUNNERS,
    "api_ballot": {"reviewer", "member", "conflicted"} | _RUNNERS,
    "api_ranking": _RUNNERS,
    "api_summary": _RUNNERS,
    "api_grants_proposal": {"admin", "applicant"},
}
# A blind call keeps the documents that name people from its reviewers altogether.
BLIND_REFUSED = {
    ("biosketch", "reviewer"),
    ("biosketch", "member"),
    ("letter", "reviewer"),
    ("letter", "member"),
    ("api_letter", "reviewer"),
}
# Only reviewers read the proposal through their assignment: the chair and the administrators
# who see the assignment are told so (403).
FORBIDDEN = {("api_proposal", r) for r in _RUNNERS} | {("api_letter", r) for r in _RUNNERS}
FORBIDDEN |= {("api_document", r) for r in _RUNNERS}


def _fetch(w: BlindWorld, surface: Surface, role: str):
    url = surface.url(w, role)
    if surface.api:
        client = APIClient()
        client.force_authenticate(w.users[role])
        return client.get(url)
    return client_for(w, role).get(url)


def _expected_status(stage: str, name: str, role: str) -> int:
    if stage != OPEN and (name, role) in BLIND_REFUSED:
        return 404
    if role in ACCESS[name]:
        return 200
    return 403 if (name, role) in FORBIDDEN else 404


def _expected_identities(stage: str, name: str, role: str, status: int) -> set[str] | None:
    if status != 200:
        return set()
    if stage != OPEN and role in REVIEWERS:
        return set()
    if role == "applicant" and not SURFACES[name].api:
        return None  # her own pages, which greet her by name
    shows = SURFACES[name].shows
    if shows is None:
        return None
    # Lists of assignments: a member holds none, so their list is empty.
    if name == "api_assignments" and role in ("member", "conflicted", "applicant"):
        return set()
    return set(shows)


@matrix(Case(stage, name, role) for stage in (BLIND, OPEN) for name in SURFACES for role in ROLES)
def test_role_by_surface(case: Case, world: BlindWorld):
    """Reviewers of a blind call find no identity on any surface they reach; the chair and the
    administrators (and, on an open call, the reviewers) find each one the surface shows."""
    response = _fetch(world, SURFACES[case.row], case.role)
    status = _expected_status(case.stage, case.row, case.role)
    found = identities_in(text_of(response)) if response.status_code == 200 else set()

    assert response.status_code == status
    want = _expected_identities(case.stage, case.row, case.role, status)
    if want is None:  # the applicant's and the office's own pages: not a reviewer's surface
        return
    assert sorted(found) == sorted(want)


@matrix(Case(RELEASED, name, "applicant") for name in ("summary", "summary_pdf", "api_summary"))
def test_the_applicant_reads_her_own_name_on_the_summary_statement_of_a_blind_call(
    case: Case, world: BlindWorld
):
    response = _fetch(world, SURFACES[case.row], case.role)

    assert response.status_code == 200
    assert identities_in(text_of(response)) == PI


@matrix([Case(BLIND, "proposal page", "reviewer")])
def test_a_reviewer_of_a_blind_call_reads_neutral_labels_and_only_the_unnamed_document(
    case: Case, world: BlindWorld
):
    response = client_for(world, "reviewer").get(
        reverse("reviews:proposal", args=_proposal(world, ""))
    )
    api = APIClient()
    api.force_authenticate(world.users["reviewer"])
    body = api.get(f"/api/v1/assignments/{world.assignment.pk}/proposal/").json()
    document = world.documents[AttachmentKind.OTHER]

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Blind review: the applicants' names" in page
    assert all(label in page for label in ("Applicant", "Mentor 1", "Co-investigator 1"))
    assert "The applicant's mentor endorsed this proposal." in page
    assert (body["identities_hidden"], body["pi"]) == (True, None)
    assert body["team"] == [
        {"role": "mentor", "name": "Mentor 1", "user": None, "organisation": ""},
        {"role": "co_investigator", "name": "Co-investigator 1", "user": None, "organisation": ""},
        {
            "role": "community_partner",
            "name": "Community partner 1",
            "user": None,
            "organisation": "",
        },
    ]
    assert [(a["id"], a["kind"], a["original_name"]) for a in body["attachments"]] == [
        (document.pk, "other", f"NS-{world.proposal.pk}-document-1.pdf")
    ]
    assert body["endorsement"] == {"mentor": None, "statement": ""}


@matrix([Case(OPEN, "proposal page", "reviewer")])
def test_a_reviewer_of_an_open_call_gets_every_document(case: Case, world: BlindWorld):
    api = APIClient()
    api.force_authenticate(world.users["reviewer"])

    body = api.get(f"/api/v1/assignments/{world.assignment.pk}/proposal/").json()

    assert body["identities_hidden"] is False
    assert sorted(a["kind"] for a in body["attachments"]) == [
        "biosketch",
        "letter_of_support",
        "other",
    ]


# ---- Conflicts still work on the hidden identities --------------------------------------------


@matrix([Case(BLIND, "board", "chair")])
def test_the_chairs_board_finds_conflicts_on_the_real_team_of_a_blind_call(
    case: Case, world: BlindWorld
):
    proposal, mentor, coinv = world.proposal, world.users["mentor"], world.users["coinv"]
    board = list(selectors.assignment_board(world.call))
    memberships = world.call.call_review.committee.memberships.select_related("user")
    selectors.board_conflicts_and_choices(board, memberships)
    row = next(p for p in board if p.pk == proposal.pk)

    assert selectors.identities_hidden_from(mentor, proposal) is True
    assert selectors.identities_hidden_from(world.users["chair"], proposal) is False
    assert {(c.user.pk, c.reason) for c in row.member_conflicts} == {
        (mentor.pk, "Mentor named on the proposal"),
        (coinv.pk, "Member of the proposal's team"),
        (world.users["conflicted"].pk, "Collaborator in the last 3 years"),
    }
    assert {u.pk for u in row.assignable} & {mentor.pk, coinv.pk} == set()


@matrix([Case(BLIND, "the proposal's pages", role) for role in ("conflicted", "mentor", "coinv")])
def test_members_conflicted_on_a_blind_call_see_nothing_of_the_proposal(
    case: Case, world: BlindWorld
):
    client = client_for(world, case.role)
    pages = ("reviews:proposal", "reviews:proposal_pdf", "reviews:proposal_reviews")
    documents = [
        reverse("reviews:attachment_download", args=(world.proposal.pk, a.pk))
        for a in world.documents.values()
    ]

    answers = [client.get(reverse(name, args=(world.proposal.pk,))) for name in pages]
    answers += [client.get(url) for url in documents]

    assert [a.status_code for a in answers] == [404] * 6


def test_automatic_assignment_of_a_blind_call_never_picks_the_hidden_team():
    admin = make_admin()
    coinv = make_reviewer()
    call, proposal = call_in_review_with_team(admin=admin, team={coinv: CO_INVESTIGATOR})
    FundingCall.objects.filter(pk=call.pk).update(blind_review=True)
    committee = review_services.committee_create(
        actor=admin,
        name="Blind committee",
        chair=make_reviewer(),
        members=[coinv, make_reviewer(), make_reviewer()],
    )
    review_services.committee_attach_to_call(
        committee=committee, call=call, actor=admin, reviewers_per_proposal=3
    )

    review_services.auto_assign(call=call, actor=admin)
    with pytest.raises(ValidationError) as refused:
        review_services.assignment_create(proposal=proposal, reviewer=coinv, actor=admin)

    assigned = set(Assignment.objects.filter(proposal=proposal).values_list("reviewer", flat=True))
    assert assigned and coinv.pk not in assigned
    assert list(refused.value.message_dict) == ["reviewer"]


# ---- Applicants are told; the office sets it -------------------------------------------------

NOTE = (
    "Blind review: keep your name, your team's names and your department out of the proposal "
    "text and file names."
)


@pytest.mark.parametrize("blind", [True, False])
def test_the_call_page_the_editor_and_the_documents_page_tell_applicants_of_a_blind_call(blind):
    call = make_call(blind_review=blind)
    proposal = make_proposal(call=call)
    client = signed_in(proposal.pi)
    urls = [
        reverse("grants:call_detail", args=(call.pk,)),
        reverse("grants:proposal_edit", args=(proposal.pk,)),
        reverse("grants:proposal_attachments", args=(proposal.pk,)),
    ]

    pages = [client.get(url) for url in urls]

    assert [page.status_code for page in pages] == [200, 200, 200]
    texts = [" ".join(html.unescape(strip_tags(p.content.decode())).split()) for p in pages]
    assert [NOTE in text for text in texts] == [blind] * 3


def test_the_call_api_and_the_call_admin_show_blind_review(django_user_model):
    admin = django_user_model.objects.create_superuser("office", "office@example.edu", "x")
    call = make_call(blind_review=True, status=CallStatus.DRAFT)
    api = APIClient()
    api.force_authenticate(admin)

    body = api.get(f"/api/v1/calls/{call.pk}/").json()
    form = signed_in(admin).get(reverse("admin:grants_fundingcall_change", args=(call.pk,)))

    assert body["blind_review"] is True
    assert form.status_code == 200
    assert form.context["adminform"].form["blind_review"].value() is True


@pytest.mark.parametrize("count", [1, 3])
def test_a_reviewers_assignments_of_blind_calls_cost_the_same_queries_however_many(
    count, django_assert_num_queries
):
    admin = make_admin()
    reviewer = make_reviewer()
    for _ in range(count):
        call, proposal = call_in_review_with_team(admin=admin, team={})
        FundingCall.objects.filter(pk=call.pk).update(blind_review=True)
        committee = review_services.committee_create(
            actor=admin, name=f"Committee {call.pk}", chair=make_reviewer(), members=[reviewer]
        )
        review_services.committee_attach_to_call(committee=committee, call=call, actor=admin)
        review_services.assignment_create(proposal=proposal, reviewer=reviewer, actor=admin)
    api = APIClient()
    api.force_authenticate(reviewer)
    api.get("/api/v1/assignments/")

    # The page count, the page, and the calls the reader chairs (the blind calls' screen).
    with django_assert_num_queries(3):
        body = api.get("/api/v1/assignments/").json()

    assert [item["proposal"]["pi"] for item in body["results"]] == [None] * count


# Last in the module: the cases above left each world as built.
test_cases_leave_the_world_as_built = isolation_test((BLIND, OPEN, RELEASED))
