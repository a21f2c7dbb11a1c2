"""Random sequences of real service calls by random actors across one small call, with every
invariant of docs/invariants.md checked after every step (hypothesis' stateful testing).

The world: an open call with a committee (a chair and three members), an administrator, a
faculty applicant, a trainee applicant with a faculty mentor, and a PhD student. Actions start
proposals, edit their parts, submit, withdraw, move the call into review, assign, declare
conflicts, write, submit and reopen reviews, move the review's phases, triage, vote, finalize,
decide and release — whoever tries them. A refusal is a fine outcome; a broken invariant is not.

`make test` runs a bounded number of examples. A longer run:

    NORTHSTAR_STATEFUL_EXAMPLES=300 NORTHSTAR_STATEFUL_STEPS=60 \\
        .venv/bin/pytest tests/workflow/test_lifecycle_machine.py -p no:cacheprovider
"""

from decimal import Decimal

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from accounts.choices import ApplicantType
from accounts.permissions import can
from grants import services as grant_services
from grants.choices import (
    BudgetCategory,
    CallStatus,
    DecisionOutcome,
    ProposalStatus,
    TeamRole,
)
from grants.models import Award, Decision, FundingCall, Proposal
from grants.selectors import call_committed_amount, proposal_blockers
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.choices import PHASE_TRANSITIONS, READ_PHASES, PanelDisposition, ReviewPhase
from reviews.models import Assignment, CallReview, ConflictOfInterest, Review
from tests.factories import (
    complete_review_data,
    make_admin,
    make_call,
    make_committee,
    make_proposal,
    make_user,
)
from tests.workflow.stateful import REACHED, InSavepoint, attempt, stateful_settings

pytestmark = pytest.mark.django_db

APPLICANTS = ("faculty", "trainee", "phd")
COMMITTEE = ("chair", "member0", "member1", "member2")
ACTORS = (*APPLICANTS, "mentor", *COMMITTEE, "admin")
# Mostly the one whose action it is (so sequences get somewhere), sometimes anyone at all.
BY_OWNER_MOSTLY = st.sampled_from(("owner", "owner", "owner", *ACTORS))
BY_ADMIN_MOSTLY = st.sampled_from(("admin", "admin", "chair", "member0", "faculty"))


class CallLifecycle(InSavepoint):
    def __init__(self):
        super().__init__()
        self.admin = make_admin()
        self.users = {
            "admin": self.admin,
            "faculty": make_user(applicant_type=ApplicantType.ASSISTANT_PROFESSOR),
            "trainee": make_user(applicant_type=ApplicantType.MEDICAL_STUDENT),
            "phd": make_user(applicant_type=ApplicantType.PHD_STUDENT),
            "mentor": make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR),
        }
        committee = make_committee(admin=self.admin, members=3)
        self.users["chair"] = committee.chair
        members = [m for m in committee.members.order_by("pk") if m.pk != committee.chair_id]
        for index, member in enumerate(members):
            self.users[f"member{index}"] = member
        self.call = make_call(
            one_per_applicant=True, total_budget=Decimal("30000"), max_award=Decimal("20000")
        )
        review_services.committee_attach_to_call(
            committee=committee, call=self.call, actor=self.admin, reviewers_per_proposal=2
        )
        # Two complete drafts to start from (the trainee's names a mentor, not yet endorsing).
        self.start_a_complete_proposal("faculty")
        self.start_a_complete_proposal("trainee")
        self.name_a_mentor("trainee", "mentor")
        # Results as the applicant first read them, by proposal id: they must never change.
        self.released_summaries: dict[int, object] = {}
        # A submitted proposal's parts, by proposal id, as they were when it was submitted.
        self.frozen_parts: dict[int, tuple] = {}

    # ---- helpers ---------------------------------------------------------------------------

    def actor(self, name: str, proposal: Proposal | None = None):
        if name == "owner" and proposal is not None:
            return proposal.pi
        return self.users.get(name, self.admin)

    def proposal_of(self, who: str) -> Proposal | None:
        return (
            Proposal.objects.filter(call=self.call, pi=self.users[who])
            .exclude(status=ProposalStatus.WITHDRAWN)
            .first()
        )

    def fresh_call(self) -> FundingCall:
        return FundingCall.objects.get(pk=self.call.pk)

    def phase(self) -> str:
        return CallReview.objects.get(call=self.call).phase

    @staticmethod
    def parts(proposal: Proposal) -> tuple:
        return (
            sorted(proposal.budget_lines.values_list("description", "amount")),
            sorted(proposal.attachments.values_list("kind", "sha256")),
            sorted(proposal.team.values_list("user_id", "full_name", "role")),
            proposal.title,
            proposal.requested_amount,
        )

    # ---- applicants --------------------------------------------------------------------------

    @rule(who=st.sampled_from(APPLICANTS))
    def start_a_complete_proposal(self, who):
        attempt(lambda: make_proposal(call=self.call, pi=self.users[who]))

    @rule(
        who=st.sampled_from(APPLICANTS),
        actor=BY_OWNER_MOSTLY,
        amount=st.sampled_from(["5000", "90000"]),
    )
    def add_a_budget_line(self, who, actor, amount):
        proposal = self.proposal_of(who)
        if proposal is None:
            return
        attempt(
            lambda: grant_services.budget_line_save(
                proposal=proposal,
                actor=self.actor(actor, proposal),
                category=BudgetCategory.SUPPLIES,
                description="Supplies",
                amount=Decimal(amount),
            )
        )

    @rule(who=st.sampled_from(APPLICANTS), actor=BY_OWNER_MOSTLY)
    def remove_the_biosketch(self, who, actor):
        proposal = self.proposal_of(who)
        attachment = proposal and proposal.attachments.first()
        if attachment:
            attempt(
                lambda: grant_services.attachment_remove(
                    attachment=attachment, actor=self.actor(actor, proposal)
                )
            )

    @rule(who=st.sampled_from(APPLICANTS), mentor=st.sampled_from(["mentor", "phd", "faculty"]))
    def name_a_mentor(self, who, mentor):
        proposal = self.proposal_of(who)
        if proposal is None or who == mentor:
            return
        attempt(
            lambda: grant_services.team_member_add(
                proposal=proposal,
                actor=proposal.pi,
                role=TeamRole.MENTOR,
                user=self.users[mentor],
            )
        )

    @rule(who=st.sampled_from(APPLICANTS))
    def remove_the_mentor(self, who):
        proposal = self.proposal_of(who)
        member = proposal and proposal.team.filter(role=TeamRole.MENTOR).first()
        if member:
            attempt(lambda: grant_services.team_member_remove(member=member, actor=proposal.pi))

    @rule(who=st.sampled_from(APPLICANTS), endorse=st.booleans())
    def ask_and_answer_the_endorsement(self, who, endorse):
        proposal = self.proposal_of(who)
        if proposal is None:
            return

        def endorsement():
            request = grant_services.endorsement_request(proposal=proposal, actor=proposal.pi)
            grant_services.endorsement_respond(
                endorsement=request,
                actor=request.mentor,
                endorse=endorse,
                statement="My statement.",
            )

        attempt(endorsement)

    @rule(who=st.sampled_from(APPLICANTS), actor=BY_OWNER_MOSTLY)
    def submit(self, who, actor):
        proposal = self.proposal_of(who)
        if proposal is None:
            return
        if attempt(
            lambda: grant_services.proposal_submit(
                proposal=proposal, actor=self.actor(actor, proposal)
            ),
            "submitted",
        ):
            self.frozen_parts[proposal.pk] = self.parts(proposal)

    @rule(who=st.sampled_from(APPLICANTS), actor=BY_OWNER_MOSTLY)
    def withdraw(self, who, actor):
        proposal = self.proposal_of(who)
        if proposal is not None:
            attempt(
                lambda: grant_services.proposal_withdraw(
                    proposal=proposal, actor=self.actor(actor, proposal)
                ),
                f"withdrawn ({proposal.status})",
            )

    # ---- the committee -----------------------------------------------------------------------

    @rule(actor=BY_ADMIN_MOSTLY)
    def begin_review(self, actor):
        attempt(
            lambda: grant_services.call_begin_review(call=self.call, actor=self.users[actor]),
            "review begun",
        )

    @rule(who=st.sampled_from(APPLICANTS), reviewer=st.sampled_from(COMMITTEE))
    def assign(self, who, reviewer):
        proposal = self.proposal_of(who)
        if proposal is not None:
            attempt(
                lambda: review_services.assignment_create(
                    proposal=proposal, reviewer=self.users[reviewer], actor=self.users["chair"]
                )
            )

    @rule(who=st.sampled_from(APPLICANTS), reviewer=st.sampled_from(COMMITTEE))
    def declare_a_conflict(self, who, reviewer):
        proposal = self.proposal_of(who)
        if proposal is not None:
            attempt(
                lambda: review_services.conflict_declare(
                    proposal=proposal,
                    reviewer=self.users[reviewer],
                    actor=self.users[reviewer],
                    reason="collaborator",
                )
            )

    @rule(
        who=st.sampled_from(APPLICANTS),
        reviewer=st.sampled_from(COMMITTEE),
        impact=st.integers(1, 9),
        submit=st.booleans(),
    )
    def write_a_review(self, who, reviewer, impact, submit):
        proposal = self.proposal_of(who)
        assignment = (
            proposal
            and Assignment.objects.filter(proposal=proposal, reviewer=self.users[reviewer]).first()
        )
        if not assignment:
            return
        user = self.users[reviewer]

        def write():
            review_services.conflict_certify_none(assignment=assignment, actor=user)
            review_services.review_save_draft(
                assignment=assignment,
                actor=user,
                data=complete_review_data(self.call, impact=impact),
            )
            if submit:
                review_services.review_submit(assignment=assignment, actor=user)

        attempt(write)

    @rule(who=st.sampled_from(APPLICANTS))
    def reopen_a_review(self, who):
        proposal = self.proposal_of(who)
        review = proposal and Review.objects.filter(assignment__proposal=proposal).first()
        if review:
            attempt(
                lambda: review_services.review_reopen(
                    review=review, actor=self.users["chair"], reason="Please revisit."
                )
            )

    @rule(forward=st.booleans(), actor=st.sampled_from(("admin", "chair", "member0")))
    def move_the_phase(self, forward, actor):
        order = list(ReviewPhase.values)
        current = self.phase()
        allowed = PHASE_TRANSITIONS[current]
        step = order.index(current) + (1 if forward else -1)
        if 0 <= step < len(order) and order[step] in allowed:
            attempt(
                lambda: review_services.review_phase_transition(
                    call=self.call, to=order[step], actor=self.users[actor]
                )
            )

    @rule(
        outcome=st.sampled_from(DecisionOutcome.values),
        impact=st.integers(1, 9),
        changes_mind=st.integers(0, 5),
    )
    def advance_the_round(self, outcome, impact, changes_mind=1):
        """The next step of an orderly round, by the person whose step it is — so that random
        sequences reach review, decisions and release, with the other rules' disorder mixed
        in between. Now and then (``changes_mind`` 0) a PI whose decision is recorded but not
        yet released withdraws instead."""
        pending = Decision.objects.filter(call=self.call, released_at=None).first()
        if changes_mind == 0 and pending is not None:
            # The most awkward moment: a decision recorded but not yet released.
            who = next(k for k in APPLICANTS if self.users[k].pk == pending.proposal.pi_id)
            self.withdraw(who, "owner")
            return
        call = self.fresh_call()
        phase = self.phase()
        in_review = list(Proposal.objects.filter(call=call, status=ProposalStatus.IN_REVIEW))
        drafts = list(Proposal.objects.filter(call=call, status=ProposalStatus.DRAFT))
        if call.status == CallStatus.OPEN and drafts:
            submitted_now = False
            for proposal in drafts:
                if attempt(
                    lambda proposal=proposal: grant_services.proposal_submit(
                        proposal=proposal, actor=proposal.pi
                    ),
                    "submitted",
                ):
                    self.frozen_parts[proposal.pk] = self.parts(proposal)
                    submitted_now = True
            if submitted_now:
                return
        if call.status in (CallStatus.OPEN, CallStatus.CLOSED):
            self.begin_review("admin")
        elif phase == ReviewPhase.ASSIGNMENT:
            for proposal in in_review:
                for name in ("member0", "member1"):
                    attempt(
                        lambda proposal=proposal, name=name: review_services.assignment_create(
                            proposal=proposal, reviewer=self.users[name], actor=self.admin
                        )
                    )
            self.move_the_phase(True, "chair")
        elif phase == ReviewPhase.INDEPENDENT_REVIEW:
            for proposal in in_review:
                for name in ("member0", "member1"):
                    self.write_a_review(
                        next(k for k in APPLICANTS if self.users[k].pk == proposal.pi_id),
                        name,
                        impact,
                        True,
                    )
            self.move_the_phase(True, "chair")
        elif phase != ReviewPhase.CLOSED:
            self.close_the_review_now()
        elif undecided := [
            p for p in in_review if not Decision.objects.filter(proposal=p).exists()
        ]:
            who = next(k for k in APPLICANTS if self.users[k].pk == undecided[0].pi_id)
            self.decide(who, outcome, "admin")
        else:
            self.release("admin")

    # The orderly round twice over in the rule table: hypothesis picks rules evenly, and a
    # round has more steps than any disorder.
    @rule(
        outcome=st.sampled_from(DecisionOutcome.values),
        impact=st.integers(1, 9),
        changes_mind=st.integers(0, 5),
    )
    def advance_the_round_again(self, outcome, impact, changes_mind):
        self.advance_the_round(outcome, impact, changes_mind)

    @rule()
    def close_the_review_now(self):
        """The chair walks the review to its end: each phase forward, anything unfinalized not
        discussed, then closed (so short sequences reach decisions and release too)."""
        order = list(ReviewPhase.values)
        chair = self.users["chair"]
        while self.phase() not in (ReviewPhase.PANEL, ReviewPhase.CLOSED):
            following = order[order.index(self.phase()) + 1]
            if not attempt(
                lambda following=following: review_services.review_phase_transition(
                    call=self.call, to=following, actor=chair
                )
            ):
                return
        for proposal in Proposal.objects.filter(call=self.call, panel_entry__finalized_at=None):
            attempt(
                lambda proposal=proposal: review_services.panel_set_disposition(
                    proposal=proposal, disposition=PanelDisposition.NOT_DISCUSSED, actor=self.admin
                )
            )
        attempt(
            lambda: review_services.review_phase_transition(
                call=self.call, to=ReviewPhase.CLOSED, actor=chair
            ),
            "review closed",
        )

    @rule(who=st.sampled_from(APPLICANTS), discussed=st.booleans())
    def triage(self, who, discussed):
        proposal = self.proposal_of(who)
        if proposal is not None:
            attempt(
                lambda: review_services.panel_set_disposition(
                    proposal=proposal,
                    disposition=PanelDisposition.DISCUSSED
                    if discussed
                    else PanelDisposition.NOT_DISCUSSED,
                    actor=self.admin,
                )
            )

    @rule(who=st.sampled_from(APPLICANTS), score=st.integers(1, 9))
    def vote_and_finalize(self, who, score):
        proposal = self.proposal_of(who)
        if proposal is None:
            return
        for name in COMMITTEE:
            attempt(
                lambda name=name: review_services.final_score_record(
                    proposal=proposal, actor=self.users[name], score=score
                )
            )
        attempt(
            lambda: review_services.panel_finalize(
                proposal=proposal, actor=self.admin, resume_of_discussion="Discussed."
            )
        )

    # ---- the program office ------------------------------------------------------------------

    @rule(
        who=st.sampled_from(APPLICANTS),
        outcome=st.sampled_from(DecisionOutcome.values),
        actor=BY_ADMIN_MOSTLY,
    )
    def decide(self, who, outcome, actor):
        proposal = self.proposal_of(who)
        if proposal is not None:
            attempt(
                lambda: grant_services.decision_record(
                    proposal=proposal, actor=self.users[actor], outcome=outcome
                ),
                "decided",
            )

    @rule(actor=BY_ADMIN_MOSTLY)
    def release(self, actor):
        if attempt(
            lambda: grant_services.decisions_release(call=self.call, actor=self.users[actor]),
            "released",
        ):
            for decision in Decision.objects.filter(call=self.call, released_at__isnull=False):
                proposal = decision.proposal
                self.released_summaries.setdefault(
                    proposal.pk, review_selectors.summary_statement(proposal)
                )

    # ---- the invariants ----------------------------------------------------------------------

    @invariant()
    def blind_until_submitted(self):
        phase = self.phase()
        for name in COMMITTEE:
            user = self.users[name]
            ids = list(Proposal.objects.filter(call=self.call).values_list("pk", flat=True))
            hidden = review_selectors.results_hidden_ids(user, ids, call=self.call)
            for proposal in Proposal.objects.filter(call=self.call):
                own = Assignment.objects.filter(proposal=proposal, reviewer=user).first()
                submitted = bool(own and own.review_or_none and own.review_or_none.is_submitted)
                conflicted = ConflictOfInterest.objects.filter(
                    proposal=proposal, reviewer=user
                ).exists()
                blind = conflicted or (own is not None and not (submitted and phase in READ_PHASES))
                assert (proposal.pk in hidden) == blind
                if blind:
                    assert not can(user, "reviews.view_summary_statement", proposal)
                    assert not can(user, "reviews.read_reviews", proposal)

    @invariant()
    def decisions_follow_the_review(self):
        call = self.fresh_call()
        assert call.committee_review_open == (self.phase() != ReviewPhase.CLOSED)
        if call.committee_review_open:
            assert not Decision.objects.filter(call=call).exists()

    @invariant()
    def released_results_are_frozen(self):
        for proposal_id, summary in self.released_summaries.items():
            proposal = Proposal.objects.get(pk=proposal_id)
            assert review_selectors.summary_statement(proposal) == summary

    @invariant()
    def money_is_what_was_decided(self):
        call = self.fresh_call()
        funded = Decision.objects.filter(call=call, outcome=DecisionOutcome.FUNDED)
        awards = Award.objects.filter(call=call)
        assert call_committed_amount(call) == sum((d.amount for d in funded), Decimal("0"))
        assert call_committed_amount(call) <= call.total_budget
        assert sorted(awards.values_list("proposal_id", "amount")) == sorted(
            funded.values_list("proposal_id", "amount")
        )
        withdrawn = Proposal.objects.filter(call=call, status=ProposalStatus.WITHDRAWN)
        assert not Decision.objects.filter(proposal__in=withdrawn).exists()
        assert not Award.objects.filter(proposal__in=withdrawn).exists()

    @invariant()
    def submitted_means_frozen(self):
        for proposal_id, parts in self.frozen_parts.items():
            proposal = Proposal.objects.select_related("call", "pi").get(pk=proposal_id)
            if proposal.status in (ProposalStatus.RETURNED, ProposalStatus.DRAFT):
                continue
            assert self.parts(proposal) == parts
            if proposal.status != ProposalStatus.WITHDRAWN:
                blockers = [
                    b
                    for b in proposal_blockers(proposal, now=proposal.submitted_at)
                    if b.field not in ("call",)
                ]
                assert blockers == []


def test_the_call_lifecycle_holds_its_invariants_under_any_sequence():
    REACHED.clear()
    run_state_machine_as_test(CallLifecycle, settings=stateful_settings(examples=30))
    print(f"stages reached: {dict(REACHED)}")
    # Invariants checked only on a world that never got anywhere would prove little.
    assert {"submitted", "review begun", "review closed", "decided", "released"} <= set(REACHED)
