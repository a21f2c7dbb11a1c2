"""The decided call's committee review, before its decisions: the standing committee attached,
three reviewers assigned to each proposal (never one conflicted: the PI, the team, the mentor),
every review written and submitted, the read phase, the chair's triage, the panel's final
scores and resumes, and the review closed, walked through the services by
``journeys.call_through_review`` and dated when it happened (demo/clock.py): assigned when the
review began, reviewed by the due date, discussed at the panel a few days before the decisions.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.utils import timezone

from grants.models import FundingCall, Proposal
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.conflicts import is_conflicted
from reviews.models import Criterion

from . import journeys
from .critique import Critic


def committee_review(
    loader, call: FundingCall, proposals: dict[str, Proposal], *, spec=None
) -> None:
    """``spec``: the call's (the decided call's unless given)."""
    spec, committee_spec = spec or loader.demo.calls["past"], loader.demo.committee
    # As they are now: in review.
    proposals = {pi: Proposal.objects.get(pk=proposal.pk) for pi, proposal in proposals.items()}
    clock, users = loader.clock, loader.users
    times = {key: clock.when(spec.times[key]) for key in spec.times}
    begins, due = times["review_begins"], times["reviews_due"]
    critic = Critic(seed=loader.demo.seed, text=loader.demo.text["review"])
    with clock.dated(begins + timedelta(minutes=30)):
        review_services.committee_attach_to_call(
            committee=loader.committee,
            call=call,
            actor=loader.admin,
            reviewers_per_proposal=committee_spec["reviewers_per_proposal"],
            review_due_at=due,
        )
    criteria = list(Criterion.objects.filter(call=call))
    members = [users[committee_spec["chair"]], *(users[m] for m in committee_spec["members"])]
    plans = {proposals[plan.pi].pk: plan for plan in spec.proposals}
    topics = {pk: loader.demo.topics[plan.topic] for pk, plan in plans.items()}

    # Three reviewers each, the least loaded first (ties broken by lot), none conflicted.
    load: Counter = Counter()
    assignments = {}
    for plan in spec.proposals:
        proposal = proposals[plan.pi]
        free = [m for m in members if not is_conflicted(m, proposal)]
        free.sort(key=lambda member: (load[member.pk], critic.rng.random()))
        chosen = free[: committee_spec["reviewers_per_proposal"]]
        load.update(member.pk for member in chosen)
        assignments[proposal] = chosen
    # Discussed in the order of the panel's scores; every member not conflicted votes.
    discussed, resumes = {}, {}
    for plan in sorted((p for p in spec.proposals if p.final_impact), key=lambda p: p.final_impact):
        proposal = proposals[plan.pi]
        voters = [m for m in members if not is_conflicted(m, proposal)]
        discussed[proposal] = critic.final_scores(voters, plan.final_impact)
        resumes[proposal] = critic.resume(topics[proposal.pk], discussed[proposal])

    def review_data(assignment) -> dict:
        plan = plans[assignment.proposal_id]
        return critic.review(topics[assignment.proposal_id], criteria, plan.final_impact)

    def review_window() -> tuple[datetime, datetime]:
        """A reviewer opens the proposal on a working day after the assignments and submits
        hours to two days later, before the due date."""
        first = timezone.localtime(begins, clock.zone).date() + timedelta(days=1)
        days = (timezone.localtime(due, clock.zone).date() - first).days
        day = first + timedelta(days=critic.rng.randint(0, max(days - 1, 0)))
        opened = clock.at(day, critic.rng.randint(8, 19), critic.rng.randint(0, 59))
        submitted = opened + timedelta(hours=critic.rng.randint(2, 50))
        return opened, min(submitted, due - timedelta(minutes=critic.rng.randint(10, 300)))

    phases = {
        ReviewPhase.INDEPENDENT_REVIEW: begins + timedelta(hours=3),
        ReviewPhase.READ_PHASE: times["read_phase"],
        ReviewPhase.PANEL: times["panel"],
    }
    order = {proposal: n for n, proposal in enumerate(assignments)}
    panel_order = {proposal: n for n, proposal in enumerate(discussed)}

    def during(step: str, subject):
        if step == "assign":
            return clock.dated(begins + timedelta(hours=1, minutes=4 * order[subject]))
        if step == "phase":
            return clock.dated(phases[subject])
        if step == "review":
            return clock.dated(*review_window())
        if step == "triage":
            return clock.dated(times["triaged"])
        if step == "discuss":
            return clock.dated(times["panel"] + timedelta(minutes=20 * panel_order[subject]))
        return clock.dated(times["panel"] + timedelta(minutes=20 * len(discussed) + 10))

    journeys.call_through_review(
        call=call,
        actor=loader.admin,
        chair=members[0],
        assignments=assignments,
        review_data=review_data,
        discussed=discussed,
        resumes=resumes,
        decisions=(),
        release=False,
        during=during,
    )
    clock.retime_review(call)
    call.refresh_from_db()
