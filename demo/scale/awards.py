"""After review: decisions in ranking order, awards and their life, progress reports."""

import math
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from grants.choices import AwardStatus, DecisionOutcome, ProposalStatus
from grants.models import Award, Decision, FundingCall, StateChange
from grants.services import award_dates
from reporting.choices import ProgressReportKind, ProgressReportStatus
from reporting.models import ProgressReport

from .shape import FINAL_REPORT_AFTER, CallPlan, _add_months, _Prop
from .vocabulary import (
    BARRIERS,
    REDUCE_REASON,
    REPORT_TEXT,
    TERMINATE_REASONS,
    WAITLIST_CLOSED,
)
from .writer import _insert, _Row


def _effective_end(award: _Row) -> date:
    """As ``Award.effective_end``: the close or termination date when earlier than the end."""
    if award.ended_on and award.ended_on < award.end_date:
        return award.ended_on
    return award.end_date


class AwardsMixin:
    """Decides a call, and writes its decisions, awards and progress reports."""

    def decide(self, plan: CallPlan, call: FundingCall, reviewed: list[_Prop]) -> datetime:
        """Fund 15-25% in ranking order within the budget (a few at a reduced amount); the next
        few are waitlisted, and once the waitlist closes funded if money is left, else not."""
        rng = self.rng
        ranked = sorted(reviewed, key=lambda p: p.sort_key)
        share = rng.uniform(0.15, 0.25)
        funded_count = max(1, round(share * len(ranked)))
        decided_at = self.at(plan.closes_on + timedelta(days=50), 13)
        release = self.release_at(plan)
        budget_needed = sum(p.obj.requested_amount for p in ranked[:funded_count])
        call.total_budget = max(call.max_award, Decimal(math.ceil(budget_needed / 10000) * 10000))
        committed = Decimal(0)
        for position, p in enumerate(ranked):
            requested = p.obj.requested_amount
            if position < funded_count:
                amount, reason = requested, ""
                if p.star is None and rng.random() < 0.08:
                    amount = (requested * Decimal(rng.uniform(0.8, 0.95)) / 100).quantize(
                        Decimal(1), ROUND_DOWN
                    ) * 100
                    reason = REDUCE_REASON
                p.decision = (DecisionOutcome.FUNDED, amount, reason)
                committed += amount
            elif position < funded_count + max(1, len(ranked) // 25) and p.star is None:
                p.decision = (DecisionOutcome.WAITLISTED, None, "")
            else:
                p.decision = (DecisionOutcome.NOT_FUNDED, None, "")
        closes_waitlist = self.at(plan.closes_on + timedelta(days=130), 11)
        for step, p in enumerate(ranked):
            outcome, amount, reason = p.decision
            at = decided_at + timedelta(seconds=20 * step)
            summary = DecisionOutcome(outcome).label + (f" at ${amount:,.2f}" if amount else "")
            p.history.append(
                (
                    ProposalStatus.IN_REVIEW,
                    ProposalStatus.IN_REVIEW,
                    at,
                    self.admin,
                    f"Decision recorded: {summary}." + (f" {reason}" if reason else ""),
                    True,
                )
            )
            p.history.append(
                (
                    ProposalStatus.IN_REVIEW,
                    outcome,
                    release + timedelta(seconds=step),
                    self.admin,
                    "Decision released.",
                    False,
                )
            )
            p.obj.status = outcome
            p.obj.updated_at = release + timedelta(seconds=step)
            p.waitlist = at
            if outcome == DecisionOutcome.WAITLISTED and closes_waitlist < self.now:
                funded = committed + p.obj.requested_amount <= call.total_budget
                final = DecisionOutcome.FUNDED if funded else DecisionOutcome.NOT_FUNDED
                amount = p.obj.requested_amount if funded else None
                committed += amount or 0
                p.decision = (final, amount, "" if funded else WAITLIST_CLOSED)
                p.waitlist = closes_waitlist
                summary = DecisionOutcome(final).label + (f" at ${amount:,.2f}" if amount else "")
                p.history.append(
                    (
                        outcome,
                        outcome,
                        closes_waitlist,
                        self.admin,
                        f"Decision recorded: {summary}."
                        + ("" if funded else f" {WAITLIST_CLOSED}"),
                        True,
                    )
                )
                p.history.append(
                    (
                        outcome,
                        final,
                        closes_waitlist + timedelta(seconds=1),
                        self.admin,
                        "Decision released.",
                        False,
                    )
                )
                p.obj.status = final
                p.obj.updated_at = closes_waitlist + timedelta(seconds=1)
        return release

    def award_rows(
        self, plan: CallPlan, call: FundingCall, reviewed: list[_Prop], release: datetime
    ) -> list[StateChange]:
        decisions, funded = [], []
        for p in reviewed:
            outcome, amount, reason = p.decision
            decisions.append(
                _Row(
                    proposal_id=p.obj.pk,
                    call_id=call.pk,
                    outcome=outcome,
                    amount=amount,
                    reason=reason,
                    decided_by_id=self.admin,
                    decided_at=p.waitlist,
                    released_at=release,
                )
            )
            if outcome == DecisionOutcome.FUNDED:
                # Awards start the month after the decision reached the applicant.
                p.told = max(p.waitlist, release)
                start, end = award_dates(call=call, decided_on=p.told.astimezone(self.zone).date())
                p.award = _Row(
                    proposal_id=p.obj.pk,
                    call_id=call.pk,
                    amount=amount,
                    start_date=start,
                    end_date=end,
                    status=AwardStatus.ACTIVE,
                    ended_on=None,
                    created_at=p.waitlist,
                )
                p.original_end = end
                self.award_life(p)
                funded.append(p)
        _insert(Decision, decisions, ids=False)
        _insert(Award, [p.award for p in funded])
        changes = [
            _Row(
                content_type_id=self.ct[Award].pk,
                object_id=p.award.pk,
                from_state=a,
                to_state=b,
                actor_id=self.admin,
                reason=reason,
                at=self.at(on, 11),
            )
            for p in funded
            for a, b, on, reason in p.award_changes
        ]
        reports = [report for p in funded for report in self.reports(p)]
        _insert(ProgressReport, reports)
        self.enrollment(funded, reports)
        changes += [
            _Row(
                content_type_id=self.ct[ProgressReport].pk,
                object_id=r.pk,
                from_state=ProgressReportStatus.DUE,
                to_state=ProgressReportStatus.SUBMITTED,
                actor_id=r.submitted_by_id,
                at=r.submitted_at,
            )
            for r in reports
            if r.status == ProgressReportStatus.SUBMITTED
        ]
        self.outcomes(plan, funded)
        for p in funded:
            award = p.award
            self.awards_of_pi.setdefault(p.pi, []).append(
                (award.pk, award.start_date, _effective_end(award))
            )
        return changes

    def award_life(self, p: _Prop) -> None:
        """Active, extended, closed or terminated, as the calendar has it by today (the
        changes go to ``p.award_changes``, written as history once the award has an id)."""
        rng = self.rng
        award, today = p.award, self.today
        p.award_changes = []
        roll = rng.random()
        term = (award.end_date - award.start_date).days
        if roll < 0.03 and p.star is None and term > 120:
            ended = award.start_date + timedelta(days=rng.randint(60, term - 30))
            if ended < today - timedelta(days=2):
                award.status, award.ended_on = AwardStatus.TERMINATED, ended
                p.award_changes.append(
                    (
                        AwardStatus.ACTIVE,
                        AwardStatus.TERMINATED,
                        ended + timedelta(days=1),
                        rng.choice(TERMINATE_REASONS),
                    )
                )
                return
        extended = roll > 0.92 or (award.end_date < today + timedelta(days=60) and roll > 0.8)
        if extended and award.end_date - timedelta(days=30) < today:
            new_end = _add_months(award.end_date, 6)
            p.award_changes.append(
                (
                    AwardStatus.ACTIVE,
                    AwardStatus.NO_COST_EXTENSION,
                    award.end_date - timedelta(days=30),
                    f"Extended from {award.end_date:%b} {award.end_date.day}, {award.end_date.year}"
                    f" to {new_end:%b} {new_end.day}, {new_end.year}.",
                )
            )
            award.status, award.end_date = AwardStatus.NO_COST_EXTENSION, new_end
        if award.end_date < today - timedelta(days=60):
            p.award_changes.append(
                (
                    award.status,
                    AwardStatus.CLOSED,
                    award.end_date + timedelta(days=30),
                    "Closed on schedule.",
                )
            )
            award.status, award.ended_on = AwardStatus.CLOSED, award.end_date

    def reports(self, p: _Prop) -> list[_Row]:
        """The schedule rule of reporting.services.progress: interim at the midpoint, final 60
        days after the effective end; an award ended at or before its midpoint owes only the
        final one. Most are submitted near the due date, some are overdue. A report submitted
        before an extension keeps its due date; an unsubmitted one moved with the extension."""
        rng = self.rng
        award = p.award
        end = _effective_end(award)
        midpoint = award.start_date + (award.end_date - award.start_date) // 2
        due = {ProgressReportKind.FINAL: end + FINAL_REPORT_AFTER}
        if end > midpoint:
            due[ProgressReportKind.INTERIM] = (
                award.start_date + (p.original_end - award.start_date) // 2
            )
        reports = []
        for kind, due_date in sorted(due.items()):
            submitted_at = None
            if due_date < self.today - timedelta(days=20) and (p.star or rng.random() < 0.9):
                on = due_date + timedelta(days=rng.randint(-20, 19))
                submitted_at = self.between(self.at(on, 9), self.at(on, 18))
            elif kind == ProgressReportKind.INTERIM:
                due_date = midpoint
            reports.append(
                _Row(
                    award_id=award.pk,
                    kind=kind,
                    due_date=due_date,
                    status=ProgressReportStatus.SUBMITTED
                    if submitted_at
                    else ProgressReportStatus.DUE,
                    objectives_accomplishments=REPORT_TEXT[kind] if submitted_at else "",
                    barriers_resolutions=rng.choice(BARRIERS) if submitted_at else "",
                    submitted_at=submitted_at,
                    submitted_by_id=p.pi if submitted_at else None,
                    created_at=p.told + timedelta(hours=1),  # scheduled when the award was
                )
            )
        return reports
