"""Progress reports, the outcomes of funded projects, and the HRSA report's configuration, one
module per topic; every name is importable from ``reporting.models`` as before.

Models hold data and small derived facts; every write lives in services.

The reporting profile's ``default_*`` helpers stay re-exported here because the migrations
name them as ``reporting.models.default_*``.
"""

# isort: off
# In the order the models were first defined: the app registry, and with it the order of
# reverse relations (e.g. what a deleted award cascades to first), stays as it was.
from .progress import ProgressReport, ReminderSent
from .outcomes import (
    MONEY,
    FollowOnFunding,
    Outcome,
    Partnership,
    Presentation,
    Publication,
    TraineeOutcome,
)
from .profile import (
    ReportingPeriodNarrative,
    ReportingProfile,
    TrainingProgram,
    default_hispanic_codes,
    default_race_map,
    default_sex_columns,
    default_sex_map,
    default_urm_codes,
)
from .support import ParticipantSupport, TrainingStatus
from .exports import ExportJob
from .enrollment import EnrollmentReport
from .nominations import ExternalSubmission
# isort: on

__all__ = [
    "MONEY",
    "EnrollmentReport",
    "ExportJob",
    "ExternalSubmission",
    "FollowOnFunding",
    "Outcome",
    "ParticipantSupport",
    "Partnership",
    "Presentation",
    "ProgressReport",
    "Publication",
    "ReminderSent",
    "ReportingPeriodNarrative",
    "ReportingProfile",
    "TraineeOutcome",
    "TrainingProgram",
    "TrainingStatus",
    "default_hispanic_codes",
    "default_race_map",
    "default_sex_columns",
    "default_sex_map",
    "default_urm_codes",
]
