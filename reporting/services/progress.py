"""Progress reports (schedule, submission), their reminders, and the period's narrative."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from grants import services as grant_services
from grants.models import Award
from grants.services import record_state_change
from grants.validators import too_long_message

from .. import emails
from ..choices import ProgressReportKind, ProgressReportStatus, ReminderKind
from ..models import ProgressReport, ReminderSent, ReportingPeriodNarrative
from ..validators import NARRATIVE_MAX, validate_period_label
from ._common import FieldErrors, require

# The final report is due this long after the award's effective end.
FINAL_REPORT_AFTER = timedelta(days=60)
# Reminders: "due soon" this many days before the due date; "overdue" the day after it.
DUE_SOON_DAYS = 14


# ---- Progress reports ------------------------------------------------------------------------


def progress_report_due_dates(award: Award) -> dict[str, date]:
    """The schedule rule. Interim: the midpoint of the award's term (start to end date, after
    any no-cost extension). Final: 60 days after the effective end. An award that ended at or
    before its midpoint (closed or terminated early) owes only the final report."""
    midpoint = award.start_date + (award.end_date - award.start_date) // 2
    dates = {ProgressReportKind.FINAL: award.effective_end + FINAL_REPORT_AFTER}
    if award.effective_end > midpoint:
        dates[ProgressReportKind.INTERIM] = midpoint
    return dates


@transaction.atomic
def progress_reports_schedule(*, award: Award) -> list[ProgressReport]:
    """Create the award's progress reports, or move the due dates of unsubmitted ones when the
    award's dates changed. Idempotent: safe to call on every page view and from cron.
    Submitted reports are never changed; an unsubmitted interim report the award no longer
    owes (it ended early) is removed."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    wanted = progress_report_due_dates(award)
    existing = {r.kind: r for r in ProgressReport.objects.filter(award=award)}
    for kind, report in existing.items():
        if kind not in wanted and report.status == ProgressReportStatus.DUE:
            report.delete()
    reports = []
    for kind, due in wanted.items():
        report = existing.get(kind)
        if report is None:
            report = ProgressReport.objects.create(award=award, kind=kind, due_date=due)
        elif report.status == ProgressReportStatus.DUE and report.due_date != due:
            report.due_date = due
            report.save(update_fields=["due_date"])
        reports.append(report)
    return sorted(reports, key=lambda r: (r.due_date, r.kind))


def progress_reports_schedule_missing(award_ids) -> int:
    """Schedule the reports of the given awards (ids, or a queryset of them) that have none yet:
    awards released since the last ``send_reminders`` run, so their PI sees the due dates at
    once. Only released awards are scheduled; returns how many were. The award pages and the
    API call this before listing. All of them in one transaction (and none when nothing is
    missing, so that a page view takes no write lock)."""
    missing = list(
        Award.objects.filter(
            pk__in=award_ids,
            proposal__decision__released_at__isnull=False,
            progress_reports__isnull=True,
        ).only("pk")
    )
    if missing:
        with transaction.atomic():
            for award in missing:
                progress_reports_schedule(award=award)
    return len(missing)


@transaction.atomic
def award_change(
    *,
    award: Award,
    to: str,
    actor: User,
    reason: str = "",
    new_end_date: date | None = None,
    ended_on: date | None = None,
) -> Award:
    """Change an award's status (no-cost extension, close, terminate) and move its progress
    reports with it, in one transaction: an extension moves the unsubmitted due dates, an early
    end drops an interim report the award no longer owes. The award page and the API both
    call this, never ``award_transition`` alone."""
    award = grant_services.award_transition(
        award=award,
        to=to,
        actor=actor,
        reason=reason,
        new_end_date=new_end_date,
        ended_on=ended_on,
    )
    progress_reports_schedule(award=award)
    return award


@transaction.atomic
def progress_reports_schedule_all() -> int:
    """Schedule every award whose decision has been released; returns how many awards."""
    awards = Award.objects.filter(proposal__decision__released_at__isnull=False).only("pk")
    count = 0
    for award in awards:
        progress_reports_schedule(award=award)
        count += 1
    return count


def _check_narrative_lengths(errors: FieldErrors, objectives: str, barriers: str) -> None:
    texts = {"objectives_accomplishments": objectives or "", "barriers_resolutions": barriers or ""}
    for name, text in texts.items():
        if len(text) > NARRATIVE_MAX:
            errors.add(name, too_long_message(NARRATIVE_MAX, len(text)))


@transaction.atomic
def progress_report_submit(
    *,
    report: ProgressReport,
    actor: User,
    objectives_accomplishments: str,
    barriers_resolutions: str,
) -> ProgressReport:
    """The only code that changes a progress report's status (due -> submitted), with history.
    The award's PI (or an administrator) submits; both narratives are required."""
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("award__proposal")
        .get(pk=report.pk)
    )
    require(actor, "reporting.submit_progress_report", report)
    if report.status != ProgressReportStatus.DUE:
        raise ValidationError("This progress report has already been submitted.")
    errors = FieldErrors()
    objectives_accomplishments = (objectives_accomplishments or "").strip()
    barriers_resolutions = (barriers_resolutions or "").strip()
    if not objectives_accomplishments:
        errors.add("objectives_accomplishments", "Describe the objectives and accomplishments.")
    if not barriers_resolutions:
        errors.add(
            "barriers_resolutions", "Describe any barriers and how they were resolved (or none)."
        )
    _check_narrative_lengths(errors, objectives_accomplishments, barriers_resolutions)
    errors.raise_if_any()
    report.objectives_accomplishments = objectives_accomplishments
    report.barriers_resolutions = barriers_resolutions
    report.status = ProgressReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.save(
        update_fields=[
            "objectives_accomplishments",
            "barriers_resolutions",
            "status",
            "submitted_at",
            "submitted_by",
        ]
    )
    record_state_change(
        obj=report,
        from_state=ProgressReportStatus.DUE,
        to_state=ProgressReportStatus.SUBMITTED,
        actor=actor,
    )
    return report


# ---- Reminders -------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    due_soon: list[ProgressReport] = field(default_factory=list)
    overdue: list[ProgressReport] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return len(self.due_soon) + len(self.overdue)


def _remind_once(report: ProgressReport, kind: str) -> bool:
    """Record the reminder; False when one of this kind was already sent. The unique constraint
    decides, so two runs at once still send one mail."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(progress_report=report, kind=kind, sent_at=timezone.now())
    except IntegrityError:
        return False
    transaction.on_commit(lambda: emails.send_progress_report_reminder(report, kind))
    return True


@transaction.atomic
def reminders_send(*, today: date | None = None) -> ReminderRun:
    """Bring every award's schedule up to date, then mail each PI whose report is due within
    14 days ("due soon") or past due ("overdue") — each reminder at most once per report, ever,
    however often this runs. Mail goes out after commit."""
    today = today or timezone.localdate()
    progress_reports_schedule_all()
    due = ProgressReport.objects.filter(status=ProgressReportStatus.DUE).select_related(
        "award", "award__proposal", "award__proposal__pi"
    )
    run = ReminderRun()
    soon = due.filter(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
    for report in soon.exclude(reminders__kind=ReminderKind.DUE_SOON).order_by("due_date", "pk"):
        if _remind_once(report, ReminderKind.DUE_SOON):
            run.due_soon.append(report)
    late = due.filter(due_date__lt=today).exclude(reminders__kind=ReminderKind.OVERDUE)
    for report in late.order_by("due_date", "pk"):
        if _remind_once(report, ReminderKind.OVERDUE):
            run.overdue.append(report)
    return run


# ---- The period's narrative ------------------------------------------------------------------


@transaction.atomic
def narrative_save(
    *, period: str, actor: User, objectives_accomplishments: str, barriers_resolutions: str
) -> ReportingPeriodNarrative:
    """Create or replace the administrator's narrative for an academic year."""
    require(actor, "reporting.manage_reporting")
    try:
        validate_period_label(period)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    errors = FieldErrors()
    _check_narrative_lengths(errors, objectives_accomplishments, barriers_resolutions)
    errors.raise_if_any()
    narrative, _ = ReportingPeriodNarrative.objects.update_or_create(
        period=period,
        defaults={
            "objectives_accomplishments": (objectives_accomplishments or "").strip(),
            "barriers_resolutions": (barriers_resolutions or "").strip(),
            "updated_by": actor,
        },
    )
    return narrative
