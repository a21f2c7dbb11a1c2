"""API views of committee review: committees, assignments (by hand and automatic), conflicts,
reviews, the review phases, the panel, the funding ranking and summary statements — one module
each (the routes: reviews/api/urls.py).

Thin, like the web views (reviews/views/): objects are looked up in the caller's scope
(reviews.selectors.scopes), so anything outside it — and everything of a proposal the caller is
conflicted on — answers 404; every change is made by reviews.services, which check the
permission rules themselves (the ``require`` calls here only make a refusal come before input
validation). Service errors become API errors in config.api.exception_handler: ValidationError
400, PermissionDenied 403, InvalidTransition 409.
"""

from .assignments import AssignmentViewSet, AutoAssignView
from .committees import CommitteeViewSet
from .conflicts import ConflictViewSet
from .letters import LetterRatingsView, LetterTriageView
from .panel import BallotView, DispositionView, FinalizeView, PanelProposalView, PanelView
from .phases import PhaseView
from .results import DecideManyView, RankingView, SummaryStatementView
from .reviews import ReviewViewSet

__all__ = [
    "AssignmentViewSet",
    "AutoAssignView",
    "BallotView",
    "CommitteeViewSet",
    "ConflictViewSet",
    "DispositionView",
    "LetterRatingsView",
    "LetterTriageView",
    "FinalizeView",
    "PanelProposalView",
    "PanelView",
    "PhaseView",
    "DecideManyView",
    "RankingView",
    "ReviewViewSet",
    "SummaryStatementView",
]
