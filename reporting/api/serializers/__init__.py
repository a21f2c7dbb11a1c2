"""Shapes of the reporting endpoints, one module per topic. They validate shape only (types,
choices, lengths); every rule — who may record, DOI and PubMed ID form, dates within the award's
life, amounts, the trainee being on the award, duplicates — is decided by reporting.services, so
a bad value is the same field error as on the web form.

People appear as ``UserBriefSerializer`` (id, username, name): no demographics, ever.
"""

from .enrollment import EnrollmentReportSerializer, EnrollmentWriteSerializer
from .fields import MONEY, AwardIdsField, AwardsField
from .outcomes import (
    OUTCOME_META,
    FollowOnFundingSerializer,
    FollowOnFundingWriteSerializer,
    ImportQuerySerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    PartnershipCreateSerializer,
    PartnershipSerializer,
    PartnershipWriteSerializer,
    PresentationSerializer,
    PresentationWriteSerializer,
    PublicationRecordSerializer,
    PublicationSerializer,
    PublicationWriteSerializer,
    SkippedRecordSerializer,
    TraineeOutcomeCreateSerializer,
    TraineeOutcomeSerializer,
    TraineeOutcomeWriteSerializer,
)
from .progress import (
    AwardTransitionSerializer,
    ProgressReportSerializer,
    ProgressReportSubmitSerializer,
)
from .reports import (
    FORMAT_LABELS,
    ReportCheckSerializer,
    ReportColumnSerializer,
    ReportQuerySerializer,
    ReportRowSerializer,
    ReportSerializer,
    ReportTableSerializer,
)
from .support import (
    ParticipantSupportSerializer,
    ParticipantSupportWriteSerializer,
    TrainingStatusSerializer,
    TrainingStatusWriteSerializer,
)

__all__ = [
    "AwardIdsField",
    "AwardTransitionSerializer",
    "AwardsField",
    "EnrollmentReportSerializer",
    "EnrollmentWriteSerializer",
    "FORMAT_LABELS",
    "FollowOnFundingSerializer",
    "FollowOnFundingWriteSerializer",
    "ImportQuerySerializer",
    "ImportResultSerializer",
    "ImportUploadSerializer",
    "MONEY",
    "OUTCOME_META",
    "ParticipantSupportSerializer",
    "ParticipantSupportWriteSerializer",
    "PartnershipCreateSerializer",
    "PartnershipSerializer",
    "PartnershipWriteSerializer",
    "PresentationSerializer",
    "PresentationWriteSerializer",
    "ProgressReportSerializer",
    "ProgressReportSubmitSerializer",
    "PublicationRecordSerializer",
    "PublicationSerializer",
    "PublicationWriteSerializer",
    "ReportCheckSerializer",
    "ReportColumnSerializer",
    "ReportQuerySerializer",
    "ReportRowSerializer",
    "ReportSerializer",
    "ReportTableSerializer",
    "SkippedRecordSerializer",
    "TraineeOutcomeCreateSerializer",
    "TraineeOutcomeSerializer",
    "TraineeOutcomeWriteSerializer",
    "TrainingStatusSerializer",
    "TrainingStatusWriteSerializer",
]
