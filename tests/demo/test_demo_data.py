"""The data file (demo/data/demo.toml) and the loader agree: every name the file uses is
defined there, and everything it lists is in the database after ``seed_demo``."""

import pytest

from accounts.models import User
from demo.content import load_demo
from grants.choices import DecisionOutcome, ProposalStatus
from grants.models import Award, FundingCall, Proposal
from reporting.models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)
from reviews.models import Committee

DEMO = load_demo()
# The status each planned state ends in.
STATUS_OF_STATE = {
    "draft_partial": ProposalStatus.DRAFT,
    "draft_no_biosketch": ProposalStatus.DRAFT,
    "draft_mentor_added": ProposalStatus.DRAFT,
    "draft_endorsement_requested": ProposalStatus.DRAFT,
    "submitted": ProposalStatus.SUBMITTED,
    "returned": ProposalStatus.RETURNED,
    "withdrawn": ProposalStatus.WITHDRAWN,
    "in_review": ProposalStatus.IN_REVIEW,
}
# The decided call's proposals end in the decision's status.
STATUS_OF_DECISION = {
    "funded": ProposalStatus.FUNDED,
    "reduced": ProposalStatus.FUNDED,
    "waitlisted": ProposalStatus.NOT_FUNDED,
    "not_funded": ProposalStatus.NOT_FUNDED,
}


def test_demo_data_names_only_people_and_topics_it_defines():
    people = DEMO.people_by_username
    named = {DEMO.committee["chair"], *DEMO.committee["members"]}
    for plan in DEMO.plans():
        named |= {plan.pi, *plan.co_investigators, *plan.collaborators}
        named |= {plan.mentor} if plan.mentor else set()
        assert plan.topic in DEMO.topics, plan
        assert plan.state in STATUS_OF_STATE, plan
    awarded = {plan.pi for plan in DEMO.calls["past"].proposals if plan.award}
    for entry in (*DEMO.publications, *DEMO.presentations, *DEMO.follow_on_funding):
        assert set(entry["awards"]) <= awarded, entry
    for entry in (*DEMO.trainee_outcomes, *DEMO.partnerships):
        assert entry["award"] in awarded, entry
        named.add(entry.get("trainee", entry["award"]))
    assert named - set(people) == set()
    assert len(people) == len(DEMO.people)  # no username twice


def test_demo_data_gives_each_decided_proposal_a_decision_and_each_award_a_funded_one():
    for plan in DEMO.calls["past"].proposals:
        assert plan.decision in STATUS_OF_DECISION, plan
        assert (plan.award is not None) == (plan.decision in {"funded", "reduced"}), plan


@pytest.mark.django_db
class TestLoadedDemoMatchesTheDataFile:
    def test_every_account_in_the_file_exists_with_its_names_roles_and_staff_flag(self, demo):
        for person in DEMO.people:
            user = User.objects.get(username=person.username)
            assert (user.first_name, user.last_name) == (person.first_name, person.last_name)
            assert user.profile.applicant_type == person.applicant_type
            assert user.profile.department == person.department
            assert sorted(user.groups.values_list("name", flat=True)) == sorted(person.roles)
            assert user.is_staff == ("administrator" in person.roles)
            assert hasattr(user, "demographics") == (person.demographics is not None)

    def test_every_call_holds_its_proposals_in_their_planned_states(self, demo):
        for name, spec in DEMO.calls.items():
            if name == "past":
                call = FundingCall.objects.get(title__endswith=spec.title.replace("{year}", ""))
            else:
                call = FundingCall.objects.get(title=spec.title)
            expected = {
                (
                    plan.pi,
                    DEMO.topics[plan.topic].title,
                    STATUS_OF_DECISION[plan.decision]
                    if name == "past"
                    else STATUS_OF_STATE[plan.state],
                )
                for plan in spec.proposals
            }
            actual = set(
                Proposal.objects.filter(call=call).values_list("pi__username", "title", "status")
            )
            assert actual == expected
            assert call.max_award == spec.fields["max_award"]

    def test_the_committee_has_its_chair_and_members(self, demo):
        committee = Committee.objects.get(name=DEMO.committee["name"])
        assert committee.chair.username == DEMO.committee["chair"]
        members = set(committee.members.values_list("username", flat=True))
        assert members == {DEMO.committee["chair"], *DEMO.committee["members"]}

    def test_every_award_and_outcome_in_the_file_is_recorded(self, demo):
        past = DEMO.calls["past"].proposals
        awarded = {plan.pi for plan in past if plan.award}
        assert set(Award.objects.values_list("proposal__pi__username", flat=True)) == awarded
        reduced = [plan.pi for plan in past if plan.decision == "reduced"]
        assert [
            a.proposal.pi.username
            for a in Award.objects.select_related("proposal__pi")
            if a.amount < a.proposal.requested_amount
        ] == reduced
        assert set(Publication.objects.values_list("title", flat=True)) == {
            entry["title"] for entry in DEMO.publications
        }
        assert set(Presentation.objects.values_list("title", flat=True)) == {
            entry["title"] for entry in DEMO.presentations
        }
        assert set(FollowOnFunding.objects.values_list("title", flat=True)) == {
            entry["title"] for entry in DEMO.follow_on_funding
        }
        assert set(TraineeOutcome.objects.values_list("trainee__username", flat=True)) == {
            entry["trainee"] for entry in DEMO.trainee_outcomes
        }
        assert set(
            Partnership.objects.values_list("organisation", "award__proposal__pi__username")
        ) == {(entry["organisation"], entry["award"]) for entry in DEMO.partnerships}
        assert ReportingPeriodNarrative.objects.count() == len(DEMO.narratives)

    def test_the_waitlisted_proposal_ends_not_funded_with_the_files_reason(self, demo):
        (plan,) = [p for p in DEMO.calls["past"].proposals if p.decision == "waitlisted"]
        proposal = Proposal.objects.get(title=DEMO.topics[plan.topic].title)
        assert proposal.decision.outcome == DecisionOutcome.NOT_FUNDED
        assert proposal.decision.reason == DEMO.calls["past"].waitlist_closed["reason"]


def test_demo_data_ranks_the_funded_proposals_of_the_decided_call_above_the_rest():
    """The panel's final impact scores tell the story of the decisions: every funded proposal
    scored better (lower) than every one not funded, the waitlisted one first among those; one
    proposal not discussed."""
    plans = DEMO.calls["past"].proposals
    funded = [p.final_impact for p in plans if p.decision in {"funded", "reduced"}]
    others = [p for p in plans if p.decision not in {"funded", "reduced"}]
    scored = [p.final_impact for p in others if p.final_impact is not None]
    waitlisted = [p.final_impact for p in others if p.decision == "waitlisted"]

    assert None not in funded
    assert max(funded) < min(scored)
    assert waitlisted == [min(scored)]
    assert len(others) - len(scored) == 1
    assert len(set(funded + scored)) == len(funded + scored)
