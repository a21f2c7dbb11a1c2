"""Pages for awards, outcomes, progress reports, the HRSA report and the dashboard.

Thin: lookups through selectors (404 for what a user may not know exists), writes through
services, and exports through the one report builder and its exporters.
"""

from .awards import award_detail, award_list, progress_report
from .enrollment import award_enrollment, enrollment_program
from .exports import export_job, export_job_create, export_job_download, export_job_status
from .nominations import call_nominations, external_submission
from .outcomes import OUTCOME_KINDS, outcome_delete, outcome_edit, publication_import
from .portfolio import pilot_outcomes_xlsx, portfolio
from .reports import dashboard, narrative, reminders, report, report_export
from .support import award_support, support_delete, support_edit

__all__ = [
    "OUTCOME_KINDS",
    "award_detail",
    "award_enrollment",
    "award_list",
    "award_support",
    "call_nominations",
    "dashboard",
    "enrollment_program",
    "export_job",
    "export_job_create",
    "export_job_download",
    "export_job_status",
    "external_submission",
    "narrative",
    "outcome_delete",
    "outcome_edit",
    "pilot_outcomes_xlsx",
    "portfolio",
    "progress_report",
    "publication_import",
    "reminders",
    "report",
    "report_export",
    "support_delete",
    "support_edit",
]
