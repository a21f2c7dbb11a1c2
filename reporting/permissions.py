"""Who may see and record outcomes, progress reports and the HRSA report (rules predicates).

Checked through ``accounts.permissions.can`` by services, views and the API alike, never
``user.has_perm`` (which lets every superuser through).
"""

import rules

from accounts.permissions import is_administrator
from grants.models import Decision, TeamMember


@rules.predicate
def is_award_pi(user, award) -> bool:
    return award is not None and user.is_authenticated and award.proposal.pi_id == user.pk


@rules.predicate
def is_award_team_member(user, award) -> bool:
    """On the award's team with an account (outside people have none)."""
    if award is None or not user.is_authenticated:
        return False
    return TeamMember.objects.filter(proposal_id=award.proposal_id, user_id=user.pk).exists()


@rules.predicate
def is_awardee(user, award) -> bool:
    return is_award_pi(user, award) or is_award_team_member(user, award)


@rules.predicate
def is_released_award(user, award) -> bool:
    """The award's decision has been released (before that it is the administrators' alone,
    and may still be voided)."""
    return (
        award is not None
        and Decision.objects.filter(
            proposal_id=award.proposal_id, released_at__isnull=False
        ).exists()
    )


@rules.predicate
def is_report_pi(user, report) -> bool:
    return report is not None and is_award_pi(user, report.award)


@rules.predicate
def is_awardee_of_outcome(user, outcome) -> bool:
    """Awardee of at least one award the outcome is linked to."""
    if outcome is None or not user.is_authenticated:
        return False
    return any(is_awardee(user, award) for award in _awards_of(outcome))


@rules.predicate
def is_awardee_of_every_award(user, outcome) -> bool:
    """Deleting an outcome removes it from every award it is on: that needs all of them."""
    if outcome is None or not user.is_authenticated:
        return False
    awards = _awards_of(outcome)
    return bool(awards) and all(is_awardee(user, award) for award in awards)


def _awards_of(outcome) -> list:
    if hasattr(outcome, "awards"):
        return list(outcome.awards.select_related("proposal"))
    return [outcome.award]


rules.add_perm("reporting.view_reports", is_administrator)
rules.add_perm("reporting.export_reports", is_administrator)
rules.add_perm("reporting.manage_reporting", is_administrator)
rules.add_perm("reporting.view_award", is_awardee | is_administrator)
rules.add_perm("reporting.record_outcome", is_awardee | is_administrator)
rules.add_perm("reporting.change_outcome", is_awardee_of_outcome | is_administrator)
rules.add_perm("reporting.delete_outcome", is_awardee_of_every_award | is_administrator)
rules.add_perm("reporting.submit_progress_report", is_report_pi | is_administrator)
# Who was paid what is the PI's (the awardee's) and the program office's business, not the
# whole team's: a team member sees the award, not their colleagues' stipends.
rules.add_perm("reporting.manage_support", is_released_award & (is_award_pi | is_administrator))
# Inclusion enrollment is what the PI reports to the program (as to NIH): the PI and the office.
rules.add_perm("reporting.report_enrollment", is_released_award & (is_award_pi | is_administrator))
