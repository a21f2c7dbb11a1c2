"""Exports of the HRSA report: the audit entry every export writes (web page, API, command and
prepared file alike), and prepared exports — files built by a task and downloaded later."""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User

from ..hrsa.builder import build_report
from ..hrsa.exporters import exporter_for
from ..hrsa.periods import available_periods, parse_period
from ..models import ExportJob
from ._common import require

logger = logging.getLogger("northstar.tasks")

Status = ExportJob.Status


def _export_record(
    *, period: str, fmt: str, suppressed: bool, threshold: int, actor, request, note: str
) -> None:
    audit_record(
        action=AuditAction.REPORT_EXPORTED,
        actor=actor,
        request=request,
        object_type="reporting.hrsa_report",
        object_id=period,
        object_repr=f"HRSA report {period}",
        after={
            "format": fmt,
            "suppressed": suppressed,
            "threshold": threshold if suppressed else None,
        },
        note=note,
    )


def report_export_record(*, report, fmt: str, actor=None, request=None, note: str = "") -> None:
    """Write one ``report_exported`` audit entry: which period, format and suppression, and
    who (``actor``; None for a command run from the shell). The entry is the only side effect."""
    _export_record(
        period=report.period_label,
        fmt=fmt,
        suppressed=report.suppressed,
        threshold=report.threshold,
        actor=actor,
        request=request,
        note=note,
    )


def export_job_download_record(*, job: ExportJob, actor: User, request=None) -> None:
    """The same ``report_exported`` entry as a direct export, written when a prepared file is
    handed out (each download: the moment the data leaves), naming the job."""
    _export_record(
        period=job.period,
        fmt=job.format,
        suppressed=job.suppress,
        threshold=job.threshold,
        actor=actor,
        request=request,
        note=f"Prepared export {job.pk}.",
    )


@transaction.atomic
def export_job_create(
    *, actor: User, period: str, fmt: str, suppress: bool = False, threshold: int = 10
) -> ExportJob:
    """Queue the building of one export file for ``actor`` (who must be allowed to export).

    The task is queued after commit, so a worker always finds the row; in eager mode (no
    broker) it runs then, and the job is finished when this returns to the outermost caller.
    A broker that refuses the task leaves the job failed, saying so."""
    require(actor, "reporting.export_reports")
    label = parse_period(period).label
    if label not in {p.label for p in available_periods()}:
        raise ValidationError({"period": "There is no report for this period."})
    if fmt not in ExportJob.Format.values:
        raise ValidationError({"format": "Choose xlsx, pdf or json."})
    if not 1 <= threshold <= 50:
        raise ValidationError({"threshold": "The threshold is from 1 to 50."})
    job = ExportJob.objects.create(
        requested_by=actor, period=label, format=fmt, suppress=suppress, threshold=threshold
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from ..tasks import build_export  # the task module imports these services

    try:
        build_export.delay(job_id)
    except OperationalError:
        logger.exception("The task broker refused export job %s.", job_id)
        ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            error="The task queue is not available. Try again in a minute, or use the direct "
            "download on the report page.",
            finished_at=timezone.now(),
        )


def _progress(job_id: int, percent: int) -> None:
    # Committed at once (no transaction around the run), so the progress page sees it.
    ExportJob.objects.filter(pk=job_id).update(progress=percent)


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Build the job's report, render its file and store it through the storage API (local
    disk or object store); the row says done with the file, or failed with the reason (and no
    file). Safe to run twice: a finished job is left alone (None), and a job whose worker was
    lost while running is built again."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.RUNNING, progress=10, started_at=timezone.now(), error="")
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        report = build_report(
            job.period,
            suppress=job.suppress,
            threshold=job.threshold,
            generated_by=job.requested_by.display_name,
        )
        _progress(job.pk, 60)
        exporter = exporter_for(job.format, report)
        content = exporter.render()
        _progress(job.pk, 90)
        job.file.save(exporter.filename, ContentFile(content), save=False)
    except Exception as exc:  # any failure is the job's, told to the person who asked
        # The page says what kind of failure; the traceback (paths, SQL) stays in the log.
        logger.exception("Export job %s failed.", job.pk)
        if isinstance(exc, SoftTimeLimitExceeded):
            reason = "It took longer than the time allowed for a task."
        else:
            reason = f"{type(exc).__name__}; the details are in the task worker's log."
        job.status = Status.FAILED
        job.error = f"The file could not be prepared. {reason}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.filename = exporter.filename
    job.status = Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "progress", "finished_at"])
    return job
