"""The data file (demo/data/demo.toml) and the loader agree: every name the file uses is
defined there, its enrollment tables are consistent, and everything it lists is in the database
after ``seed_demo``."""

import pytest

from accounts.models import User
from demo.content import load_demo
from grants.choices import DecisionOutcome, ProposalStatus
from grants.models import Award, FundingCall, Proposal
from reporting.enrollment import totals
from reporting.hrsa.periods import period_of
from reporting.models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)
from reviews.models import Committee
from tests.demo.conftest import decided_call

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


def outcome_titles(kind: str) -> set[str]:
    """The titles of every outcome of ``kind`` in the file: the decided call's and the earlier
    rounds'."""
    entries = [*getattr(DEMO, kind), *(e for r in DEMO.earlier for e in getattr(r, kind))]
    return {entry["title"] for entry in entries}


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
    # An earlier round's outcomes name PIs of that round's awards.
    for round_ in DEMO.earlier:
        round_awarded = {plan.pi for plan in round_.call.proposals if plan.award}
        for entry in (*round_.publications, *round_.presentations, *round_.follow_on_funding):
            assert set(entry["awards"]) <= round_awarded, entry
    for entry in (*DEMO.trainee_outcomes, *DEMO.partnerships):
        assert entry["award"] in awarded, entry
        named.add(entry.get("trainee", entry["award"]))
    assert named - set(people) == set()
    assert len(people) == len(DEMO.people)  # no username twice


def test_demo_data_gives_each_decided_proposal_a_decision_and_each_award_a_funded_one():
    assert len(DEMO.earlier) == 2
    for call in DEMO.decided_calls():
        for plan in call.proposals:
            assert plan.decision in STATUS_OF_DECISION, plan
            assert (plan.award is not None) == (plan.decision in {"funded", "reduced"}), plan


def awards_planned():
    return [plan for call in DEMO.decided_calls() for plan in call.proposals if plan.award]


def test_demo_data_gives_every_award_a_planned_enrollment_and_a_table_per_report():
    for plan in awards_planned():
        enrollment = plan.award.enrollment
        assert enrollment is not None, plan.pi
        reports = {kind for kind in ("interim", "final") if getattr(plan.award, kind)}
        if enrollment.enrolls_humans:
            assert sum(enrollment.planned.values()) > 0, plan.pi
            assert set(enrollment.cumulative) == reports, plan.pi
        else:
            assert set(enrollment.planned.values()) == {0}, plan.pi
            assert enrollment.cumulative == {}, plan.pi
    nobody = [p.topic for p in awards_planned() if not p.award.enrollment.enrolls_humans]
    assert nobody == ["indoor_air_buildings"]


def test_demo_data_enrollment_is_mostly_of_the_population_a_project_is_about():
    """A project whose first population is a racial or ethnic group plans to enroll, and
    enrolls, mostly people of that group (Hispanic or Latino: the ethnicity; the others: the
    race)."""
    checked = []
    for plan in awards_planned():
        population = DEMO.topics[plan.topic].populations[0]
        if population not in {"hispanic", "black", "aian", "asian", "nhpi"}:
            continue
        key = "ethnicity:hispanic" if population == "hispanic" else population
        enrollment = plan.award.enrollment
        for counts in [enrollment.planned, *(c for c, _ in enrollment.cumulative.values())]:
            sums = totals(counts)
            assert sums[key] > sums["all"] / 2, (plan.topic, key)
        checked.append(plan.topic)
    assert len(checked) == 7


def test_demo_data_cumulative_enrollment_never_drops_without_a_reason():
    """Each cumulative table is at least the one before it in every cell, unless it says why
    (one does: duplicates removed from a street-medicine log), and the reason is given only
    then."""
    decreases = []
    for plan in awards_planned():
        previous = None
        for kind in ("interim", "final"):
            if kind not in plan.award.enrollment.cumulative:
                continue
            counts, reason = plan.award.enrollment.cumulative[kind]
            fell = previous is not None and any(counts[k] < previous[k] for k in counts)
            assert bool(reason) == fell, (plan.pi, kind)
            if fell:
                decreases.append(plan.topic)
            previous = counts
    assert decreases == ["street_wounds"]


def effective_end(award):
    """The award plan's last day: its end, moved by an extension, cut short by a close."""
    end = award.end
    for change in award.changes:
        end = change.on if change.to == "no_cost_extension" else min(end, change.on)
    return end


def test_demo_data_the_earlier_rounds_awards_closed_before_last_academic_year():
    """Every earlier award closed before the previous academic year began (so none is in last
    year's HRSA report, and each ended at least a year before any day of the current one);
    some a year earlier still, one two: whatever day of the current academic year it is, the
    pilot-outcome metric has awards in its 2- and 3-year windows too."""
    closes = DEMO.calls["past"].times["closes"]["on"]
    previous_start = period_of(closes).start
    ends = []
    for round_ in DEMO.earlier:
        for plan in round_.call.proposals:
            if plan.award:
                assert plan.award.changes[-1].to == "closed", plan.pi
                ends.append(effective_end(plan.award))

    def years_before(years: int):
        return previous_start.replace(year=previous_start.year - years)

    assert len(ends) == 7
    assert max(ends) < previous_start
    assert len([end for end in ends if end <= years_before(1)]) == 4
    assert len([end for end in ends if end <= years_before(2)]) == 1


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
        decided = DEMO.decided_calls()
        calls = [DEMO.calls["open"], DEMO.calls["review"], *decided]
        for spec in calls:
            if spec in decided:
                call = decided_call(spec)
            else:
                call = FundingCall.objects.get(title=spec.title)
            expected = {
                (
                    plan.pi,
                    DEMO.topics[plan.topic].title,
                    STATUS_OF_DECISION[plan.decision]
                    if spec in decided
                    else STATUS_OF_STATE[plan.state],
                )
                for plan in spec.proposals
            }
            actual = set(
                Proposal.objects.filter(call=call).values_list("pi__username", "title", "status")
            )
            assert actual == expected
            assert call.max_award == spec.fields["max_award"]
        # And the two-stage calls (tests/demo/test_seed_demo_letters.py) and the limited
        # submission (tests/demo/test_seed_demo_limited.py).
        assert FundingCall.objects.count() == len(calls) + len(DEMO.two_stage_calls()) + 1 == 8

    def test_the_committee_has_its_chair_and_members(self, demo):
        committee = Committee.objects.get(name=DEMO.committee["name"])
        assert committee.chair.username == DEMO.committee["chair"]
        members = set(committee.members.values_list("username", flat=True))
        assert members == {DEMO.committee["chair"], *DEMO.committee["members"]}

    def test_every_award_and_outcome_in_the_file_is_recorded(self, demo):
        awarded = {
            (decided_call(spec).pk, plan.pi)
            for spec in DEMO.decided_calls()
            for plan in spec.proposals
            if plan.award
        }
        assert set(Award.objects.values_list("call_id", "proposal__pi__username")) == awarded
        reduced = [
            plan.pi
            for spec in DEMO.decided_calls()
            for plan in spec.proposals
            if plan.decision == "reduced"
        ]
        assert [
            a.proposal.pi.username
            for a in Award.objects.select_related("proposal__pi")
            if a.amount < a.proposal.requested_amount
        ] == reduced
        assert set(Publication.objects.values_list("title", flat=True)) == outcome_titles(
            "publications"
        )
        assert set(Presentation.objects.values_list("title", flat=True)) == outcome_titles(
            "presentations"
        )
        assert set(FollowOnFunding.objects.values_list("title", flat=True)) == outcome_titles(
            "follow_on_funding"
        )
        # An earlier round's outcomes hang from that round's award, not the same PI's later one.
        for round_ in DEMO.earlier:
            call = decided_call(round_.call)
            for entry in (*round_.publications, *round_.follow_on_funding):
                model = Publication if entry in round_.publications else FollowOnFunding
                linked = model.objects.get(title=entry["title"]).awards.all()
                assert {(a.call_id, a.proposal.pi.username) for a in linked} == {
                    (call.pk, pi) for pi in entry["awards"]
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
