"""The demo's two-stage calls (demo.toml, "Two-stage calls"; demo/letters.py): a call in letters
triage with letters in every state, rated by the committee, and a call open to the invited with
a full proposal started from its letter — and what the README's demo table says to try on them,
through the pages."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.content import load_demo
from grants.choices import CallStatus, LetterStatus, ProposalStatus
from grants.models import FundingCall, LetterOfIntent, Proposal
from reviews.choices import LetterScore
from reviews.models import LetterRating
from tests.demo.conftest import seed
from tests.support.clients import signed_in

DEMO = load_demo()
TRIAGE, INVITED = DEMO.calls["triage"], DEMO.calls["invited"]
NOT_INVITED = (
    "This call takes full proposals only from applicants invited after their letter of intent."
)


def test_demo_data_letters_name_people_and_states_it_defines():
    people = DEMO.people_by_username
    committee = {DEMO.committee["chair"], *DEMO.committee["members"]}
    for spec in DEMO.two_stage_calls():
        assert spec.fields["letter_of_intent"] is True
        assert len({letter.applicant for letter in spec.letters}) == len(spec.letters)
        for letter in spec.letters:
            assert letter.applicant in people, letter.applicant
            assert letter.applicant not in committee, letter.applicant
            assert letter.state in {"submitted", "invited", "declined"}, letter.state
            # The office's message goes with a decision; a decline always has one.
            assert bool(letter.message) == (letter.state != "submitted"), letter.applicant
            assert not letter.started or letter.state == "invited", letter.applicant
            assert letter.estimated_budget <= spec.fields["max_award"]
            for rating in letter.ratings:
                assert rating.member in committee
                assert rating.rating in LetterScore.values
            assert {m for m, _ in letter.conflicts} <= committee
    # A full proposal is started only once the call is open for them (every letter decided).
    assert not any(letter.started for letter in TRIAGE.letters)
    assert "full_proposals_open" in INVITED.times
    assert {letter.state for letter in INVITED.letters} <= {"invited", "declined"}


def letters_of(spec) -> dict[str, LetterOfIntent]:
    call = FundingCall.objects.get(title=spec.title)
    return {
        letter.applicant.username: letter
        for letter in call.letters.select_related("applicant", "decided_by", "proposal")
    }


@pytest.mark.django_db
class TestTwoStageDemo:
    def test_the_triage_call_holds_letters_in_each_state_after_its_deadline(self, demo):
        call = FundingCall.objects.get(title=TRIAGE.title)
        letters = letters_of(TRIAGE)

        assert (call.letter_of_intent, call.status) == (True, CallStatus.LETTERS_TRIAGE)
        assert call.opens_at < call.letters_close_at < timezone.now() < call.closes_at
        assert Counter(letter.status for letter in letters.values()) == {
            LetterStatus.SUBMITTED: 4,
            LetterStatus.INVITED: 2,
            LetterStatus.DECLINED: 1,
        }
        for spec in TRIAGE.letters:
            letter = letters[spec.applicant]
            assert (letter.title, letter.status) == (spec.title, spec.state)
            assert letter.aims_summary == spec.aims_summary
            assert set(letter.disparity_populations) == set(spec.populations)
            assert letter.estimated_budget == spec.estimated_budget
            assert call.opens_at < letter.created_at < letter.submitted_at < call.letters_close_at
            assert letter.triage_message == spec.message
            if spec.state == "submitted":
                assert (letter.decided_by, letter.decided_at) == (None, None)
            else:
                assert letter.decided_by.username == "admin"
                assert call.letters_close_at < letter.decided_at < timezone.now()
            assert letter.proposal is None
        assert call.proposals.count() == 0

    def test_the_triage_calls_letters_carry_the_committees_ratings_and_one_pdf(self, demo):
        letters = letters_of(TRIAGE)

        for spec in TRIAGE.letters:
            letter = letters[spec.applicant]
            given = set(
                LetterRating.objects.filter(letter=letter).values_list(
                    "member__username", "rating", "comment", "conflict"
                )
            )
            assert given == {(r.member, r.rating, r.comment, "") for r in spec.ratings} | {
                (member, None, "", reason) for member, reason in spec.conflicts
            }
            for rating in LetterRating.objects.filter(letter=letter):
                # Rated after the letters' deadline, before the office decided.
                assert letter.submitted_at < rating.created_at
                assert letter.decided_at is None or rating.created_at < letter.decided_at
        # Attached through letter_document_set, which takes only a one-page PDF.
        with_pdf = [letter for letter in letters.values() if letter.document]
        assert [letter.applicant.username for letter in with_pdf] == ["faculty6"]
        assert with_pdf[0].document_name == "letter-of-intent.pdf"
        assert with_pdf[0].document_size > 1000

    def test_the_invited_call_is_open_with_a_draft_started_from_its_letter(self, demo):
        call = FundingCall.objects.get(title=INVITED.title)
        letters = letters_of(INVITED)
        letter = letters["faculty3"]
        proposal = letter.proposal

        assert (call.status, call.is_accepting()) == (CallStatus.OPEN, True)
        assert call.letters_close_at < timezone.now()
        assert {name: item.status for name, item in letters.items()} == {
            "faculty3": LetterStatus.INVITED,
            "faculty7": LetterStatus.INVITED,
            "student1": LetterStatus.DECLINED,
        }
        assert (proposal.status, proposal.pi.username) == (ProposalStatus.DRAFT, "faculty3")
        assert (
            proposal.title,
            proposal.specific_aims,
            proposal.disparity_populations,
            proposal.requested_amount,
        ) == (
            letter.title,
            letter.aims_summary,
            letter.disparity_populations,
            letter.estimated_budget,
        )
        assert proposal.nimhd_cells != []
        assert letter.decided_at < proposal.created_at < timezone.now()
        assert list(call.proposals.all()) == [proposal]

    def test_a_declined_applicant_is_refused_a_full_proposal_and_told_why(self, demo):
        call = FundingCall.objects.get(title=INVITED.title)
        client = signed_in(User.objects.get(username="student1"))

        page = client.get(reverse("grants:call_detail", args=[call.pk]))
        response = client.post(reverse("grants:proposal_start", args=[call.pk]))

        assert page.status_code == 200
        assert reverse("grants:proposal_start", args=[call.pk]) not in page.content.decode()
        assert "Not invited" in page.content.decode()
        assert response.status_code == 302
        assert response.url == reverse("grants:call_detail", args=[call.pk])
        assert [str(m) for m in get_messages(response.wsgi_request)] == [NOT_INVITED]
        assert call.proposals.filter(pi__username="student1").exists() is False

    def test_an_applicant_without_a_letter_is_refused_a_full_proposal(self, demo):
        call = FundingCall.objects.get(title=INVITED.title)
        client = signed_in(User.objects.get(username="faculty1"))

        response = client.post(reverse("grants:proposal_start", args=[call.pk]))

        assert [str(m) for m in get_messages(response.wsgi_request)] == [NOT_INVITED]
        assert call.proposals.filter(pi__username="faculty1").exists() is False

    def test_the_invited_applicant_starts_the_full_proposal_from_the_call_page(self, demo):
        call = FundingCall.objects.get(title=INVITED.title)
        client = signed_in(User.objects.get(username="faculty7"))
        page = client.get(reverse("grants:call_detail", args=[call.pk]))

        response = client.post(reverse("grants:proposal_start", args=[call.pk]))

        proposal = Proposal.objects.get(call=call, pi__username="faculty7")
        assert reverse("grants:proposal_start", args=[call.pk]) in page.content.decode()
        assert response.url == reverse("grants:proposal_edit", args=[proposal.pk])
        assert (proposal.title, proposal.requested_amount) == (
            letters_of(INVITED)["faculty7"].title,
            letters_of(INVITED)["faculty7"].estimated_budget,
        )

    def test_the_program_officer_triages_a_waiting_letter_on_the_letters_page(self, demo):
        call = FundingCall.objects.get(title=TRIAGE.title)
        letter = letters_of(TRIAGE)["postdoc1"]
        client = signed_in(User.objects.get(username="admin"))

        page = client.get(reverse("reviews:letters", args=[call.pk]))
        response = client.post(
            reverse("reviews:letter_triage", args=[letter.pk]),
            {"triage-outcome": "invited", "triage-message": "Please write it."},
        )

        assert page.status_code == 200
        for spec in TRIAGE.letters:
            assert spec.title.replace("'", "&#x27;") in page.content.decode()
        assert response.url == reverse("reviews:letters", args=[call.pk])
        letter.refresh_from_db()
        assert (letter.status, letter.triage_message) == (LetterStatus.INVITED, "Please write it.")

    def test_a_committee_member_rates_a_waiting_letter_but_not_one_they_are_conflicted_on(
        self, demo
    ):
        letters = letters_of(TRIAGE)
        client = signed_in(User.objects.get(username="reviewer2"))

        rated = client.post(
            reverse("reviews:letter", args=[letters["mentor1"].pk]),
            {"rate-rating": "2", "rate-comment": "A strong partner."},
        )
        conflicted = client.get(reverse("reviews:letter", args=[letters["faculty5"].pk]))

        rating = LetterRating.objects.get(letter=letters["mentor1"], member__username="reviewer2")
        assert rated.status_code == 302
        assert (rating.rating, rating.comment) == (2, "A strong partner.")
        # Conflicted (declared in the demo): the title only, no rating form, no aims.
        assert conflicted.status_code == 200
        assert 'name="rate-rating"' not in conflicted.content.decode()
        assert letters["faculty5"].aims_summary[:40] not in conflicted.content.decode()

    def test_a_later_run_moves_a_passed_full_proposal_deadline_ahead(self, demo):
        call = FundingCall.objects.get(title=INVITED.title)
        FundingCall.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(hours=1))

        output = seed()

        call.refresh_from_db()
        assert call.is_accepting() is True
        assert f"The full proposals' deadline of “{INVITED.title}” had passed" in output
