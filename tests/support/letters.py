"""Two-stage calls for the tests, built through the services: the call, letters of intent
written and sent inside their window, the committee's ratings, the triage, and a full
proposal completed from its letter.

Letters are sent "in the past" by giving the services the moment (``now``) inside the window:
the call's letters deadline is already behind the server clock, so the office may start the
triage at once. Nothing is moved by hand.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grants import services as grant_services
from grants.choices import AttachmentKind, BudgetCategory, CallStatus
from tests.factories import make_call, pdf_upload

LETTER = {
    "title": "Promotoras and blood pressure in Black rural churches",
    "aims_summary": "Aim 1: adapt a promotora-led programme with three churches. "
    "Aim 2: pilot it with 60 members and measure blood pressure at six months.",
    "team": "Rosa Diaz, community partner, Valley FQHC\nSam Lee, biostatistician",
    "disparity_populations": ["black", "rural"],
    "estimated_budget": Decimal("20000.00"),
}


def make_two_stage_call(*, letters_due=None, **fields):
    """An open two-stage call. ``letters_due`` defaults to an hour ago (letters closed, the
    triage may start); full proposals are due in twenty days."""
    now = timezone.now()
    return make_call(
        letter_of_intent=True,
        opens_at=fields.pop("opens_at", now - timedelta(days=10)),
        letters_close_at=letters_due or now - timedelta(hours=1),
        closes_at=fields.pop("closes_at", now + timedelta(days=20)),
        **fields,
    )


def in_window(call):
    """A moment inside the call's letters window (a day before the letters' deadline, or now
    when that is still ahead)."""
    return min(call.letters_close_at - timedelta(days=1), timezone.now())


def make_letter(*, call, applicant, send: bool = True, document: bool = False, **data):
    """``applicant``'s letter to ``call`` with the fields of ``LETTER`` (``data`` overriding),
    with a one-page PDF if asked, written and — when ``send`` — sent inside the letters
    window."""
    moment = in_window(call)
    letter = grant_services.letter_create(call=call, actor=applicant, now=moment)
    grant_services.letter_update(letter=letter, actor=applicant, data={**LETTER, **data})
    if document:
        grant_services.letter_document_set(
            letter=letter, actor=applicant, uploaded_file=pdf_upload("letter.pdf", "Letter")
        )
    if send:
        letter = grant_services.letter_submit(letter=letter, actor=applicant, now=moment)
    letter.refresh_from_db()
    return letter


def start_triage(call, admin):
    grant_services.call_transition(call=call, to=CallStatus.LETTERS_TRIAGE, actor=admin)
    call.refresh_from_db()
    return call


def open_full_proposals(call, admin):
    grant_services.call_transition(call=call, to=CallStatus.OPEN, actor=admin)
    call.refresh_from_db()
    return call


def complete_full_proposal(proposal):
    """Fill in what the letter did not carry, with budget lines adding up to the amount
    requested (the letter's estimated budget), and a biosketch: ready to submit."""
    pi = proposal.pi
    grant_services.proposal_update(
        proposal=proposal,
        actor=pi,
        data={
            "abstract": "A promotora-led programme in rural churches. " * 5,
            "research_strategy": "Significance, innovation and approach. " * 10,
            "nimhd_cells": ["behavioral:community"],
            "community_engagement_plan": "A church advisory board meets monthly.",
            "timeline": "Months 1-3 adaptation; 4-10 pilot; 11-12 analysis.",
            "budget_justification": "Promotora salary and participant incentives.",
            "irb_status": "pending",
        },
    )
    requested = proposal.requested_amount
    grant_services.budget_line_save(
        proposal=proposal,
        actor=pi,
        category=BudgetCategory.PERSONNEL,
        description="Promotora, 20% effort",
        amount=requested - Decimal("5000.00"),
    )
    grant_services.budget_line_save(
        proposal=proposal,
        actor=pi,
        category=BudgetCategory.PARTICIPANT,
        description="Gift cards",
        amount=Decimal("5000.00"),
    )
    grant_services.attachment_add(
        proposal=proposal, actor=pi, kind=AttachmentKind.BIOSKETCH, uploaded_file=pdf_upload()
    )
    return proposal
