"""HTML and script typed into every free-text field, stored through the services, is shown as
text everywhere: web pages, the HTML the PDF exporters feed weasyprint (and a real PDF), and the
e-mails (plain text, no HTML part, one-line subjects)."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.choices import ApplicantType
from accounts.services import user_create
from grants import emails as grant_emails
from grants import services as grants
from grants.choices import AttachmentKind, CallStatus, ProposalStatus, TeamRole
from grants.models import Award, Proposal
from reporting import emails as reporting_emails
from reporting import services as reporting
from reporting.hrsa.builder import build_report
from reporting.hrsa.exporters import PdfExporter
from reporting.hrsa.periods import current_period
from reviews import services as reviews
from reviews.choices import ConflictReason, CriterionKind, ReviewPhase
from reviews.exporters import SummaryStatementPdf
from reviews.models import Criterion
from reviews.selectors import summary_statement
from tests.factories import (
    PASSWORD,
    make_admin,
    make_call,
    make_committee,
    make_proposal,
    make_user,
    move_review_to,
    pdf_bytes,
)
from tests.reviews.support import assignments_of

pytestmark = pytest.mark.django_db


def hostile(tag: str) -> str:
    """Script, an attribute break-out and a tag break-out, marked with the field's name."""
    return f'<script>alert("{tag}")</script>"><img src=x onerror=alert("{tag}")></textarea>'


def shown(tag: str) -> str:
    """How a page shows the start of ``hostile(tag)``: as escaped text."""
    return escape(f'<script>alert("{tag}")</script>')


# The markup of the payloads, which must never reach a page or document unescaped.
RAW = re.compile(r"<script>alert|<img src=x|</textarea>\"|<svg", re.IGNORECASE)


def raw_markup(html: str) -> list[str]:
    return RAW.findall(html)


@dataclass
class World:
    admin: object
    pi: object
    mentor: object
    chair: object
    reviewers: list
    proposal: Proposal
    award: Award
    report: object
    fields: list  # the tags of every hostile value stored


def build_world() -> World:
    """One trainee proposal carrying a hostile value in every free-text field, taken through
    submission, return, review, panel, decision, award, outcomes and progress reporting."""
    fields = []

    def h(tag: str) -> str:
        fields.append(tag)
        return hostile(tag)

    admin = make_admin()
    pi = user_create(
        username="hostile_pi",
        email="pi@example.edu",
        password=PASSWORD,
        first_name=h("first_name"),
        last_name="Quiroga",
        applicant_type=ApplicantType.MEDICAL_STUDENT,
        department=h("department"),
    )
    mentor = make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    call = make_call(title="Pilot awards")
    proposal = make_proposal(call=call, pi=pi)
    sections = [
        "title",
        "abstract",
        "specific_aims",
        "research_strategy",
        "community_engagement_plan",
        "timeline",
        "budget_justification",
    ]
    grants.proposal_update(proposal=proposal, actor=pi, data={s: h(s) for s in sections})
    line = proposal.budget_lines.order_by("pk").first()
    grants.budget_line_save(
        proposal=proposal,
        actor=pi,
        line=line,
        category=line.category,
        description=h("budget_description"),
        amount=line.amount,
    )
    upload = pdf_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    grants.attachment_add(
        proposal=proposal,
        actor=pi,
        kind=AttachmentKind.LETTER_OF_SUPPORT,
        uploaded_file=SimpleUploadedFile('"><img src=x onerror=alert(1)>.pdf', upload),
    )
    grants.team_member_add(
        proposal=proposal,
        actor=pi,
        role=TeamRole.COMMUNITY_PARTNER,
        full_name=h("member_name"),
        email="partner@example.org",
        organisation=h("member_organisation"),
    )
    grants.team_member_add(proposal=proposal, actor=pi, role=TeamRole.MENTOR, user=mentor)
    endorsement = grants.endorsement_request(proposal=proposal, actor=pi)
    grants.endorsement_respond(
        endorsement=endorsement, actor=mentor, endorse=True, statement=h("endorsement_statement")
    )
    proposal = grants.proposal_submit(proposal=proposal, actor=pi)
    proposal = grants.proposal_return(proposal=proposal, actor=admin, reason=h("return_reason"))
    proposal = grants.proposal_submit(proposal=proposal, actor=pi)

    # Review, panel, decision.
    grants.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    grants.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=admin)
    grants.proposal_transition(proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin)
    committee = make_committee(admin=admin, members=4)
    call_review = reviews.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=3,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    members = [m for m in committee.members.order_by("pk") if m.pk != committee.chair_id]
    reviews.conflict_declare(
        proposal=proposal,
        reviewer=members[3],
        actor=members[3],
        reason=ConflictReason.OTHER,
        explanation=h("conflict_explanation"),
    )
    for member in members[:3]:
        reviews.assignment_create(proposal=proposal, reviewer=member, actor=committee.chair)

    class Setup:
        pass

    setup = Setup()
    setup.call, setup.chair, setup.call_review = call, committee.chair, call_review
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    review_texts = ["overall_paragraph", "comments_to_applicant", "confidential_comments"]
    criterion_texts = ["strengths", "weaknesses", "explanation"]
    for tag in review_texts + criterion_texts:
        fields.append(tag)
    for assignment in assignments_of(proposal):
        reviewer = assignment.reviewer
        reviews.conflict_certify_none(assignment=assignment, actor=reviewer)
        criteria = {}
        for criterion in Criterion.objects.filter(call=call):
            entry = {name: hostile(name) for name in criterion_texts}
            if criterion.kind == CriterionKind.SCORE:
                entry["score"] = 2
            else:
                entry["sufficient"] = False
            criteria[criterion.pk] = entry
        reviews.review_save_draft(
            assignment=assignment,
            actor=reviewer,
            data={
                "overall_impact": 2,
                **{name: hostile(name) for name in review_texts},
                "criteria": criteria,
            },
        )
        reviews.review_submit(assignment=assignment, actor=reviewer)
    move_review_to(setup, ReviewPhase.PANEL)
    for voter in [committee.chair, *members[:3]]:
        reviews.final_score_record(proposal=proposal, actor=voter, score=2)
    reviews.panel_finalize(
        proposal=proposal, actor=committee.chair, resume_of_discussion=h("resume_of_discussion")
    )
    move_review_to(setup, ReviewPhase.CLOSED)
    grants.decision_record(
        proposal=proposal,
        actor=admin,
        outcome="funded",
        amount=Decimal("14000.00"),
        reason=h("decision_reason"),
    )
    grants.decisions_release(call=call, actor=admin)

    # Outcomes and reporting.
    award = Award.objects.get(proposal=proposal)
    soon = award.start_date + timedelta(days=20)
    reporting.publication_create(
        actor=pi,
        awards=[award],
        data={
            "title": h("publication_title"),
            "journal": h("journal"),
            "authors": h("authors"),
            "published_on": soon,
        },
    )
    reporting.presentation_create(
        actor=pi,
        awards=[award],
        data={
            "title": h("presentation_title"),
            "venue": h("venue"),
            "presented_on": soon,
            "kind": "oral",
            "level": "national",
        },
    )
    reporting.follow_on_funding_create(
        actor=pi,
        awards=[award],
        data={
            "sponsor": h("sponsor"),
            "sponsor_type": "nih",
            "mechanism": "<b>R01</b>",
            "title": h("funding_title"),
            "amount": Decimal("250000"),
            "status": "applied",
            "applied_on": soon,
        },
    )
    reporting.trainee_outcome_create(
        actor=pi,
        award=award,
        data={
            "trainee": pi,
            "recorded_on": soon,
            "degree_completed": "<i>MD</i>",
            "position": h("position"),
        },
    )
    reporting.partnership_create(
        actor=pi,
        award=award,
        data={
            "organisation": h("partner_organisation"),
            "partner_type": "fqhc",
            "purpose": "research",
            "description": h("partner_description"),
        },
    )
    report = reporting.progress_reports_schedule(award=award)[0]
    reporting.progress_report_submit(
        report=report,
        actor=pi,
        objectives_accomplishments=h("report_objectives"),
        barriers_resolutions=h("report_barriers"),
    )
    reporting.narrative_save(
        period=current_period().label,
        actor=admin,
        objectives_accomplishments=h("narrative_objectives"),
        barriers_resolutions=h("narrative_barriers"),
    )
    return World(
        admin=admin,
        pi=pi,
        mentor=mentor,
        chair=committee.chair,
        reviewers=[a.reviewer for a in assignments_of(proposal)],
        proposal=proposal,
        award=award,
        report=report,
        fields=fields,
    )


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_world()


def get(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def outcomes_of(award) -> dict[str, int]:
    from reporting.models import (
        FollowOnFunding,
        Partnership,
        Presentation,
        Publication,
        TraineeOutcome,
    )

    return {
        "publications": Publication.objects.get(awards=award).pk,
        "presentations": Presentation.objects.get(awards=award).pk,
        "funding": FollowOnFunding.objects.get(awards=award).pk,
        "trainees": TraineeOutcome.objects.get(award=award).pk,
        "partnerships": Partnership.objects.get(award=award).pk,
    }


def pages_of(world: World) -> dict[str, str]:
    """Every page that shows the hostile values, as the people who may see them."""
    p, award, call = world.proposal, world.award, world.proposal.call
    return {
        "proposal": get(world.pi, reverse("grants:proposal_detail", args=[p.pk])),
        "proposal (admin)": get(world.admin, reverse("grants:proposal_detail", args=[p.pk])),
        "team": get(world.pi, reverse("grants:proposal_team", args=[p.pk])),
        "budget": get(world.pi, reverse("grants:proposal_budget", args=[p.pk])),
        "attachments": get(world.pi, reverse("grants:proposal_attachments", args=[p.pk])),
        "call proposals": get(world.admin, reverse("grants:call_proposals", args=[call.pk])),
        "dashboard": get(world.pi, reverse("dashboard")),
        "reviewer's view": get(world.reviewers[0], reverse("reviews:proposal", args=[p.pk])),
        "reviews": get(world.reviewers[0], reverse("reviews:proposal_reviews", args=[p.pk])),
        "chair's reviews": get(world.chair, reverse("reviews:proposal_reviews", args=[p.pk])),
        "review sheet": get(
            world.reviewers[0],
            reverse("reviews:review", args=[assignments_of(p)[0].pk]),
        ),
        "call management": get(world.chair, reverse("reviews:call_manage", args=[call.pk])),
        "panel": get(world.chair, reverse("reviews:panel_proposal", args=[call.pk, p.pk])),
        "ranking": get(world.admin, reverse("reviews:ranking", args=[call.pk])),
        "summary statement": get(world.pi, reverse("reviews:summary_statement", args=[p.pk])),
        "award": get(world.pi, reverse("reporting:award_detail", args=[award.pk])),
        "awards": get(world.admin, reverse("reporting:award_list")),
        "progress report": get(
            world.pi, reverse("reporting:progress_report", args=[award.pk, world.report.pk])
        ),
        **{
            f"{kind} form": get(
                world.pi, reverse("reporting:outcome_edit", args=[award.pk, kind, pk])
            )
            for kind, pk in outcomes_of(award).items()
        },
        "hrsa report": get(world.admin, reverse("reporting:report")),
        "narrative": get(
            world.admin, reverse("reporting:narrative", args=[current_period().label])
        ),
    }


# ---- Web pages -------------------------------------------------------------------------------


def test_every_page_shows_hostile_text_escaped_and_never_as_markup(world):
    pages = pages_of(world)

    found = {name: raw_markup(html) for name, html in pages.items()}
    everything = "\n".join(pages.values())
    assert {name: tags for name, tags in found.items() if tags} == {}
    # A declared conflict's explanation is shown on no page (administrators and the API).
    displayed = [tag for tag in world.fields if tag != "conflict_explanation"]
    missing = [tag for tag in displayed if shown(tag) not in everything]
    assert missing == [], missing


def test_edit_pages_keep_hostile_text_inside_their_text_areas():
    proposal = make_proposal(complete=False)
    grants.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"title": hostile("title"), "abstract": hostile("abstract")},
    )

    html = get(proposal.pi, reverse("grants:proposal_edit", args=[proposal.pk]))

    assert raw_markup(html) == []
    assert f'value="{escape(hostile("title"))}"' in html
    assert f"\n{escape(hostile('abstract'))}</textarea>" in html


# ---- Documents -------------------------------------------------------------------------------


class RecordedHtml:
    """Stands in for weasyprint.HTML (the edge of the system): keeps the HTML it is given."""

    seen: list[str] = []

    def __init__(self, *, string: str, **kwargs):
        type(self).seen.append(string)

    def write_pdf(self, *args, **kwargs) -> bytes:
        return pdf_bytes()

    def render(self, *args, **kwargs):
        raise AssertionError("not used by the exporters under test")


@pytest.fixture
def recorded_html(monkeypatch):
    import weasyprint

    RecordedHtml.seen = []
    monkeypatch.setattr(weasyprint, "HTML", RecordedHtml)
    return RecordedHtml.seen


def test_pdf_exporters_feed_weasyprint_escaped_html(world, recorded_html):
    from grants.exporters import ProposalPdf
    from grants.selectors import proposal_for_page, state_history

    proposal = proposal_for_page(user=world.pi, pk=world.proposal.pk)  # as the view reads it
    ProposalPdf(proposal=proposal, history=list(state_history(proposal))).render()
    SummaryStatementPdf(summary=summary_statement(world.proposal)).render()
    PdfExporter(build_report(current_period())).render()

    proposal_html, summary_html, hrsa_html = recorded_html
    assert [raw_markup(html) for html in recorded_html] == [[], [], []]
    for tag in ["title", "abstract", "research_strategy", "member_name", "endorsement_statement"]:
        assert shown(tag) in proposal_html
    for tag in ["title", "strengths", "comments_to_applicant", "resume_of_discussion"]:
        assert shown(tag) in summary_html
    assert shown("confidential_comments") not in summary_html
    for tag in ["title", "first_name", "department", "narrative_objectives"]:
        assert shown(tag) in hrsa_html


def test_proposal_pdf_prints_hostile_text_as_text(world):
    from pypdf import PdfReader

    client = Client()
    client.force_login(world.pi)

    response = client.get(reverse("grants:proposal_pdf", args=[world.proposal.pk]))

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response.status_code == 200
    assert '<script>alert("abstract")</script>' in text


# ---- E-mails ---------------------------------------------------------------------------------


def test_emails_are_plain_text_with_one_line_subjects_and_the_text_as_typed(world):
    reporting_emails.send_progress_report_reminder(world.report, "due_soon")
    reporting_emails.send_progress_report_reminder(world.report, "overdue")

    subjects = [m.subject for m in mail.outbox]
    bodies = "\n".join(m.body for m in mail.outbox)
    # Two team invitations, endorsement request and result, two receipts, the return notice,
    # the decision and the two reminders.
    assert len(mail.outbox) == 10
    assert [s for s in subjects if "\n" in s or "\r" in s] == []
    assert [m.alternatives for m in mail.outbox if m.alternatives] == []
    assert {m.content_subtype for m in mail.outbox} == {"plain"}
    # Plain text shows what was typed (inert there), never HTML entities.
    assert hostile("return_reason") in bodies
    assert hostile("endorsement_statement") in bodies
    assert "&lt;" not in bodies
    assert "&quot;" not in bodies
    assert "&#x27;" not in bodies


def test_a_title_with_a_new_line_cannot_inject_a_mail_header():
    proposal = make_proposal(complete=False)
    Proposal.objects.filter(pk=proposal.pk).update(
        title="Diabetes\r\nBcc: everyone@example.org\r\n\r\n<b>x</b>"
    )
    proposal.refresh_from_db()

    grant_emails.send_submission_receipt(proposal)

    message = mail.outbox[-1].message()
    assert mail.outbox[-1].subject == (
        "[Center of Excellence] Received: Diabetes Bcc: everyone@example.org <b>x</b>"
    )
    assert message["Bcc"] is None
    assert mail.outbox[-1].recipients() == [proposal.pi.email]


def test_titles_are_saved_on_one_line():
    proposal = make_proposal(complete=False)

    grants.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"title": "Diabetes\r\nBcc: x@example.org"}
    )

    proposal.refresh_from_db()
    assert proposal.title == "Diabetes Bcc: x@example.org"
