"""Two-stage calls (issue #19): letters of intent, their triage, invitations, and full
proposals started from them — through the services, the pages and the API — and the refusals
(a full proposal without an invitation, a letter after its deadline, a declined applicant, a
second letter). The committee's ratings are tests/reviews/test_letter_ratings.py's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType
from grants import selectors, services
from grants.choices import CallStatus, DecisionOutcome, LetterStatus, ProposalStatus
from grants.models import FundingCall, LetterOfIntent, Proposal, StateChange
from reviews import services as review_services
from reviews.conflicts import is_conflicted
from tests.api.support import API, api_as
from tests.factories import (
    ReviewSetup,
    close_review,
    make_admin,
    make_call,
    make_committee,
    make_user,
    pdf_bytes,
)
from tests.support.clients import signed_in
from tests.support.letters import (
    LETTER,
    complete_full_proposal,
    make_letter,
    make_two_stage_call,
    open_full_proposals,
    start_triage,
)

pytestmark = pytest.mark.django_db


def _two_page_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _invited(call=None, admin=None, applicant=None, message="We look forward to it."):
    """A letter sent, the call in triage, the letter invited, the call open for full
    proposals. Returns (call, letter, admin)."""
    admin = admin or make_admin()
    call = call or make_two_stage_call()
    letter = make_letter(call=call, applicant=applicant or make_user())
    start_triage(call, admin)
    services.letter_triage(letter=letter, actor=admin, outcome="invited", message=message)
    open_full_proposals(call, admin)
    letter.refresh_from_db()
    return call, letter, admin


# ---- The whole walk ------------------------------------------------------------------------


def test_a_two_stage_call_walks_from_letters_to_released_decisions(
    django_capture_on_commit_callbacks,
):
    admin = make_admin()
    call = make_two_stage_call(total_budget=Decimal("100000"))
    committee = make_committee(admin=admin, members=3)
    review_services.committee_attach_to_call(committee=committee, call=call, actor=admin)
    chair = committee.chair
    m1, m2, m3 = (m for m in committee.members.order_by("pk") if m.pk != chair.pk)
    ana, ben, cai = make_user("ana"), make_user("ben"), make_user("cai")

    # Letters, sent inside their window.
    letters = {
        person: make_letter(call=call, applicant=person, title=f"Letter of {person.username}")
        for person in (ana, ben, cai)
    }
    assert {letter.status for letter in letters.values()} == {LetterStatus.SUBMITTED}

    # The committee's light rating; one member declares a conflict with Ana's letter.
    review_services.letter_rate(letter=letters[ana], actor=m1, rating=1, comment="Strong.")
    review_services.letter_rate(letter=letters[ana], actor=m2, rating=2)
    review_services.letter_conflict_declare(letter=letters[ana], actor=m3, reason="collaborator")
    review_services.letter_rate(letter=letters[ben], actor=m1, rating=5, comment="Out of scope.")

    # Triage: Ana and Cai invited, Ben declined, each e-mailed.
    start_triage(call, admin)
    assert call.status == CallStatus.LETTERS_TRIAGE
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.letter_decide(letter=letters[ana], actor=admin, outcome="invited")
        review_services.letter_decide(
            letter=letters[ben], actor=admin, outcome="declined", message="Not a pilot this year."
        )
        review_services.letter_decide(letter=letters[cai], actor=admin, outcome="invited")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.edu",
        "ben@example.edu",
        "cai@example.edu",
    ]
    open_full_proposals(call, admin)

    # Full proposals, started from the letters.
    proposals = [
        complete_full_proposal(services.proposal_create(call=call, actor=person))
        for person in (ana, cai)
    ]
    with pytest.raises(ValidationError):
        services.proposal_create(call=call, actor=ben)
    # The conflict declared on Ana's letter keeps that member out of her full proposal.
    assert is_conflicted(m3, proposals[0]) and not is_conflicted(m3, proposals[1])
    for proposal in proposals:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    # Review and decisions, as for any call.
    services.call_begin_review(call=call, actor=admin)
    for proposal in proposals:
        proposal.refresh_from_db()
    setup = ReviewSetup(
        call=call,
        proposals=proposals,
        admin=admin,
        committee=committee,
        call_review=call.call_review,
    )
    close_review(setup)
    services.decision_record(proposal=proposals[0], actor=admin, outcome=DecisionOutcome.FUNDED)
    services.decision_record(proposal=proposals[1], actor=admin, outcome=DecisionOutcome.NOT_FUNDED)
    services.decisions_release(call=call, actor=admin)

    statuses = dict(Proposal.objects.filter(call=call).values_list("pi__username", "status"))
    assert statuses == {"ana": ProposalStatus.FUNDED, "cai": ProposalStatus.NOT_FUNDED}
    assert {
        letter.applicant.username: (letter.status, letter.proposal_id)
        for letter in LetterOfIntent.objects.filter(call=call).select_related("applicant")
    } == {
        "ana": (LetterStatus.INVITED, proposals[0].pk),
        "ben": (LetterStatus.DECLINED, None),
        "cai": (LetterStatus.INVITED, proposals[1].pk),
    }


# ---- Letters: the window, one each, frozen once sent ----------------------------------------


def test_a_letter_is_sent_before_its_deadline_and_refused_after_by_the_server_clock():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(hours=2))
    early, late = make_user(), make_user()
    sent = make_letter(call=call, applicant=early)
    draft = make_letter(call=call, applicant=late, send=False)

    with pytest.raises(services.SubmissionRefused) as refused:
        services.letter_submit(
            letter=draft, actor=late, now=call.letters_close_at + timedelta(seconds=1)
        )

    assert sent.status == LetterStatus.SUBMITTED
    assert list(refused.value.message_dict) == ["call"]
    assert "the deadline has passed" in refused.value.message_dict["call"][0]
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (LetterStatus.DRAFT, None)


def test_a_letter_cannot_be_started_after_the_letters_deadline():
    call = make_two_stage_call()  # letters were due an hour ago

    with pytest.raises(ValidationError) as refused:
        services.letter_create(call=call, actor=make_user())

    assert "the deadline has passed" in refused.value.messages[0]
    assert LetterOfIntent.objects.count() == 0


def test_a_call_without_letters_takes_none():
    with pytest.raises(ValidationError) as refused:
        services.letter_create(call=make_call(), actor=make_user())

    assert refused.value.messages == ["This call does not take letters of intent."]


def test_a_second_letter_to_the_same_call_is_refused():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    make_letter(call=call, applicant=applicant)

    with pytest.raises(ValidationError) as refused:
        services.letter_create(call=call, actor=applicant)

    assert refused.value.messages == [
        "You already have a letter of intent to this call; each applicant sends one."
    ]
    assert LetterOfIntent.objects.filter(call=call, applicant=applicant).count() == 1


def test_an_ineligible_applicant_cannot_start_a_letter():
    call = make_two_stage_call(
        letters_due=timezone.now() + timedelta(days=2),
        eligible_applicant_types=[ApplicantType.ASSISTANT_PROFESSOR],
    )

    with pytest.raises(ValidationError) as refused:
        services.letter_create(
            call=call, actor=make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
        )

    assert "not open to applicants" in refused.value.messages[0]


def test_sending_lists_every_blocker_of_an_empty_letter():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = services.letter_create(call=call, actor=applicant)

    with pytest.raises(services.SubmissionRefused) as refused:
        services.letter_submit(letter=letter, actor=applicant)

    assert sorted(refused.value.message_dict) == [
        "aims_summary",
        "disparity_populations",
        "estimated_budget",
        "title",
    ]


def test_an_aims_summary_over_300_words_is_kept_as_a_draft_but_not_sent():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False, aims_summary="word " * 301)

    with pytest.raises(services.SubmissionRefused) as refused:
        services.letter_submit(letter=letter, actor=applicant)

    assert refused.value.message_dict == {
        "aims_summary": ["Summary of the aims has 301 words; the limit is 300."]
    }


def test_an_estimated_budget_over_the_maximum_award_is_refused_and_nothing_is_saved():
    call = make_two_stage_call(
        letters_due=timezone.now() + timedelta(days=2), max_award=Decimal("25000")
    )
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)

    with pytest.raises(ValidationError) as refused:
        services.letter_update(
            letter=letter,
            actor=applicant,
            data={"title": "A new title", "estimated_budget": "25000.01"},
        )

    assert refused.value.message_dict == {
        "estimated_budget": [
            "The estimated budget is over this call's maximum award of $25,000.00."
        ]
    }
    letter.refresh_from_db()
    assert (letter.title, letter.estimated_budget) == (LETTER["title"], Decimal("20000.00"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"estimated_budget": "-1"}, "estimated_budget"),
        ({"estimated_budget": "lots"}, "estimated_budget"),
        ({"disparity_populations": ["martians"]}, "disparity_populations"),
        ({"title": "x" * 251}, "title"),
        ({"team": "x" * 4001}, "team"),
        ({"aims_summary": "a\x00b"}, "aims_summary"),
    ],
)
def test_bad_letter_fields_are_refused_under_their_name(data, field):
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)

    with pytest.raises(ValidationError) as refused:
        services.letter_update(letter=letter, actor=applicant, data=data)

    assert list(refused.value.message_dict) == [field]


def test_a_sent_letter_is_frozen():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant)

    with pytest.raises(PermissionDenied):
        services.letter_update(letter=letter, actor=applicant, data={"title": "Changed"})
    with pytest.raises(services.InvalidTransition):
        services.letter_submit(letter=letter, actor=applicant)

    letter.refresh_from_db()
    assert letter.title == LETTER["title"]


def test_only_the_applicant_sends_their_letter():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    letter = make_letter(call=call, applicant=make_user(), send=False)

    with pytest.raises(PermissionDenied):
        services.letter_submit(letter=letter, actor=make_admin())

    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_the_letters_pdf_is_one_page_of_real_pdf():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)

    with pytest.raises(ValidationError) as two_pages:
        services.letter_document_set(
            letter=letter,
            actor=applicant,
            uploaded_file=SimpleUploadedFile("letter.pdf", _two_page_pdf()),
        )
    with pytest.raises(ValidationError) as not_pdf:
        services.letter_document_set(
            letter=letter,
            actor=applicant,
            uploaded_file=SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 a program"),
        )
    services.letter_document_set(
        letter=letter,
        actor=applicant,
        uploaded_file=SimpleUploadedFile("../My letter.pdf", pdf_bytes("Letter")),
    )

    assert two_pages.value.message_dict == {
        "document": ["The letter's PDF is one page; this one has 2."]
    }
    assert list(not_pdf.value.message_dict) == ["document"]
    letter.refresh_from_db()
    assert (letter.document_name, letter.document_size) == (
        "My letter.pdf",
        len(pdf_bytes("Letter")),
    )
    assert letter.document.name.startswith(f"letters/{call.pk}/")


# ---- The call's stages ------------------------------------------------------------------


def test_the_call_enters_letters_triage_only_after_the_letters_deadline():
    admin = make_admin()
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(hours=1))

    with pytest.raises(services.InvalidTransition) as early:
        services.call_transition(call=call, to=CallStatus.LETTERS_TRIAGE, actor=admin)

    assert "their triage starts after that deadline" in str(early.value)
    assert FundingCall.objects.get(pk=call.pk).status == CallStatus.OPEN


def test_the_letters_triage_happens_once():
    call, _letter, admin = _invited()

    with pytest.raises(services.InvalidTransition) as again:
        services.call_transition(call=call, to=CallStatus.LETTERS_TRIAGE, actor=admin)
    page = signed_in(admin).get(reverse("reviews:letters", args=[call.pk])).content.decode()

    assert "The letters triage is over" in str(again.value)
    assert FundingCall.objects.get(pk=call.pk).status == CallStatus.OPEN
    assert "Start the letters triage" not in page
    assert "The letters triage is over: the call is open" in page


def test_no_letter_is_taken_after_the_triage_even_with_a_later_deadline():
    call, _letter, _admin = _invited()
    # The office moves the letters' deadline on after the triage (a date is not frozen).
    FundingCall.objects.filter(pk=call.pk).update(
        letters_close_at=timezone.now() + timedelta(days=3)
    )
    call.refresh_from_db()
    late = make_user()

    with pytest.raises(ValidationError) as refused:
        services.letter_create(call=call, actor=late)

    assert refused.value.messages == [
        "The letters of intent to this call are triaged; it takes no more."
    ]
    assert not LetterOfIntent.objects.filter(applicant=late).exists()


def test_a_call_without_letters_has_no_letters_triage():
    admin = make_admin()
    call = make_call()

    with pytest.raises(services.InvalidTransition):
        services.call_transition(call=call, to=CallStatus.LETTERS_TRIAGE, actor=admin)


def test_the_call_opens_for_full_proposals_only_once_every_letter_is_decided():
    admin = make_admin()
    call = make_two_stage_call()
    first = make_letter(call=call, applicant=make_user())
    make_letter(call=call, applicant=make_user())
    start_triage(call, admin)
    services.letter_triage(letter=first, actor=admin, outcome="invited")

    with pytest.raises(services.InvalidTransition) as refused:
        services.call_transition(call=call, to=CallStatus.OPEN, actor=admin)

    assert str(refused.value) == (
        "1 letter of intent still awaits triage; invite or decline each first."
    )
    assert FundingCall.objects.get(pk=call.pk).status == CallStatus.LETTERS_TRIAGE


def test_the_call_moves_into_and_out_of_triage_with_its_history():
    admin = make_admin()
    call = make_two_stage_call()
    letter = make_letter(call=call, applicant=make_user())

    start_triage(call, admin)
    services.letter_triage(letter=letter, actor=admin, outcome="declined", message="No.")
    open_full_proposals(call, admin)

    assert list(selectors.state_history(call).values_list("from_state", "to_state")) == [
        ("open", "letters_triage"),
        ("letters_triage", "open"),
    ]


# ---- Triage ---------------------------------------------------------------------------------


def test_letters_are_triaged_only_while_the_call_is_in_letters_triage():
    admin = make_admin()
    call = make_two_stage_call()
    letter = make_letter(call=call, applicant=make_user())

    with pytest.raises(services.InvalidTransition) as refused:
        services.letter_triage(letter=letter, actor=admin, outcome="invited")

    assert "while their call is in letters triage; this call is open" in str(refused.value)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_a_decline_needs_a_message_for_the_applicant():
    admin = make_admin()
    call = make_two_stage_call()
    letter = make_letter(call=call, applicant=make_user())
    start_triage(call, admin)

    with pytest.raises(ValidationError) as refused:
        services.letter_triage(letter=letter, actor=admin, outcome="declined", message="  ")

    assert refused.value.message_dict == {
        "message": ["Tell the applicant why their letter is not invited."]
    }


def test_a_letter_is_decided_once_and_only_by_an_administrator():
    admin = make_admin()
    call = make_two_stage_call()
    letter = make_letter(call=call, applicant=make_user())
    start_triage(call, admin)

    with pytest.raises(PermissionDenied):
        services.letter_triage(letter=letter, actor=make_user(), outcome="invited")
    services.letter_triage(letter=letter, actor=admin, outcome="invited")
    with pytest.raises(services.InvalidTransition):
        services.letter_triage(letter=letter, actor=admin, outcome="declined", message="No.")

    letter.refresh_from_db()
    assert (letter.status, letter.decided_by) == (LetterStatus.INVITED, admin)


def test_an_administrator_does_not_decide_their_own_letter():
    admin = make_admin()
    call = make_two_stage_call()
    letter = make_letter(call=call, applicant=admin)
    start_triage(call, admin)

    with pytest.raises(PermissionDenied):
        services.letter_triage(letter=letter, actor=admin, outcome="invited")


def test_the_triage_is_audited_and_e_mailed_without_any_rater(django_capture_on_commit_callbacks):
    from accounts.models import AuditEntry

    admin = make_admin()
    call = make_two_stage_call()
    applicant = make_user("dana")
    letter = make_letter(call=call, applicant=applicant)
    member = make_user("rater")
    start_triage(call, admin)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.letter_triage(
            letter=letter, actor=admin, outcome="declined", message="Outside this call's scope."
        )

    (message,) = mail.outbox
    assert message.to == ["dana@example.edu"]
    assert message.subject.endswith(f"] Your letter of intent: {LETTER['title']}")
    assert "Outside this call's scope." in message.body
    assert member.display_name not in message.body and "rating" not in message.body.lower()
    entry = AuditEntry.objects.filter(
        object_type="grants.letterofintent", object_id=str(letter.pk), action="state_changed"
    ).first()
    assert (entry.before, entry.after, entry.note) == (
        {"state": "submitted"},
        {"state": "declined"},
        "Outside this call's scope.",
    )


# ---- Full proposals: only from an invitation, once, from the letter -------------------------


def test_a_full_proposal_without_an_invitation_is_refused():
    call = make_two_stage_call()
    open_full_proposals(start_triage(call, make_admin()), make_admin())

    with pytest.raises(ValidationError) as refused:
        services.proposal_create(call=call, actor=make_user())

    assert refused.value.messages == [
        "This call takes full proposals only from applicants invited after their letter of intent."
    ]
    assert Proposal.objects.filter(call=call).count() == 0


def test_a_declined_applicant_cannot_start_a_full_proposal():
    admin = make_admin()
    call = make_two_stage_call()
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant)
    start_triage(call, admin)
    services.letter_triage(letter=letter, actor=admin, outcome="declined", message="No.")
    open_full_proposals(call, admin)

    with pytest.raises(ValidationError):
        services.proposal_create(call=call, actor=applicant)

    assert Proposal.objects.filter(call=call).count() == 0


def test_an_invited_applicant_waits_until_the_call_opens_for_full_proposals():
    admin = make_admin()
    call = make_two_stage_call()
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant)
    start_triage(call, admin)
    services.letter_triage(letter=letter, actor=admin, outcome="invited")

    with pytest.raises(ValidationError) as refused:
        services.proposal_create(call=call, actor=applicant)

    assert refused.value.messages == ["This call is not accepting proposals."]


def test_the_full_proposal_starts_from_the_letter_and_is_linked_to_it():
    call, letter, _ = _invited()

    proposal = services.proposal_create(call=call, actor=letter.applicant)

    letter.refresh_from_db()
    assert letter.proposal == proposal
    assert (
        proposal.title,
        proposal.specific_aims,
        proposal.disparity_populations,
        proposal.requested_amount,
        proposal.status,
    ) == (
        LETTER["title"],
        LETTER["aims_summary"],
        ["black", "rural"],
        Decimal("20000.00"),
        ProposalStatus.DRAFT,
    )
    (created,) = selectors.state_history(proposal)
    assert created.reason == "Started from the letter of intent."


def test_an_invitation_starts_one_full_proposal_even_after_a_withdrawal():
    call, letter, _ = _invited()
    proposal = services.proposal_create(call=call, actor=letter.applicant)
    services.proposal_withdraw(proposal=proposal, actor=letter.applicant)

    with pytest.raises(ValidationError) as refused:
        services.proposal_create(call=call, actor=letter.applicant)

    assert refused.value.messages == [
        "Your full proposal to this call was already started from your letter."
    ]
    assert Proposal.objects.filter(call=call).count() == 1


def test_the_team_page_lists_the_letters_team_for_the_pi_to_add():
    call, letter, admin = _invited()
    proposal = services.proposal_create(call=call, actor=letter.applicant)
    url = reverse("grants:proposal_team", args=[proposal.pk])

    page = signed_in(letter.applicant).get(url).content.decode()
    admins_page = signed_in(admin).get(url).content.decode()

    assert "The team in your letter of intent" in page
    assert "<li>Rosa Diaz, community partner, Valley FQHC</li>" in page
    assert "<li>Sam Lee, biostatistician</li>" in page
    assert proposal.team.count() == 0  # named, not added by guesswork
    assert "The team in your letter of intent" not in admins_page  # only for the one who adds
    services.proposal_submit(proposal=complete_full_proposal(proposal), actor=letter.applicant)
    frozen = signed_in(letter.applicant).get(url).content.decode()
    assert "The team in your letter of intent" not in frozen


def test_an_invitation_is_to_its_own_call_only():
    call, letter, admin = _invited()
    other = make_two_stage_call()
    open_full_proposals(start_triage(other, admin), admin)

    with pytest.raises(ValidationError):
        services.proposal_create(call=other, actor=letter.applicant)


# ---- Pages ----------------------------------------------------------------------------------


def test_the_call_page_offers_a_letter_during_the_letters_window_only():
    applicant = make_user()
    open_call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    closed_call = make_two_stage_call()
    client = signed_in(applicant)

    during = client.get(reverse("grants:call_detail", args=[open_call.pk]))
    after = client.get(reverse("grants:call_detail", args=[closed_call.pk]))

    assert b"Send a letter of intent" in during.content
    assert b"Start a proposal" not in during.content
    assert during.context["may_start_proposal"] is False
    assert b"Send a letter of intent" not in after.content
    assert b"full proposals are by invitation only" in after.content


def test_starting_a_letter_on_the_page_opens_its_form_and_a_second_start_opens_the_same():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    client = signed_in(make_user())

    first = client.post(reverse("grants:letter_start", args=[call.pk]))
    second = client.post(reverse("grants:letter_start", args=[call.pk]))

    letter = LetterOfIntent.objects.get(call=call)
    assert (
        first["Location"] == second["Location"] == reverse("grants:letter_edit", args=[letter.pk])
    )


def test_the_letter_form_marks_a_budget_over_the_maximum_and_saves_nothing():
    call = make_two_stage_call(
        letters_due=timezone.now() + timedelta(days=2), max_award=Decimal("25000")
    )
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)

    response = signed_in(applicant).post(
        reverse("grants:letter_edit", args=[letter.pk]),
        {"title": "Changed", "aims_summary": "Aims.", "estimated_budget": "30000"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "estimated_budget": [
            "The estimated budget is over this call's maximum award of $25,000.00."
        ]
    }
    assert b'aria-invalid="true"' in response.content
    letter.refresh_from_db()
    assert letter.title == LETTER["title"]


def test_the_letter_form_refuses_a_two_page_pdf_under_its_field():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)

    response = signed_in(applicant).post(
        reverse("grants:letter_edit", args=[letter.pk]),
        {
            "title": LETTER["title"],
            "document": SimpleUploadedFile("letter.pdf", _two_page_pdf()),
        },
    )

    assert response.context["form"].errors == {
        "document": ["The letter's PDF is one page; this one has 2."]
    }
    letter.refresh_from_db()
    assert not letter.document


def test_the_letter_form_saves_and_attaches_the_pdf_then_sends():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = services.letter_create(call=call, actor=applicant)
    client = signed_in(applicant)

    saved = client.post(
        reverse("grants:letter_edit", args=[letter.pk]),
        {
            "title": "Faith and blood pressure",
            "aims_summary": "Aim 1. Aim 2.",
            "team": "Rosa Diaz, community partner",
            "disparity_populations": ["black"],
            "estimated_budget": "18000",
            "document": SimpleUploadedFile("letter.pdf", pdf_bytes("Letter")),
        },
    )
    sent = client.post(reverse("grants:letter_submit", args=[letter.pk]))
    pdf = client.get(reverse("grants:letter_pdf", args=[letter.pk]))

    assert saved["Location"] == reverse("grants:letter_edit", args=[letter.pk])
    assert sent["Location"] == reverse("grants:letter_detail", args=[letter.pk])
    letter.refresh_from_db()
    assert (letter.status, letter.title, letter.estimated_budget) == (
        LetterStatus.SUBMITTED,
        "Faith and blood pressure",
        Decimal("18000.00"),
    )
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == pdf_bytes("Letter")


def test_sending_an_incomplete_letter_on_the_page_shows_what_blocks_it():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = services.letter_create(call=call, actor=applicant)
    client = signed_in(applicant)

    response = client.post(reverse("grants:letter_submit", args=[letter.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("grants:letter_edit", args=[letter.pk])
    assert [b["field"] for b in response.context["blockers"]] == [
        "title",
        "aims_summary",
        "disparity_populations",
        "estimated_budget",
    ]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_a_letter_is_404_to_everyone_but_its_applicant_and_administrators():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant)
    url = reverse("grants:letter_detail", args=[letter.pk])

    assert signed_in(applicant).get(url).status_code == 200
    assert signed_in(make_admin()).get(url).status_code == 200
    assert signed_in(make_user()).get(url).status_code == 404
    assert (
        signed_in(make_user()).get(reverse("grants:letter_pdf", args=[letter.pk])).status_code
        == 404
    )


def test_the_full_proposal_page_start_is_refused_without_an_invitation():
    admin = make_admin()
    call = make_two_stage_call()
    open_full_proposals(start_triage(call, admin), admin)
    client = signed_in(make_user())

    response = client.post(reverse("grants:proposal_start", args=[call.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("grants:call_detail", args=[call.pk])
    assert [str(m) for m in response.context["messages"]] == [
        "This call takes full proposals only from applicants invited after their letter of intent."
    ]
    assert Proposal.objects.filter(call=call).count() == 0


def test_the_invited_applicant_sees_the_invitation_and_starts_the_full_proposal_from_the_dashboard():
    call, letter, _ = _invited(message="Please say more about recruitment.")
    client = signed_in(letter.applicant)

    dashboard = client.get(reverse("dashboard"))
    detail = client.get(reverse("grants:letter_detail", args=[letter.pk]))
    started = client.post(reverse("grants:proposal_start", args=[call.pk]))

    assert dashboard.context["my_letters"] == [letter]
    assert b"Start your full proposal" in dashboard.content
    assert b"Please say more about recruitment." in detail.content
    assert detail.context["can_start_proposal"] is True
    proposal = Proposal.objects.get(call=call)
    assert started["Location"] == reverse("grants:proposal_edit", args=[proposal.pk])
    assert proposal.title == LETTER["title"]


def test_a_declined_applicant_reads_the_message_and_no_start_button():
    admin = make_admin()
    call = make_two_stage_call()
    letter = make_letter(call=call, applicant=make_user())
    start_triage(call, admin)
    services.letter_triage(letter=letter, actor=admin, outcome="declined", message="Not now.")
    open_full_proposals(call, admin)
    client = signed_in(letter.applicant)

    detail = client.get(reverse("grants:letter_detail", args=[letter.pk]))
    call_page = client.get(reverse("grants:call_detail", args=[call.pk]))

    assert b"Not invited to a full proposal" in detail.content
    assert b"Not now." in detail.content
    assert b"Start your full proposal" not in detail.content
    assert call_page.context["may_start_proposal"] is False


def test_the_applicants_letter_page_names_no_rater():
    admin = make_admin()
    call = make_two_stage_call()
    committee = make_committee(admin=admin, members=1)
    review_services.committee_attach_to_call(committee=committee, call=call, actor=admin)
    letter = make_letter(call=call, applicant=make_user())
    rater = committee.chair
    review_services.letter_rate(letter=letter, actor=rater, rating=1, comment="Secret praise.")

    response = signed_in(letter.applicant).get(reverse("grants:letter_detail", args=[letter.pk]))

    assert rater.display_name.encode() not in response.content
    assert b"Secret praise." not in response.content


# ---- API ------------------------------------------------------------------------------------


def test_api_starts_a_letter_with_its_fields():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()

    response = api_as(applicant).post(
        f"{API}/calls/{call.pk}/letters/",
        {"title": "Church pilots", "estimated_budget": "15000", "disparity_populations": ["rural"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["estimated_budget"], body["status"], body["has_document"]) == (
        "Church pilots",
        "15000.00",
        "draft",
        False,
    )
    assert "ratings" not in body


def test_api_refuses_a_letter_after_the_deadline_and_a_budget_over_the_maximum():
    late_call = make_two_stage_call()
    open_call = make_two_stage_call(
        letters_due=timezone.now() + timedelta(days=2), max_award=Decimal("25000")
    )
    applicant = make_user()
    client = api_as(applicant)

    late = client.post(f"{API}/calls/{late_call.pk}/letters/", {}, format="json")
    over = client.post(
        f"{API}/calls/{open_call.pk}/letters/", {"estimated_budget": "99999"}, format="json"
    )

    assert late.status_code == 400
    assert "the deadline has passed" in late.json()["non_field_errors"][0]
    assert over.status_code == 400
    assert list(over.json()) == ["estimated_budget"]
    assert LetterOfIntent.objects.count() == 0


def test_api_lists_a_calls_letters_in_scope():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    admin, applicant, other = make_admin(), make_user(), make_user()
    sent = make_letter(call=call, applicant=applicant)
    make_letter(call=call, applicant=other, send=False)
    url = f"{API}/calls/{call.pk}/letters/"

    def listed(user):
        return [item["id"] for item in api_as(user).get(url).json()["results"]]

    assert listed(admin) == [sent.pk]  # drafts are the applicants' own business
    assert listed(applicant) == [sent.pk]
    assert listed(make_user()) == []
    assert api_as(make_user()).get(f"{API}/calls/999999/letters/").status_code == 404


def test_api_letter_is_404_to_others_and_frozen_once_sent():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)
    url = f"{API}/letters/{letter.pk}/"

    stranger = api_as(make_user()).get(url)
    edited = api_as(applicant).patch(url, {"title": "Sharper"}, format="json")
    bad = api_as(applicant).patch(url, {"disparity_populations": ["nobody"]}, format="json")
    sent = api_as(applicant).post(f"{url}submit/")
    again = api_as(applicant).post(f"{url}submit/")
    frozen = api_as(applicant).patch(url, {"title": "Later"}, format="json")

    assert stranger.status_code == 404
    assert (edited.status_code, edited.json()["title"]) == (200, "Sharper")
    assert (bad.status_code, list(bad.json())) == (400, ["disparity_populations"])
    assert (sent.status_code, sent.json()["status"]) == (200, "submitted")
    assert again.status_code == 409
    assert frozen.status_code == 403
    assert api_as(make_admin()).get(url).status_code == 200


def test_api_submit_lists_every_blocker_under_its_field():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = services.letter_create(call=call, actor=applicant)

    response = api_as(applicant).post(f"{API}/letters/{letter.pk}/submit/")

    assert response.status_code == 400
    assert sorted(response.json()) == [
        "aims_summary",
        "disparity_populations",
        "estimated_budget",
        "title",
    ]


def test_api_attaches_downloads_and_removes_the_one_page_pdf():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    applicant = make_user()
    letter = make_letter(call=call, applicant=applicant, send=False)
    url = f"{API}/letters/{letter.pk}/document/"
    client = api_as(applicant)

    two = client.post(
        url, {"file": SimpleUploadedFile("l.pdf", _two_page_pdf())}, format="multipart"
    )
    one = client.post(
        url, {"file": SimpleUploadedFile("l.pdf", pdf_bytes("L"))}, format="multipart"
    )
    download = client.get(url, HTTP_ACCEPT="application/pdf")
    removed = client.delete(url)
    gone = client.get(url)

    assert (two.status_code, two.json()) == (
        400,
        {"document": ["The letter's PDF is one page; this one has 2."]},
    )
    assert (one.status_code, one.json()["has_document"]) == (200, True)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes("L")
    assert (removed.status_code, removed.json()["has_document"]) == (200, False)
    assert gone.status_code == 404


def test_api_full_proposal_without_an_invitation_is_refused():
    admin = make_admin()
    call = make_two_stage_call()
    open_full_proposals(start_triage(call, admin), admin)

    response = api_as(make_user()).post(f"{API}/proposals/", {"call": call.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "This call takes full proposals only from applicants invited after their letter "
            "of intent."
        ]
    }


def test_api_invited_applicant_starts_the_full_proposal_from_the_letter():
    call, letter, _ = _invited()

    response = api_as(letter.applicant).post(f"{API}/proposals/", {"call": call.pk}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["specific_aims"], body["requested_amount"]) == (
        LETTER["title"],
        LETTER["aims_summary"],
        "20000.00",
    )
    letter.refresh_from_db()
    assert letter.proposal_id == body["id"]


def test_history_of_a_letter_reads_in_words():
    call = make_two_stage_call(letters_due=timezone.now() + timedelta(days=2))
    letter = make_letter(call=call, applicant=make_user())

    labels = [
        (change.from_label, change.to_label)
        for change in StateChange.objects.filter(object_id=letter.pk).order_by("pk")
        if change.content_type.model == "letterofintent"
    ]

    assert labels == [("", "Draft"), ("Draft", "Submitted")]
