"""Every write of the reporting app: progress reports, reminders, outcomes, imports, narrative.

Services take keyword-only arguments and an explicit ``actor``, check the permission
themselves through ``accounts.permissions.can`` (never ``user.has_perm``, which waves every
superuser through), run in a transaction, and send mail only after commit.
"""

from .exports import report_export_record
from .imports import ImportResult, publications_import_commit, publications_import_preview
from .outcomes import (
    follow_on_funding_create,
    follow_on_funding_delete,
    follow_on_funding_update,
    outcome_date_hint,
    partnership_create,
    partnership_delete,
    partnership_update,
    presentation_create,
    presentation_delete,
    presentation_update,
    publication_create,
    publication_delete,
    publication_update,
    trainee_outcome_create,
    trainee_outcome_delete,
    trainee_outcome_update,
)
from .progress import (
    DUE_SOON_DAYS,
    FINAL_REPORT_AFTER,
    ReminderRun,
    award_change,
    narrative_save,
    progress_report_due_dates,
    progress_report_submit,
    progress_reports_schedule,
    progress_reports_schedule_all,
    progress_reports_schedule_missing,
    reminders_send,
)

__all__ = [
    "DUE_SOON_DAYS",
    "FINAL_REPORT_AFTER",
    "ImportResult",
    "ReminderRun",
    "award_change",
    "follow_on_funding_create",
    "follow_on_funding_delete",
    "follow_on_funding_update",
    "narrative_save",
    "outcome_date_hint",
    "partnership_create",
    "partnership_delete",
    "partnership_update",
    "presentation_create",
    "presentation_delete",
    "presentation_update",
    "progress_report_due_dates",
    "progress_report_submit",
    "progress_reports_schedule",
    "progress_reports_schedule_all",
    "progress_reports_schedule_missing",
    "publication_create",
    "publication_delete",
    "publication_update",
    "publications_import_commit",
    "publications_import_preview",
    "reminders_send",
    "report_export_record",
    "trainee_outcome_create",
    "trainee_outcome_delete",
    "trainee_outcome_update",
]
