"""What needs each person's attention, gathered from every app's selectors."""

from django.utils import timezone

from accounts.choices import Role
from grants import selectors as grant_selectors
from grants.choices import ProposalStatus, TeamRole
from grants.models import Decision, FundingCall, TeamMember
from reporting import selectors as reporting_selectors
from reviews import selectors as review_selectors


def dashboard_for(user) -> dict:
    """The home page's content for ``user``: their proposals and drafts, their letters of
    intent, open calls, endorsements and progress reports waiting on them; for reviewers and chairs the reviews
    still to write and the calls they chair; for administrators the latest calls and what
    awaits them (proposals to check, decisions not yet released)."""
    my_proposals = list(grant_selectors.proposals_of_applicant(user))
    _label_roles(my_proposals, user)
    context = {
        "now": timezone.now(),
        "open_calls": grant_selectors.calls_open(),
        "my_proposals": my_proposals,
        "drafts": [
            p
            for p in my_proposals
            if p.pi_id == user.pk and p.status in (ProposalStatus.DRAFT, ProposalStatus.RETURNED)
        ],
        "endorsements": grant_selectors.endorsements_pending_for(user),
        # Two-stage calls: the user's letters of intent and the office's decisions on them.
        "my_letters": list(grant_selectors.letters_of_applicant(user)),
        "reports_due": reporting_selectors.progress_reports_due_for(user),
    }
    if user.has_role(Role.REVIEWER) or user.has_role(Role.CHAIR):
        queue = list(review_selectors.reviewer_queue(user))
        context["reviews_to_do"] = [
            a for a in queue if not (a.review_or_none and a.review_or_none.is_submitted)
        ]
        context["chaired"] = review_selectors.reviews_chaired_by(user)
        context["letters_to_rate"] = review_selectors.letters_awaiting_rating(user)
    if user.has_role(Role.ADMINISTRATOR):
        context["admin_calls"] = FundingCall.objects.select_related("program").order_by(
            "-closes_at"
        )[:10]
        context["awaiting_check"] = grant_selectors.calls_awaiting_check()
        context["unreleased_decisions"] = Decision.objects.filter(released_at__isnull=True).count()
        context["overdue_reports"] = reporting_selectors.overdue_progress_reports().count()
    return context


def _label_roles(proposals, user) -> None:
    """Sets ``your_role`` on each proposal: "Principal investigator", or the person's role on
    its team ("Mentor", "Co-investigator", ...) — a mentor is not just a "team member"."""
    on_team = [p.pk for p in proposals if p.pi_id != user.pk]
    team_roles = (
        dict(
            TeamMember.objects.filter(user=user, proposal__in=on_team).values_list(
                "proposal_id", "role"
            )
        )
        if on_team
        else {}
    )
    for proposal in proposals:
        if proposal.pi_id == user.pk:
            proposal.your_role = "Principal investigator"
        else:
            role = team_roles.get(proposal.pk)
            proposal.your_role = TeamRole(role).label if role else "Team member"
