"""API views of awards' progress reports, outcomes, the publication import and the HRSA report.

Thin, like the web views (reporting/views/): outcomes and progress reports are looked up
among the awards the caller may see (reporting.selectors.awards_visible_to), so anything
outside answers 404; every write is made by reporting.services, which check the permission
rules themselves (the ``require`` calls here only make a refusal come before input validation);
the report is built once by reporting.hrsa.build_report and rendered by its exporters. Service
errors become API errors in config.api.exception_handler: ValidationError 400,
PermissionDenied 403.
"""

from .enrollment import EnrollmentViewSet
from .nominations import ExternalSubmissionView, NominationListView
from .outcomes import (
    FollowOnFundingViewSet,
    OutcomeViewSet,
    PartnershipViewSet,
    PresentationViewSet,
    PublicationViewSet,
    TraineeOutcomeViewSet,
)
from .portfolio import NimhdPortfolioView, PilotOutcomesView
from .progress import AwardTransitionView, ProgressReportViewSet
from .reports import HrsaReportView
from .support import ParticipantSupportViewSet, TrainingStatusViewSet

__all__ = [
    "AwardTransitionView",
    "EnrollmentViewSet",
    "ExternalSubmissionView",
    "FollowOnFundingViewSet",
    "HrsaReportView",
    "NominationListView",
    "NimhdPortfolioView",
    "OutcomeViewSet",
    "ParticipantSupportViewSet",
    "PartnershipViewSet",
    "PilotOutcomesView",
    "PresentationViewSet",
    "ProgressReportViewSet",
    "PublicationViewSet",
    "TraineeOutcomeViewSet",
    "TrainingStatusViewSet",
]
