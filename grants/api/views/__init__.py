"""API views for calls, proposals (with their team, budget and attachments), endorsements,
decisions and awards.

Thin, like the web views: objects are looked up in the caller's scope (grants.selectors), so
anything outside it answers 404; actions on a visible object are checked with the same rules
as the web pages (accounts.permissions.can) and then carried out by grants.services, which
check again. Service errors become API errors in config.api.exception_handler.
"""

from .awards import AwardViewSet
from .calls import CallViewSet
from .eligibility import EligibilityExceptionViewSet
from .endorsements import EndorsementViewSet
from .letters import CallLetterViewSet, LetterViewSet
from .proposal_parts import AttachmentViewSet, BudgetLineViewSet, TeamMemberViewSet
from .proposals import ProposalViewSet

__all__ = [
    "AttachmentViewSet",
    "AwardViewSet",
    "BudgetLineViewSet",
    "CallLetterViewSet",
    "CallViewSet",
    "EligibilityExceptionViewSet",
    "EndorsementViewSet",
    "LetterViewSet",
    "ProposalViewSet",
    "TeamMemberViewSet",
]
