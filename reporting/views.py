"""Pages for awards, outcomes, progress reports, the HRSA report and the dashboard.

Thin: lookups through selectors (404 for what a user may not know exists), writes through
services, and exports through the one report builder and its exporters.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from config.uploads import stored_file_response
from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.models import Award

from . import selectors, services
from .forms import (
    AwardChangeForm,
    FollowOnFundingForm,
    ImportForm,
    NarrativeForm,
    PartnershipForm,
    PresentationForm,
    ProgressReportForm,
    PublicationForm,
    ReportOptionsForm,
    TraineeOutcomeForm,
    trainees_of,
)
from .hrsa.builder import build_report
from .hrsa.exporters import EXPORTERS, exporter_for, tables_for_display
from .hrsa.periods import available_periods, current_period, parse_period
from .models import (
    ExportJob,
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)
from .services import exports as export_services


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _award(request, pk: int) -> Award:
    return get_object_or_404(selectors.awards_visible_to(request.user), pk=pk)


# ---- Awards ----------------------------------------------------------------------------------


@never_cache
@login_required
def award_list(request):
    services.progress_reports_schedule_missing(
        selectors.awards_visible_to(request.user).values("pk")
    )
    awards = list(selectors.awards_visible_to(request.user))
    context = {"awards": awards}
    if can(request.user, "reporting.manage_reporting"):
        context["overdue"] = selectors.overdue_progress_reports()
    return render(request, "reporting/award_list.html", context)


@never_cache
@login_required
def award_detail(request, pk: int):
    award = _award(request, pk)  # 404 before anything is written for an award not yours
    if services.progress_reports_schedule_missing([award.pk]):
        award = _award(request, pk)
    is_admin = can(request.user, "grants.manage_awards", award)
    change_form = (
        AwardChangeForm(request.POST if request.method == "POST" else None) if is_admin else None
    )
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied("Only administrators change awards.")
        if change_form.is_valid():
            data = change_form.cleaned_data
            try:
                services.award_change(
                    award=award,
                    to=data["to"],
                    actor=request.user,
                    reason=data["reason"],
                    new_end_date=data["new_end_date"],
                    ended_on=data["ended_on"],
                )
            except ValidationError as exc:
                _apply_errors(change_form, exc)
            except grant_services.InvalidTransition as exc:
                change_form.add_error(None, str(exc))
            else:
                messages.success(request, "The award is updated.")
                return redirect("reporting:award_detail", pk=award.pk)
    return render(
        request,
        "reporting/award_detail.html",
        {
            "award": award,
            "proposal": award.proposal,
            "outcomes": selectors.outcomes_for_award(award),
            "reports": award.progress_reports.all(),
            "history": grant_selectors.state_history(award),
            "change_form": change_form,
            "can_record": can(request.user, "reporting.record_outcome", award),
            "kinds": OUTCOME_KINDS,
        },
    )


@never_cache
@login_required
def progress_report(request, pk: int, report_pk: int):
    award = _award(request, pk)
    report = get_object_or_404(ProgressReport, pk=report_pk, award=award)
    may_submit = can(request.user, "reporting.submit_progress_report", report)
    form = ProgressReportForm(
        request.POST if request.method == "POST" else None,
        initial={
            "objectives_accomplishments": report.objectives_accomplishments,
            "barriers_resolutions": report.barriers_resolutions,
        },
    )
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied("Only the award's PI submits its progress reports.")
        if form.is_valid():
            try:
                services.progress_report_submit(
                    report=report, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Progress report submitted. Thank you.")
                return redirect("reporting:award_detail", pk=award.pk)
    return render(
        request,
        "reporting/progress_report.html",
        {"award": award, "report": report, "form": form, "may_submit": may_submit},
    )


# ---- Outcomes: one registry drives the five kinds --------------------------------------------


@dataclass(frozen=True)
class OutcomeKind:
    slug: str
    label: str
    model: type
    form: type
    create: object
    update: object
    delete: object
    many_awards: bool  # linked to awards through a many-to-many (counted once)
    instance_arg: str


OUTCOME_KINDS = {
    kind.slug: kind
    for kind in [
        OutcomeKind(
            "publications",
            "Publication",
            Publication,
            PublicationForm,
            services.publication_create,
            services.publication_update,
            services.publication_delete,
            True,
            "publication",
        ),
        OutcomeKind(
            "presentations",
            "Presentation",
            Presentation,
            PresentationForm,
            services.presentation_create,
            services.presentation_update,
            services.presentation_delete,
            True,
            "presentation",
        ),
        OutcomeKind(
            "funding",
            "Follow-on funding",
            FollowOnFunding,
            FollowOnFundingForm,
            services.follow_on_funding_create,
            services.follow_on_funding_update,
            services.follow_on_funding_delete,
            True,
            "follow_on_funding",
        ),
        OutcomeKind(
            "trainees",
            "Trainee outcome",
            TraineeOutcome,
            TraineeOutcomeForm,
            services.trainee_outcome_create,
            services.trainee_outcome_update,
            services.trainee_outcome_delete,
            False,
            "trainee_outcome",
        ),
        OutcomeKind(
            "partnerships",
            "Partnership",
            Partnership,
            PartnershipForm,
            services.partnership_create,
            services.partnership_update,
            services.partnership_delete,
            False,
            "partnership",
        ),
    ]
}


def _kind(slug: str) -> OutcomeKind:
    kind = OUTCOME_KINDS.get(slug)
    if kind is None:
        raise Http404("No such kind of outcome.")
    return kind


def _outcome_of(kind: OutcomeKind, award: Award, outcome_pk: int):
    if kind.many_awards:
        return get_object_or_404(kind.model, pk=outcome_pk, awards=award)
    return get_object_or_404(kind.model, pk=outcome_pk, award=award)


def _form(kind: OutcomeKind, award: Award, data=None, instance=None):
    extra = {"trainees": trainees_of(award)} if kind.slug == "trainees" else {}
    return kind.form(data, instance=instance, **extra)


@never_cache
@login_required
def outcome_edit(request, pk: int, kind: str, outcome_pk: int | None = None):
    award = _award(request, pk)
    kind = _kind(kind)
    instance = _outcome_of(kind, award, outcome_pk) if outcome_pk else None
    if not can(request.user, "reporting.record_outcome", award):
        raise PermissionDenied("Only the award's team and administrators record outcomes.")
    form = _form(kind, award, request.POST if request.method == "POST" else None, instance)
    if request.method == "POST":
        # Shape first (types, choices); then the service checks the rules on what was given.
        form.is_valid()
        data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
        if not form.errors:
            try:
                if instance is None:
                    target = {"awards": [award]} if kind.many_awards else {"award": award}
                    kind.create(actor=request.user, data=data, **target)
                else:
                    kind.update(actor=request.user, data=data, **{kind.instance_arg: instance})
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"{kind.label} saved.")
                return redirect("reporting:award_detail", pk=award.pk)
    return render(
        request,
        "reporting/outcome_form.html",
        {
            "award": award,
            "kind": kind,
            "form": form,
            "instance": instance,
            "date_hint": services.outcome_date_hint([award]),
        },
    )


@login_required
@require_POST
def outcome_delete(request, pk: int, kind: str, outcome_pk: int):
    award = _award(request, pk)
    kind = _kind(kind)
    instance = _outcome_of(kind, award, outcome_pk)
    try:
        kind.delete(actor=request.user, **{kind.instance_arg: instance})
    except PermissionDenied:
        messages.error(request, "You may not delete this record.")
    else:
        messages.success(request, f"{kind.label} deleted.")
    return redirect("reporting:award_detail", pk=award.pk)


IMPORT_SESSION_KEY = "northstar_publication_import"
REPORT_PAGE_MAX_ROWS = 200


@never_cache
@login_required
def publication_import(request, pk: int):
    """Upload a MEDLINE or RIS file, preview the records (nothing saved), then confirm."""
    award = _award(request, pk)
    if not can(request.user, "reporting.record_outcome", award):
        raise PermissionDenied("Only the award's team and administrators record outcomes.")
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    records = None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stored = request.session.pop(IMPORT_SESSION_KEY, None)
        if not stored or stored.get("award") != award.pk:
            messages.error(request, "The preview expired; upload the file again.")
            return redirect("reporting:publication_import", pk=award.pk)
        result = services.publications_import_commit(
            award=award, records=stored["records"], actor=request.user
        )
        messages.success(
            request,
            f"{len(result.created)} publication{'s' if len(result.created) != 1 else ''} saved; "
            f"{len(result.skipped)} skipped.",
        )
        for record, reason in result.skipped:
            messages.info(request, f"Skipped “{record.title[:80]}”: {reason}")
        return redirect("reporting:award_detail", pk=award.pk)
    if request.method == "POST" and form.is_valid():
        try:
            records = services.publications_import_preview(file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "award": award.pk,
                "records": [r.as_dict() for r in records],
            }
    return render(
        request,
        "reporting/publication_import.html",
        {"award": award, "form": form, "records": records},
    )


# ---- The HRSA report and the dashboard (administrators) -------------------------------------


def _require_reports(request) -> None:
    if not can(request.user, "reporting.view_reports"):
        raise Http404("No such page.")


def _report_options(request):
    periods = available_periods()
    form = ReportOptionsForm(
        request.GET or None,
        periods=periods,
        initial={"period": current_period().label, "threshold": 10},
    )
    if form.is_valid():
        period = parse_period(form.cleaned_data["period"])
        suppress = form.cleaned_data["suppress"]
        threshold = form.cleaned_data["threshold"] or 10
    else:
        period, suppress, threshold = current_period(), False, 10
    return form, period, suppress, threshold


@never_cache
@login_required
def report(request):
    _require_reports(request)
    form, period, suppress, threshold = _report_options(request)
    built = build_report(
        period, suppress=suppress, threshold=threshold, generated_by=request.user.display_name
    )
    query = request.GET.urlencode()
    # A national program's Projects list runs to thousands of rows: the page, like the PDF,
    # shows the first ones and the totals; the workbook has every row.
    tables = tables_for_display(built, REPORT_PAGE_MAX_ROWS)
    checks = next((t for t in tables if t["table"].key == "checks"), None)
    return render(
        request,
        "reporting/report.html",
        {
            "form": form,
            "report": built,
            "checks": checks,
            "tables": [t for t in tables if t is not checks],
            "period": period,
            "query": query,
            "missing_demographics": selectors.participants_missing_demographics(period),
        },
    )


@never_cache
@login_required
def report_export(request, fmt: str):
    _require_reports(request)
    if not can(request.user, "reporting.export_reports"):
        raise Http404("No such page.")
    if fmt not in ("xlsx", "pdf", "json"):
        raise Http404("No such format.")
    _, period, suppress, threshold = _report_options(request)
    built = build_report(
        period, suppress=suppress, threshold=threshold, generated_by=request.user.display_name
    )
    exporter = exporter_for(fmt, built)
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    services.report_export_record(report=built, fmt=fmt, actor=request.user, request=request)
    return response


# ---- Prepared exports: built by a task, polled, then downloaded ------------------------------


def _require_exports(request) -> None:
    _require_reports(request)
    if not can(request.user, "reporting.export_reports"):
        raise Http404("No such page.")


def _export_job(request, pk: int) -> ExportJob:
    """One of the user's own prepared exports (anyone else's is 404, as if it did not exist)."""
    _require_exports(request)
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
    _require_exports(request)
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


@never_cache
@login_required
def narrative(request, period: str):
    _require_reports(request)
    try:
        parsed = parse_period(period)
    except ValidationError as exc:
        raise Http404("No such period.") from exc
    current = ReportingPeriodNarrative.objects.filter(period=parsed.label).first()
    form = NarrativeForm(
        request.POST if request.method == "POST" else None,
        initial={
            "objectives_accomplishments": current.objectives_accomplishments if current else "",
            "barriers_resolutions": current.barriers_resolutions if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        services.narrative_save(period=parsed.label, actor=request.user, **form.cleaned_data)
        messages.success(request, "Narrative saved.")
        return redirect(reverse("reporting:report") + f"?period={parsed.label}")
    return render(request, "reporting/narrative.html", {"form": form, "period": parsed})


@login_required
@require_POST
def reminders(request):
    _require_reports(request)
    run = services.reminders_send()
    messages.success(request, f"{run.sent} reminder{'s' if run.sent != 1 else ''} sent.")
    return redirect("reporting:award_list")


@never_cache
@login_required
def dashboard(request):
    _require_reports(request)
    board = selectors.dashboard_aggregates()
    return render(
        request,
        "reporting/dashboard.html",
        {
            "board": board,
            "charts": [
                _chart(
                    "Funding by population with health disparities",
                    "Awards",
                    [(label, n, dollars) for label, n, dollars in board.funding_by_population],
                ),
                _chart(
                    "Funding by applicant position",
                    "Awards",
                    [(label, n, dollars) for label, n, dollars in board.funding_by_applicant_type],
                ),
                _chart(
                    "Publications by year",
                    "Publications",
                    [(str(year), pubs, dollars) for year, pubs, dollars in board.outcomes_per_year],
                ),
            ],
        },
    )


def _chart(title: str, unit: str, rows: list[tuple[str, int, object]]) -> dict:
    """A horizontal bar chart drawn as inline SVG from the same rows as its data table."""
    top = max((n for _, n, _ in rows), default=0) or 1
    return {
        "title": title,
        "unit": unit,
        "rows": [
            {
                "label": label,
                "count": n,
                "dollars": dollars,
                "width": round(280 * n / top),
                "y": 28 * index + 4,
                "text_y": 28 * index + 17,
                "value_x": 206 + round(280 * n / top),
            }
            for index, (label, n, dollars) in enumerate(rows)
        ],
        "height": 28 * len(rows) + 10,
    }
