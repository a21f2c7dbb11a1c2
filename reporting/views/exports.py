"""Prepared exports of the HRSA report: built by a task, polled, then downloaded."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.uploads import stored_file_response

from ..forms import ReportOptionsForm
from ..hrsa.exporters import EXPORTERS
from ..hrsa.periods import available_periods
from ..models import ExportJob
from ..services import exports as export_services
from ._common import require_exports


def _export_job(request, pk: int) -> ExportJob:
    """One of the user's own prepared exports (anyone else's is 404, as if it did not exist)."""
    require_exports(request)
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


# A job still "running" this long after it started lost its worker past every retry (the
# task's hard time limit has long passed): say so rather than poll forever.
def _interrupted(job: ExportJob) -> bool:
    limit = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 660) + 120)
    return (
        job.status == ExportJob.Status.RUNNING
        and job.started_at is not None
        and timezone.now() - job.started_at > limit
    )


def _job_state(job: ExportJob) -> dict:
    """What the progress page shows and its script polls for."""
    status, label, error = job.status, job.get_status_display(), job.error
    if _interrupted(job):
        status, label = ExportJob.Status.FAILED, ExportJob.Status.FAILED.label
        error = "The worker preparing the file stopped before it finished. Prepare it again."
    done = status == ExportJob.Status.DONE
    return {
        "id": job.pk,
        "status": status,
        "label": label,
        "progress": 100 if done else job.progress,
        "finished": status in (ExportJob.Status.DONE, ExportJob.Status.FAILED),
        "error": error if status == ExportJob.Status.FAILED else "",
        "filename": job.filename if done else "",
        "download_url": reverse("reporting:export_job_download", args=[job.pk]) if done else None,
    }


@login_required
@require_POST
def export_job_create(request):
    """Queue the file (the report page's "Prepare the export"), then show its progress."""
    require_exports(request)
    form = ReportOptionsForm(request.POST, periods=available_periods())
    fmt = request.POST.get("format", "")
    if not form.is_valid() or fmt not in EXPORTERS:
        messages.error(request, "Choose a reporting period and a format to prepare.")
        return redirect("reporting:report")
    try:
        job = export_services.export_job_create(
            actor=request.user,
            period=form.cleaned_data["period"],
            fmt=fmt,
            suppress=form.cleaned_data["suppress"],
            threshold=form.cleaned_data["threshold"] or 10,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:report")
    return redirect("reporting:export_job", pk=job.pk)


@never_cache
@login_required
def export_job(request, pk: int):
    job = _export_job(request, pk)
    return render(request, "reporting/export_job.html", {"job": job, "state": _job_state(job)})


@never_cache
@login_required
def export_job_status(request, pk: int):
    return JsonResponse(_job_state(_export_job(request, pk)))


@never_cache
@login_required
def export_job_download(request, pk: int):
    """The prepared file, after the same check as the direct export, audited the same way."""
    job = _export_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404("The file is not ready.")
    try:
        response = stored_file_response(
            job.file, filename=job.filename, content_type=EXPORTERS[job.format].content_type
        )
    except FileNotFoundError as exc:
        raise Http404("The file is gone; prepare it again.") from exc
    export_services.export_job_download_record(job=job, actor=request.user, request=request)
    return response
