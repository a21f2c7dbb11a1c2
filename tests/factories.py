"""Test data built through the same services the application uses (no hand-made states)."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import ApplicantType, Role
from accounts.services import user_create
from grants import services as grant_services
from grants.choices import AttachmentKind, BudgetCategory, CallStatus, TeamRole
from grants.models import FundingCall, Program, Proposal

PASSWORD = "correct-horse-battery-staple"  # satisfies the password validators

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_user(
    username: str | None = None,
    *,
    applicant_type: str = ApplicantType.ASSISTANT_PROFESSOR,
    roles: tuple[Role, ...] = (),
    department: str = "Family Medicine",
):
    n = _next()
    username = username or f"user{n}"
    return user_create(
        username=username,
        email=f"{username}@example.edu",
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name=f"Tester{n}",
        applicant_type=applicant_type,
        department=department,
        roles=roles,
    )


def make_admin(username: str | None = None):
    return make_user(username or f"admin{_next()}", roles=(Role.ADMINISTRATOR,))


def make_program() -> Program:
    return Program.objects.get_or_create(name="Center of Excellence", short_name="COE")[0]


def make_call(
    *,
    status: str = CallStatus.OPEN,
    opens_at=None,
    closes_at=None,
    max_award: Decimal = Decimal("25000"),
    total_budget: Decimal = Decimal("100000"),
    **fields,
) -> FundingCall:
    now = timezone.now()
    return FundingCall.objects.create(
        program=make_program(),
        title=fields.pop("title", f"Pilot awards {_next()}"),
        description="Pilot funding for health-disparities research.",
        opens_at=opens_at or now - timedelta(days=10),
        closes_at=closes_at or now + timedelta(days=20),
        max_award=max_award,
        total_budget=total_budget,
        status=status,
        **fields,
    )


def pdf_bytes(text: str = "Biosketch") -> bytes:
    """A real, parseable one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "biosketch.pdf", text: str = "Biosketch") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def make_proposal(*, call: FundingCall | None = None, pi=None, complete: bool = True) -> Proposal:
    """A draft; when ``complete``, everything a submission needs (except a trainee's
    endorsement) is filled in through the services."""
    call = call or make_call()
    pi = pi or make_user()
    proposal = grant_services.proposal_create(call=call, actor=pi)
    if not complete:
        return proposal
    grant_services.proposal_update(
        proposal=proposal,
        actor=pi,
        data={
            "title": "Community health workers and diabetes control in rural Latino families",
            "abstract": "We will test a promotora-led intervention. " * 5,
            "specific_aims": "Aim 1: adapt. Aim 2: pilot. Aim 3: evaluate.",
            "research_strategy": "Significance, innovation and approach. " * 10,
            "disparity_populations": ["hispanic", "rural"],
            "nimhd_domains": ["behavioral", "health_care_system"],
            "community_engagement_plan": "A community advisory board meets monthly.",
            "timeline": "Months 1-3 adaptation; 4-10 pilot; 11-12 analysis.",
            "budget_justification": "Promotora salary and participant incentives.",
            "requested_amount": Decimal("15000.00"),
            "irb_status": "pending",
        },
    )
    grant_services.budget_line_save(
        proposal=proposal,
        actor=pi,
        category=BudgetCategory.PERSONNEL,
        description="Promotora, 20% effort",
        amount=Decimal("12000.00"),
    )
    grant_services.budget_line_save(
        proposal=proposal,
        actor=pi,
        category=BudgetCategory.PARTICIPANT,
        description="Gift cards, 60 x $50",
        amount=Decimal("3000.00"),
    )
    grant_services.attachment_add(
        proposal=proposal, actor=pi, kind=AttachmentKind.BIOSKETCH, uploaded_file=pdf_upload()
    )
    return proposal


def make_trainee_proposal(*, call: FundingCall | None = None, endorsed: bool = True):
    """A complete student proposal with a mentor on the team (endorsed if asked)."""
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    mentor = make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    proposal = make_proposal(call=call, pi=student)
    grant_services.team_member_add(
        proposal=proposal, actor=student, role=TeamRole.MENTOR, user=mentor
    )
    if endorsed:
        endorsement = grant_services.endorsement_request(proposal=proposal, actor=student)
        grant_services.endorsement_respond(
            endorsement=endorsement, actor=mentor, endorse=True, statement="Strongly endorsed."
        )
    return proposal, student, mentor


def make_submitted_proposal(**kwargs) -> Proposal:
    proposal = make_proposal(**kwargs)
    return grant_services.proposal_submit(proposal=proposal, actor=proposal.pi)


# ---- Committee review (reviews app) ----------------------------------------------------------


def make_call_in_review(*, proposals: int = 3, admin=None, **call_fields):
    """A call moved to review holding ``proposals`` submitted proposals, each also in review.

    Returns (call, [proposals], admin).
    """
    from grants.choices import ProposalStatus

    admin = admin or make_admin()
    call = make_call(**call_fields)
    items = [make_submitted_proposal(call=call) for _ in range(proposals)]
    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    grant_services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=admin)
    for proposal in items:
        grant_services.proposal_transition(
            proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin
        )
    call.refresh_from_db()
    return call, items, admin


def make_reviewer(username: str | None = None, *, keywords: str = ""):
    """A faculty member with the given (comma-separated) expertise keywords."""
    from accounts.services import profile_for

    user = make_user(username, applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    if keywords:
        profile = profile_for(user)
        profile.expertise_keywords = keywords
        profile.save(update_fields=["expertise_keywords", "updated_at"])
    return user


def make_committee(*, admin=None, chair=None, members: int = 3, load_cap: int = 8):
    """A committee with a chair and ``members`` further members (so members + 1 in all)."""
    from reviews import services as review_services

    admin = admin or make_admin()
    chair = chair or make_reviewer()
    others = [make_reviewer() for _ in range(members)]
    return review_services.committee_create(
        actor=admin,
        name=f"Review committee {_next()}",
        chair=chair,
        members=others,
        load_cap=load_cap,
    )


class ReviewSetup:
    """A call in review with its committee attached (phase: assignment)."""

    def __init__(self, *, call, proposals, admin, committee, call_review):
        self.call = call
        self.proposals = proposals
        self.admin = admin
        self.committee = committee
        self.call_review = call_review
        self.chair = committee.chair
        self.members = [m for m in committee.members.order_by("pk") if m.pk != self.chair.pk]


def make_review_setup(
    *,
    proposals: int = 3,
    members: int = 3,
    reviewers_per_proposal: int = 3,
    load_cap: int = 8,
) -> ReviewSetup:
    from reviews import services as review_services

    call, items, admin = make_call_in_review(proposals=proposals)
    committee = make_committee(admin=admin, members=members, load_cap=load_cap)
    call_review = review_services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=reviewers_per_proposal,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    return ReviewSetup(
        call=call, proposals=items, admin=admin, committee=committee, call_review=call_review
    )


def staff_if_nobody_is(setup: ReviewSetup) -> None:
    """A review starts with reviewers (docs/invariants.md): when nobody is assigned yet, one
    committee member without a conflict — another member before the chair — is assigned to the
    first proposal they may review, as the chair would before starting the review. Tests about
    staffing itself assign their own."""
    from reviews import conflicts
    from reviews import services as review_services
    from reviews.models import Assignment

    setup.call_review.refresh_from_db()
    if setup.call_review.phase != "assignment":
        return
    if Assignment.objects.filter(proposal__call=setup.call).exists():
        return
    for proposal in setup.proposals:
        for member in [*setup.members, setup.chair]:
            if member.pk != proposal.pi_id and not conflicts.is_conflicted(member, proposal):
                review_services.assignment_create(
                    proposal=proposal, reviewer=member, actor=setup.admin
                )
                return


def move_review_to(setup: ReviewSetup, phase: str) -> None:
    """Step the call's review forward, through every phase in between, as the chair (with a
    reviewer assigned first if nobody is: ``staff_if_nobody_is``)."""
    from demo import journeys

    if phase != "assignment":
        staff_if_nobody_is(setup)
    setup.call_review = journeys.review_phase_advance(call=setup.call, to=phase, actor=setup.chair)


def reviewed_by(setup: ReviewSetup, proposal, reviewers, *, impact: int = 2) -> None:
    """``reviewers`` are assigned to ``proposal`` by the administrator, the review moves to
    independent review, and each submits a complete review with overall impact ``impact``."""
    from demo import journeys

    journeys.reviews_by(
        proposal=proposal,
        reviewers=reviewers,
        actor=setup.admin,
        chair=setup.chair,
        review_data=lambda assignment: complete_review_data(setup.call, impact=impact),
    )
    setup.call_review.refresh_from_db()


def close_review(setup: ReviewSetup) -> None:
    """Close the call's review as the chair would when the committee has nothing more to say:
    step to the panel, mark every proposal not yet finalized "not discussed", and close. The
    call's funding decisions may then be recorded (grants.lifecycle.decisions_problem)."""
    from demo import journeys

    staff_if_nobody_is(setup)
    journeys.panel_close(call=setup.call, actor=setup.admin, chair=setup.chair)
    setup.call_review.refresh_from_db()


def complete_review_data(call, *, impact: int = 3, score: int = 2, sufficient: bool = True):
    """``review_save_draft`` data rating every criterion of the call."""
    from reviews.choices import CriterionKind
    from reviews.models import Criterion

    criteria = {}
    for criterion in Criterion.objects.filter(call=call):
        entry = {"strengths": f"Strong {criterion.name}.", "weaknesses": "Minor gaps."}
        if criterion.kind == CriterionKind.SCORE:
            entry["score"] = score
        else:
            entry["sufficient"] = sufficient
            entry["explanation"] = "" if sufficient else "The team lacks a biostatistician."
        criteria[criterion.pk] = entry
    return {
        "overall_impact": impact,
        "overall_paragraph": "A strong, feasible pilot.",
        "comments_to_applicant": "Consider a larger sample.",
        "confidential_comments": "CONFIDENTIAL: the PI is overcommitted.",
        "criteria": criteria,
    }


def submit_review(assignment, *, impact: int = 3, score: int = 2):
    """The assigned reviewer certifies no conflict, writes a complete review and submits it."""
    from demo import journeys

    data = complete_review_data(assignment.proposal.call, impact=impact, score=score)
    return journeys.review_complete(assignment=assignment, data=data)
