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
