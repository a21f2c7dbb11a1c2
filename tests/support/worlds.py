"""The world the permission matrices meet in, built through the services: one trainee's
proposal taken from draft to a released decision, with the people around it.

Stages, each a world of its own (a matrix asks for the ones it checks):

- **draft**: the call is open; the student's proposal is a draft whose mentor has been asked to
  endorse it (pending); the other applicant has a draft in the same call. The committee exists,
  attached to nothing, nobody assigned.
- **submitted**: the proposal is endorsed and submitted, waiting for the administrators' check;
  the other applicant's is submitted too.
- **read_phase**: the call is in committee review. The reviewer and a second reviewer have
  submitted their reviews of the proposal (the second one of the other proposal too); the
  uncertified member is assigned to the proposal and has not certified; the conflicted member
  declared a conflict; the mentor, on the committee, is conflicted by being on the team.
- **panel**: the panel votes; the other proposal, triaged out by default, was brought back; the
  reviewer has recorded a final score for the proposal.
- **decided**: the review is closed, the proposal funded (an award), the other not; nothing
  released.
- **released**: ... and the decisions released to the PIs.

Every stage also has a call still in draft (only administrators may know it exists). What some
matrices need beyond this is added by the ``add_*`` functions below (``add_letters``: two
two-stage calls with letters of intent).
"""

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import Demographics
from grants import services as grant_services
from grants.choices import CallStatus, DecisionOutcome, TeamRole
from grants.models import Award, Endorsement
from reporting import services as reporting_services
from reviews import services as review_services
from reviews.choices import ConflictReason, ReviewPhase
from reviews.models import Assignment, Review
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_reviewer,
    make_submitted_proposal,
    make_trainee_proposal,
    submit_review,
)
from tests.support.letters import make_letter, make_two_stage_call, start_triage

DRAFT = "draft"
SUBMITTED = "submitted"
READ = "read_phase"
PANEL = "panel"
DECIDED = "decided"
RELEASED = "released"
STAGES = (DRAFT, SUBMITTED, READ, PANEL, DECIDED, RELEASED)
IN_REVIEW = (READ, PANEL, DECIDED, RELEASED)

ROLES = (
    "anonymous",
    "applicant",  # the PI of the proposal (a medical student; the mentor is on the team)
    "other_applicant",  # PI of the other proposal in the same call
    "mentor",  # the proposal's mentor, also on the committee: automatically conflicted
    "reviewer",  # assigned to the proposal, certified, review submitted (from the read phase)
    "uncertified",  # assigned to the proposal, has not certified (nor written anything)
    "conflicted",  # committee member who declared a conflict with the proposal
    "member",  # committee member not assigned to the proposal
    "chair",
    "admin",  # administrator, not on the committee; staff, for the Django admin
)


@dataclass
class World:
    stage: str
    users: dict[str, object]  # role -> user (None for anonymous)
    call: object  # the proposals' call
    draft_call: object
    proposal: object  # the applicant's
    other_proposal: object  # the other applicant's
    endorsement: Endorsement
    committee: object
    reviewer_assignment: Assignment | None = None
    uncertified_assignment: Assignment | None = None  # not certified: swappable, removable
    review: Review | None = None  # the reviewer's, submitted
    conflict: object = None
    # add_open_call
    open_call: object = None
    draft: object = None  # the applicant's: complete, the mentor on its team, endorsed
    collaborator: object = None  # an outside person on the draft's team
    draft_budget_line: object = None
    draft_attachment: object = None
    pending: object = None  # the applicant's second draft: the mentor has not answered yet
    pending_endorsement: object = None
    submitted: object = None  # the other applicant's, in the open call, awaiting its check
    # add_award_records (decided and released)
    award: Award | None = None
    progress_report: object = None  # released only
    outcomes: dict = dataclasses.field(default_factory=dict)  # kind -> one recorded by the PI
    # add_foreign_award
    foreign_award: Award | None = None  # somebody else's award
    foreign_publication: object = None
    # add_letters (two-stage calls)
    letter_call: object = None  # in letters triage, the committee attached
    letter: object = None  # the applicant's: sent, rated by the reviewer, awaiting triage
    other_letter: object = None  # the other applicant's: invited
    letters_open_call: object = None  # still taking letters
    draft_letter: object = None  # the applicant's draft there
    # set by the matrix's world fixture
    media_root: object = None
    sessions: dict[str, str] = dataclasses.field(default_factory=dict)  # role -> session key
    rows: dict[str, int] = dataclasses.field(default_factory=dict)  # model -> rows, as built

    @property
    def mentor_member(self):
        return self.proposal.team.get(user=self.users["mentor"])

    @property
    def budget_line(self):
        return self.proposal.budget_lines.order_by("pk").first()

    @property
    def attachment(self):
        return self.proposal.attachments.order_by("pk").first()

    @property
    def publication(self):
        return self.outcomes.get("publication")


def build_world(stage: str) -> World:
    """The world of ``stage`` (one of ``STAGES``), built through the services."""
    admin = make_admin()
    admin.is_staff = True  # as the demo's administrator: the Django admin is theirs too
    admin.save(update_fields=["is_staff"])
    call = make_call(total_budget=Decimal("100000"))
    draft_call = make_call(status=CallStatus.DRAFT)
    if stage == DRAFT:
        proposal, student, mentor = make_trainee_proposal(call=call, endorsed=False)
        grant_services.endorsement_request(proposal=proposal, actor=student)
        other = make_proposal(call=call)
    else:
        proposal, student, mentor = make_trainee_proposal(call=call)
        proposal = grant_services.proposal_submit(proposal=proposal, actor=student)
        other = make_submitted_proposal(call=call)
    chair = make_reviewer()
    reviewer, second, uncertified, conflicted, member = (make_reviewer() for _ in range(5))
    committee = review_services.committee_create(
        actor=admin,
        name="Pilot awards study section",
        chair=chair,
        members=[reviewer, second, uncertified, conflicted, member, mentor],
    )
    world = World(
        stage=stage,
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
        draft_call=draft_call,
        proposal=proposal,
        other_proposal=other,
        endorsement=Endorsement.objects.get(proposal=proposal),
        committee=committee,
    )
    if stage in IN_REVIEW:
        _review(world, second=second)
    return world


def _review(world: World, *, second) -> None:
    """Take the submitted world through committee review to its stage."""
    stage, call, proposal, other = world.stage, world.call, world.proposal, world.other_proposal
    admin, chair = world.users["admin"], world.users["chair"]
    reviewer, member = world.users["reviewer"], world.users["member"]
    grant_services.call_begin_review(call=call, actor=admin)
    proposal.refresh_from_db()
    other.refresh_from_db()
    review_services.committee_attach_to_call(
        committee=world.committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    assign = review_services.assignment_create
    world.reviewer_assignment = assign(proposal=proposal, reviewer=reviewer, actor=chair)
    second_on_proposal = assign(proposal=proposal, reviewer=second, actor=chair)
    second_on_other = assign(proposal=other, reviewer=second, actor=chair)
    world.uncertified_assignment = assign(
        proposal=proposal, reviewer=world.users["uncertified"], actor=chair
    )
    conflicted = world.users["conflicted"]
    world.conflict = review_services.conflict_declare(
        proposal=proposal, reviewer=conflicted, actor=conflicted, reason=ConflictReason.COLLABORATOR
    )
    review_services.review_phase_transition(
        call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair
    )
    world.review = submit_review(world.reviewer_assignment, impact=2)
    submit_review(second_on_proposal, impact=3)
    submit_review(second_on_other, impact=5)
    review_services.review_phase_transition(call=call, to=ReviewPhase.READ_PHASE, actor=chair)
    if stage in (PANEL, DECIDED, RELEASED):
        review_services.review_phase_transition(call=call, to=ReviewPhase.PANEL, actor=chair)
        # Default triage drops the weaker half; the chair brings it back.
        review_services.panel_set_disposition(proposal=other, disposition="discussed", actor=chair)
        review_services.final_score_record(proposal=proposal, actor=reviewer, score=2)
    if stage in (DECIDED, RELEASED):
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
    if stage == RELEASED:
        grant_services.decisions_release(call=call, actor=admin)
    for item in (call, proposal, other):
        item.refresh_from_db()


# ---- What some matrices add ------------------------------------------------------------------


def add_demographics(world: World, answer: str) -> None:
    """The applicant, the other applicant and the mentor answer the demographics questions,
    self-describing as ``answer``."""
    for role in ("applicant", "mentor", "other_applicant"):
        Demographics.objects.create(
            user=world.users[role],
            race_ethnicity_detail=answer,
            sex_self_described=answer,
            birth_year=1990,
        )


def add_open_call(world: World) -> None:
    """A second call, open to several proposals per applicant: the applicant has two drafts
    there (one endorsed and complete, with an outside collaborator on its team; one waiting for
    the mentor) and the other applicant a submitted proposal."""
    student, mentor = world.users["applicant"], world.users["mentor"]
    world.open_call = make_call(one_per_applicant=False)
    world.draft = make_proposal(call=world.open_call, pi=student)
    grant_services.team_member_add(
        proposal=world.draft, actor=student, role=TeamRole.MENTOR, user=mentor
    )
    world.collaborator = grant_services.team_member_add(
        proposal=world.draft,
        actor=student,
        role=TeamRole.COMMUNITY_PARTNER,
        full_name="Rosa Diaz",
        organisation="Valley FQHC",
    )
    world.draft_budget_line = world.draft.budget_lines.order_by("pk").first()
    world.draft_attachment = world.draft.attachments.get()
    endorsement = grant_services.endorsement_request(proposal=world.draft, actor=student)
    grant_services.endorsement_respond(
        endorsement=endorsement, actor=mentor, endorse=True, statement="Endorsed."
    )
    world.pending = make_proposal(call=world.open_call, pi=student, complete=False)
    grant_services.team_member_add(
        proposal=world.pending, actor=student, role=TeamRole.MENTOR, user=mentor
    )
    world.pending_endorsement = grant_services.endorsement_request(
        proposal=world.pending, actor=student
    )
    world.submitted = make_submitted_proposal(
        call=world.open_call, pi=world.users["other_applicant"]
    )


def add_award_records(world: World) -> None:
    """The proposal's award (decided and released worlds); once released, its progress reports
    and one outcome of every kind recorded by the PI."""
    world.award = Award.objects.filter(proposal=world.proposal).first()
    if world.stage == RELEASED:
        world.progress_report = reporting_services.progress_reports_schedule(award=world.award)[0]
        world.outcomes = record_outcomes(world.award, world.users["applicant"])


def record_outcomes(award, pi) -> dict[str, object]:
    """One outcome of every kind of ``award``, recorded by its PI."""
    on = award.start_date + timedelta(days=30)
    return {
        "publication": reporting_services.publication_create(
            actor=pi, awards=[award], data={"title": "A paper", "year": on.year}
        ),
        "presentation": reporting_services.presentation_create(
            actor=pi,
            awards=[award],
            data={
                "title": "A talk",
                "venue": "APHA annual meeting",
                "presented_on": on,
                "kind": "oral",
                "level": "national",
            },
        ),
        "funding": reporting_services.follow_on_funding_create(
            actor=pi,
            awards=[award],
            data={
                "sponsor": "NIMHD",
                "sponsor_type": "nih",
                "mechanism": "R21",
                "amount": Decimal("275000"),
                "status": "applied",
                "applied_on": on,
            },
        ),
        "trainee": reporting_services.trainee_outcome_create(
            actor=pi, award=award, data={"trainee": pi.pk, "recorded_on": on}
        ),
        "partnership": reporting_services.partnership_create(
            actor=pi,
            award=award,
            data={"organisation": "Valley FQHC", "partner_type": "fqhc", "purpose": "research"},
        ),
    }


def add_foreign_award(world: World) -> None:
    """An award of somebody else entirely, released, with its progress reports and a
    publication (for the "child of another parent" checks)."""
    from tests.reporting.support import simple_award

    world.foreign_award, _ = simple_award()
    reporting_services.progress_reports_schedule(award=world.foreign_award)
    world.foreign_publication = reporting_services.publication_create(
        actor=world.foreign_award.proposal.pi,
        awards=[world.foreign_award],
        data={
            "title": "Promotoras and HbA1c in rural Latino families",
            "journal": "Diabetes Care",
            "doi": "10.1000/foreign",
            "published_on": world.foreign_award.start_date,
        },
    )


def add_letters(world: World) -> None:
    """Two two-stage calls (tests/support/letters.py). In the first, reviewed by the world's
    committee, the letters' deadline has passed and the call is in letters triage: the
    applicant's letter, rated 2 by the reviewer — the conflicted member declared a conflict
    with it — awaits the office's decision; the other applicant's letter is invited. The
    second still takes letters: the applicant has a draft there."""
    admin = world.users["admin"]
    world.letter_call = make_two_stage_call(title="Two-stage pilot awards")
    review_services.committee_attach_to_call(
        committee=world.committee, call=world.letter_call, actor=admin
    )
    world.letter = make_letter(
        call=world.letter_call, applicant=world.users["applicant"], document=True
    )
    world.other_letter = make_letter(
        call=world.letter_call, applicant=world.users["other_applicant"]
    )
    review_services.letter_rate(
        letter=world.letter, actor=world.users["reviewer"], rating=2, comment="Promising."
    )
    conflicted = world.users["conflicted"]
    review_services.letter_conflict_declare(
        letter=world.letter, actor=conflicted, reason=ConflictReason.COLLABORATOR
    )
    start_triage(world.letter_call, admin)
    review_services.letter_decide(letter=world.other_letter, actor=admin, outcome="invited")
    world.letters_open_call = make_two_stage_call(
        title="Two-stage community awards", letters_due=timezone.now() + timedelta(days=5)
    )
    world.draft_letter = make_letter(
        call=world.letters_open_call, applicant=world.users["applicant"], send=False
    )
    for item in (world.letter, world.other_letter):
        item.refresh_from_db()


def sign_in_everyone(world: World) -> None:
    """A session per signed-in role, made once with ``force_login`` (whose sign-in signals,
    audit and lockout bookkeeping cost more than most page views)."""
    for role, user in world.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
