"""Random sequences of real service calls on the two competition shapes of issue #19 — a
two-stage call (letters of intent, triage, invited full proposals) and a limited submission
(the sponsor takes two nominees) — with the rules of docs/invariants.md checked after every
step (hypothesis' stateful testing, as tests/workflow/test_lifecycle_machine.py does for the
ordinary call). Whoever tries an action, whenever: a refusal is a fine outcome, a broken rule
is not.

A longer run:

    NORTHSTAR_STATEFUL_EXAMPLES=300 NORTHSTAR_STATEFUL_STEPS=60 \\
        .venv/bin/pytest tests/workflow/test_competition_machine.py -p no:cacheprovider
"""

from collections import Counter

import pytest
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from accounts.choices import ApplicantType
from grants import services as grant_services
from grants.choices import CallStatus, DecisionOutcome, LetterStatus, ProposalStatus
from grants.models import Award, Decision, FundingCall, LetterOfIntent, Proposal
from reviews import services as review_services
from reviews.conflicts import is_conflicted
from reviews.models import LetterRating
from tests.factories import make_admin, make_committee, make_user
from tests.grants.test_limited_submissions import limited_call
from tests.support.letters import LETTER, in_window, make_two_stage_call
from tests.workflow.stateful import REACHED, InSavepoint, attempt, stateful_settings

pytestmark = pytest.mark.django_db

EXAMPLES = 25


# ---- A two-stage call --------------------------------------------------------------------------

# member2 sits on the committee and also writes a letter: never theirs to rate or decide.
APPLICANTS = ("ana", "ben", "cai", "member2")
MEMBERS = ("chair", "member0", "member1", "member2")
ANYONE = (*APPLICANTS, "chair", "member0", "member1", "admin")
BY_ADMIN_MOSTLY = st.sampled_from(("admin",) * 8 + ANYONE)
BY_OWNER_MOSTLY = st.sampled_from(("owner",) * 8 + ANYONE)


class TwoStageCall(InSavepoint):
    def __init__(self):
        super().__init__()
        self.admin = make_admin()
        self.users = {"admin": self.admin}
        for name in ("ana", "ben", "cai"):
            self.users[name] = make_user(applicant_type=ApplicantType.ASSISTANT_PROFESSOR)
        committee = make_committee(admin=self.admin, members=3)
        self.users["chair"] = committee.chair
        members = [m for m in committee.members.order_by("pk") if m.pk != committee.chair_id]
        for index, member in enumerate(members):
            self.users[f"member{index}"] = member
        # Letters were due an hour ago: sending "in time" is done at a moment in the window.
        self.call = make_two_stage_call()
        review_services.committee_attach_to_call(
            committee=committee, call=self.call, actor=self.admin
        )
        # Two letters sent to start from, so that sequences reach the triage and beyond.
        self.write_and_send_a_letter("ana", late=False)
        self.write_and_send_a_letter("member2", late=False)

    def user(self, name: str, owner=None):
        return owner if name == "owner" else self.users[name]

    def letter_of(self, who: str) -> LetterOfIntent | None:
        return LetterOfIntent.objects.filter(call=self.call, applicant=self.users[who]).first()

    def fresh_call(self) -> FundingCall:
        return FundingCall.objects.get(pk=self.call.pk)

    # ---- applicants ----------------------------------------------------------------------------

    @rule(who=st.sampled_from(APPLICANTS), late=st.booleans())
    def write_and_send_a_letter(self, who, late):
        applicant = self.users[who]
        moment = timezone.now() if late else in_window(self.call)

        def write():
            letter = self.letter_of(who) or grant_services.letter_create(
                call=self.fresh_call(), actor=applicant, now=moment
            )
            if letter.status == LetterStatus.DRAFT:
                grant_services.letter_update(letter=letter, actor=applicant, data=LETTER)
            grant_services.letter_submit(letter=letter, actor=applicant, now=moment)

        attempt(write, "letter sent late" if late else "letter sent")

    @rule(who=st.sampled_from(APPLICANTS), actor=BY_OWNER_MOSTLY)
    def start_the_full_proposal(self, who, actor):
        owner = self.users[who]
        attempt(
            lambda: grant_services.proposal_create(
                call=self.fresh_call(), actor=self.user(actor, owner)
            ),
            "full proposal started",
        )

    @rule(who=st.sampled_from(APPLICANTS))
    def withdraw_the_full_proposal(self, who):
        proposal = Proposal.objects.filter(call=self.call, pi=self.users[who]).first()
        if proposal is not None:
            attempt(lambda: grant_services.proposal_withdraw(proposal=proposal, actor=proposal.pi))

    # ---- the committee and the office ----------------------------------------------------------

    @rule(
        member=st.sampled_from(MEMBERS), who=st.sampled_from(APPLICANTS), rating=st.integers(1, 5)
    )
    def rate_a_letter(self, member, who, rating):
        letter = self.letter_of(who)
        if letter is not None:
            attempt(
                lambda: review_services.letter_rate(
                    letter=letter, actor=self.users[member], rating=rating
                ),
                "letter rated",
            )

    @rule(member=st.sampled_from(MEMBERS), who=st.sampled_from(APPLICANTS))
    def declare_a_conflict_with_a_letter(self, member, who):
        letter = self.letter_of(who)
        if letter is not None:
            attempt(
                lambda: review_services.letter_conflict_declare(
                    letter=letter, actor=self.users[member], reason="collaborator"
                ),
                "letter conflict",
            )

    @rule(actor=BY_ADMIN_MOSTLY)
    def start_the_triage(self, actor):
        attempt(
            lambda: grant_services.call_transition(
                call=self.fresh_call(), to=CallStatus.LETTERS_TRIAGE, actor=self.users[actor]
            ),
            "triage",
        )

    @rule(
        who=st.sampled_from(APPLICANTS),
        invite=st.sampled_from((True, True, False)),
        actor=BY_ADMIN_MOSTLY,
    )
    def decide_a_letter(self, who, invite, actor):
        letter = self.letter_of(who)
        if letter is not None:
            attempt(
                lambda: review_services.letter_decide(
                    letter=letter,
                    actor=self.users[actor],
                    outcome="invited" if invite else "declined",
                    message="" if invite else "Not this year.",
                ),
                "invited" if invite else "declined",
            )

    @rule(invite_first=st.booleans())
    def the_office_moves_the_call_on(self, invite_first):
        """The office working in one sitting: into the triage; or, in it, deciding every
        waiting letter (inviting every other) and opening the call for full proposals, which
        the invited then start."""
        call = self.fresh_call()
        if call.status != CallStatus.LETTERS_TRIAGE:
            self.start_the_triage("admin")
            return
        waiting = LetterOfIntent.objects.filter(call=self.call, status=LetterStatus.SUBMITTED)
        for index, letter in enumerate(waiting.order_by("pk")):
            invite = (index % 2 == 0) == invite_first
            attempt(
                lambda letter=letter, invite=invite: review_services.letter_decide(
                    letter=letter,
                    actor=self.admin,
                    outcome="invited" if invite else "declined",
                    message="" if invite else "Not this year.",
                ),
                "invited" if invite else "declined",
            )
        self.open_for_full_proposals("admin")
        # ... and the invited, told by e-mail, start their full proposals.
        for letter in LetterOfIntent.objects.filter(call=self.call, status=LetterStatus.INVITED):
            attempt(
                lambda letter=letter: grant_services.proposal_create(
                    call=self.fresh_call(), actor=letter.applicant
                ),
                "full proposal started",
            )

    @rule(actor=BY_ADMIN_MOSTLY)
    def open_for_full_proposals(self, actor):
        attempt(
            lambda: grant_services.call_transition(
                call=self.fresh_call(), to=CallStatus.OPEN, actor=self.users[actor]
            ),
            "open for full proposals",
        )

    # ---- the rules -----------------------------------------------------------------------------

    @invariant()
    def a_full_proposal_follows_an_invitation(self):
        for proposal in Proposal.objects.filter(call=self.call).select_related("letter"):
            letter = getattr(proposal, "letter", None)
            assert letter is not None, "a full proposal without a letter"
            assert letter.applicant_id == proposal.pi_id
            assert letter.status == LetterStatus.INVITED
        per_applicant = Counter(
            Proposal.objects.filter(call=self.call).values_list("pi_id", flat=True)
        )
        assert all(n == 1 for n in per_applicant.values()), "two full proposals from one letter"

    @invariant()
    def letters_are_sent_in_time_and_decided_by_a_clean_administrator(self):
        call = self.fresh_call()
        for letter in LetterOfIntent.objects.filter(call=self.call):
            if letter.submitted_at is not None:
                assert letter.submitted_at <= call.letters_close_at
            if letter.status in (LetterStatus.INVITED, LetterStatus.DECLINED):
                assert letter.decided_by_id == self.admin.pk
                assert letter.decided_at is not None
                assert letter.status == LetterStatus.INVITED or letter.triage_message
            else:
                assert letter.decided_by_id is None and letter.proposal_id is None

    @invariant()
    def the_call_opens_for_full_proposals_only_once_every_letter_is_decided(self):
        call = self.fresh_call()
        decided = LetterOfIntent.objects.filter(
            call=self.call, status__in=[LetterStatus.INVITED, LetterStatus.DECLINED]
        )
        if call.status != CallStatus.LETTERS_TRIAGE and decided.exists():
            assert call.status == CallStatus.OPEN
            assert not LetterOfIntent.objects.filter(
                call=self.call, status=LetterStatus.SUBMITTED
            ).exists()

    @invariant()
    def letters_are_rated_in_confidence(self):
        for rating in LetterRating.objects.filter(letter__call=self.call).select_related("letter"):
            assert rating.member_id != rating.letter.applicant_id, "rated one's own letter"
            assert rating.letter.status != LetterStatus.DRAFT

    @invariant()
    def a_conflict_follows_the_letter_into_its_full_proposal(self):
        conflicts = LetterRating.objects.filter(
            letter__call=self.call, letter__proposal__isnull=False
        ).exclude(conflict="")
        for rating in conflicts.select_related("letter__proposal", "member"):
            assert is_conflicted(rating.member, rating.letter.proposal)


def test_a_two_stage_call_holds_its_rules_under_any_sequence():
    REACHED.clear()
    run_state_machine_as_test(TwoStageCall, settings=stateful_settings(examples=EXAMPLES))
    print(f"stages reached: {dict(REACHED)}")
    assert {
        "letter sent",
        "letter conflict",
        "triage",
        "invited",
        "declined",
        "open for full proposals",
        "full proposal started",
    } <= set(REACHED)


# ---- A limited submission ----------------------------------------------------------------------

OUTCOMES = st.sampled_from(
    (
        DecisionOutcome.NOMINATED,
        DecisionOutcome.NOMINATED,
        DecisionOutcome.NOT_NOMINATED,
        DecisionOutcome.WAITLISTED,
        DecisionOutcome.FUNDED,  # never on such a call
    )
)
CANDIDATES = st.integers(0, 3)
BY_ADMIN_MOSTLY_FLAG = st.sampled_from((True, True, True, False))


class LimitedSubmission(InSavepoint):
    """Four proposals in review; the sponsor takes two."""

    def __init__(self):
        super().__init__()
        self.call, self.proposals, self.admin = limited_call(4, allowed=2)
        self.outsider = make_user()
        # Released outcomes as first released, by proposal id: they never change, except a
        # nomination the nominee stepped down from.
        self.released: dict[int, str] = {}

    def actor(self, admin: bool):
        return self.admin if admin else self.outsider

    def remember_released(self):
        for decision in Decision.objects.filter(call=self.call, released_at__isnull=False):
            # A released waitlisted proposal may still be decided (and released at once).
            if self.released.get(decision.proposal_id) in (None, DecisionOutcome.WAITLISTED):
                self.released[decision.proposal_id] = decision.outcome

    @rule(index=CANDIDATES, outcome=OUTCOMES, by_admin=BY_ADMIN_MOSTLY_FLAG)
    def decide(self, index, outcome, by_admin):
        proposal = Proposal.objects.get(pk=self.proposals[index].pk)
        attempt(
            lambda: grant_services.decision_record(
                proposal=proposal, actor=self.actor(by_admin), outcome=outcome
            ),
            f"decided {outcome}",
        )
        self.remember_released()

    @rule(by_admin=BY_ADMIN_MOSTLY_FLAG)
    def release(self, by_admin):
        attempt(
            lambda: grant_services.decisions_release(
                call=FundingCall.objects.get(pk=self.call.pk), actor=self.actor(by_admin)
            ),
            "released",
        )
        self.remember_released()

    @rule(index=CANDIDATES)
    def step_down(self, index):
        proposal = Proposal.objects.get(pk=self.proposals[index].pk)
        if attempt(
            lambda: grant_services.proposal_withdraw(proposal=proposal, actor=proposal.pi),
            "withdrew",
        ):
            self.released.pop(proposal.pk, None)

    @invariant()
    def no_more_nominees_than_the_sponsor_accepts(self):
        nominated = Decision.objects.filter(call=self.call, outcome=DecisionOutcome.NOMINATED)
        assert nominated.count() <= self.call.nominations_allowed

    @invariant()
    def a_limited_submission_funds_nothing(self):
        assert not Award.objects.filter(proposal__call=self.call).exists()
        assert not Decision.objects.filter(call=self.call, outcome=DecisionOutcome.FUNDED).exists()

    @invariant()
    def released_outcomes_stand(self):
        now = dict(
            Decision.objects.filter(call=self.call, released_at__isnull=False).values_list(
                "proposal_id", "outcome"
            )
        )
        for proposal_id, outcome in self.released.items():
            if outcome != DecisionOutcome.WAITLISTED:  # a waitlisted one may be decided later
                assert now.get(proposal_id) == outcome

    @invariant()
    def a_proposal_says_what_its_released_decision_says(self):
        released = dict(
            Decision.objects.filter(call=self.call, released_at__isnull=False).values_list(
                "proposal_id", "outcome"
            )
        )
        for proposal in Proposal.objects.filter(call=self.call):
            if proposal.status == ProposalStatus.NOMINATED:
                assert released.get(proposal.pk) == DecisionOutcome.NOMINATED
            if released.get(proposal.pk) == DecisionOutcome.NOMINATED:
                assert proposal.status == ProposalStatus.NOMINATED


def test_a_limited_submission_holds_its_rules_under_any_sequence():
    REACHED.clear()
    run_state_machine_as_test(LimitedSubmission, settings=stateful_settings(examples=EXAMPLES))
    print(f"stages reached: {dict(REACHED)}")
    assert {"decided nominated", "released", "withdrew"} <= set(REACHED)
