"""The worlds of the web permission matrix (tests/security/test_web_matrix.py), built through
the services, and the helpers that turn a response into a comparable outcome.

Three stages of one trainee's proposal, each with the same nine roles:

- **draft**: the call is open; the student's proposal is a draft whose mentor has been asked
  to endorse it (the request is pending); another applicant has a draft in the same call; the
  committee exists but nobody is assigned yet. A second call is still in draft (only
  administrators may know it exists).
- **submitted**: the proposal is endorsed and submitted, waiting for the administrators' check
  (the only state they may return it from); the other applicant's is submitted too.
- **released**: the reviews page matrix's released world (tests/reviews/test_page_matrix.py):
  reviewed by the committee, decided and released, the student's proposal funded (an award with
  its progress reports and a publication), the other one not funded. Beside it, an award of
  somebody else entirely, with its own publication (for the "child of another parent" checks).

Before review (draft and submitted) the reviewer roles are committee members with no link to
the proposal yet; in the released world "reviewer" is assigned and has submitted, "conflicted"
declared a conflict, "member" is on the committee but not assigned.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.test import Client
from django.urls import resolve

from grants import services as grant_services
from grants.choices import CallStatus
from grants.models import Award, Endorsement
from reporting import services as reporting_services
from reviews import services as review_services
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_reviewer,
    make_submitted_proposal,
    make_trainee_proposal,
)
from tests.reporting.support import simple_award
from tests.reviews.test_page_matrix import RELEASED as REVIEWS_RELEASED
from tests.reviews.test_page_matrix import World as ReviewWorld
from tests.reviews.test_page_matrix import _build_world as build_review_world

DRAFT = "draft"
SUBMITTED = "submitted"
RELEASED = "released"
STAGES = (DRAFT, SUBMITTED, RELEASED)

ROLES = (
    "anonymous",
    "applicant",  # the PI of the proposal (a medical student)
    "other_applicant",  # PI of another proposal in the same call
    "mentor",  # the proposal's mentor: on its team, and on the committee
    "reviewer",  # assigned reviewer (released world; before that, a committee member)
    "conflicted",  # committee member who declared a conflict (released world)
    "member",  # committee member not assigned to the proposal
    "chair",
    "admin",  # administrator (the administrator role, and staff for the Django admin)
)
SIGNED_IN = ROLES[1:]


@dataclass
class World:
    stage: str
    users: dict[str, object]
    call: object  # the proposals' call
    draft_call: object | None  # a call still in draft (draft world only)
    proposal: object
    other_proposal: object
    endorsement: Endorsement
    award: Award | None = None
    progress_report: object | None = None
    publication: object | None = None
    foreign_award: Award | None = None  # somebody else's award (released world)
    foreign_publication: object | None = None
    review_world: ReviewWorld | None = None  # the reviews matrix's world (released world)
    media_root: object = None
    sessions: dict[str, str] = field(default_factory=dict)  # role -> signed-in session key

    @property
    def mentor_member(self):
        return self.proposal.team.get(user=self.users["mentor"])

    @property
    def budget_line(self):
        return self.proposal.budget_lines.order_by("pk").first()

    @property
    def attachment(self):
        return self.proposal.attachments.order_by("pk").first()


def _staff(admin):
    """Administrators also sign in to the Django admin (as the demo's administrator does)."""
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    return admin


def _committee(*, admin, mentor):
    chair = make_reviewer()
    reviewer, conflicted, member = (make_reviewer() for _ in range(3))
    review_services.committee_create(
        actor=admin,
        name="Pilot awards study section",
        chair=chair,
        members=[reviewer, conflicted, member, mentor],
    )
    return {"reviewer": reviewer, "conflicted": conflicted, "member": member, "chair": chair}


def _before_review(stage: str) -> World:
    admin = _staff(make_admin())
    call = make_call()
    if stage == DRAFT:
        proposal, student, mentor = make_trainee_proposal(call=call, endorsed=False)
        grant_services.endorsement_request(proposal=proposal, actor=student)
        other = make_proposal(call=call)
        draft_call = make_call(status=CallStatus.DRAFT)
    else:
        proposal, student, mentor = make_trainee_proposal(call=call)
        proposal = grant_services.proposal_submit(proposal=proposal, actor=student)
        other = make_submitted_proposal(call=call)
        draft_call = None
    committee = _committee(admin=admin, mentor=mentor)
    return World(
        stage=stage,
        users={
            "anonymous": None,
            "applicant": student,
            "other_applicant": other.pi,
            "mentor": mentor,
            **committee,
            "admin": admin,
        },
        call=call,
        draft_call=draft_call,
        proposal=proposal,
        other_proposal=other,
        endorsement=Endorsement.objects.get(proposal=proposal),
    )


PUBLICATION = {
    "title": "Promotoras and HbA1c in rural Latino families",
    "journal": "Diabetes Care",
    "authors": "Garcia M\nNguyen T",
    "disparities_focused": True,
}


def _released(media_root) -> World:
    reviews = build_review_world(REVIEWS_RELEASED, media_root)
    users = reviews.users
    _staff(users["admin"])
    award = Award.objects.get(proposal=reviews.proposal)
    publication = reporting_services.publication_create(
        actor=users["applicant"],
        awards=[award],
        data={**PUBLICATION, "doi": "10.1000/own", "published_on": award.start_date},
    )
    foreign_award, _ = simple_award()
    reporting_services.progress_reports_schedule_missing([award.pk, foreign_award.pk])
    foreign_publication = reporting_services.publication_create(
        actor=foreign_award.proposal.pi,
        awards=[foreign_award],
        data={
            **PUBLICATION,
            "doi": "10.1000/foreign",
            "published_on": foreign_award.start_date,
        },
    )
    return World(
        stage=RELEASED,
        users={role: users[role] for role in ROLES},
        call=reviews.call,
        draft_call=None,
        proposal=reviews.proposal,
        other_proposal=reviews.other_proposal,
        endorsement=Endorsement.objects.get(proposal=reviews.proposal),
        award=award,
        progress_report=award.progress_reports.order_by("due_date", "pk").first(),
        publication=publication,
        foreign_award=foreign_award,
        foreign_publication=foreign_publication,
        review_world=reviews,
    )


def build_world(stage: str, media_root) -> World:
    """The world of ``stage``, built through the services (uploads go to ``media_root``)."""
    world = _released(media_root) if stage == RELEASED else _before_review(stage)
    world.media_root = media_root
    world.sessions = {
        role: _signed_in_session(user) for role, user in world.users.items() if user is not None
    }
    return world


def _signed_in_session(user) -> str:
    """A session of ``user``, made once with ``force_login`` (whose sign-in signals, audit
    and lockout bookkeeping cost more than most page views)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# ---- Responses as outcomes -------------------------------------------------------------------


def to(view_name: str) -> str:
    """The outcome of a redirect to ``view_name`` (the reviews matrix's spelling)."""
    return f"302 -> {view_name}"


# The sign-in page, asked to come back to the page that was requested.
SIGN_IN = "302 -> login (next: this page)"
# The Django admin's own sign-in page, likewise.
ADMIN_SIGN_IN = "302 -> admin:login (next: this page)"


def outcome(response, url: str) -> object:
    """The status, or for a redirect where it goes (and whether it brings the user back)."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return response.status_code
    location = urlparse(response["Location"])
    name = resolve(location.path).view_name
    back = parse_qs(location.query).get("next")
    if back is None:
        return f"{response.status_code} -> {name}"
    return f"{response.status_code} -> {name} (next: {'this page' if back == [url] else back[0]})"


def client_for(world: World, role: str) -> Client:
    """A fresh client (no cookies, no messages) signed in as ``role`` (or nobody)."""
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client
