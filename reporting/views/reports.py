"""The HRSA report page and its direct export, the period's narrative, reminders and the
dashboard (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from grants.models import FundingCall

from .. import selectors, services
from ..forms import DashboardFilterForm, NarrativeForm, ReportOptionsForm
from ..hrsa.builder import build_report
from ..hrsa.exporters import exporter_for, tables_for_display
from ..hrsa.periods import (
    available_periods,
    current_period,
    last_completed_period,
    parse_period,
)
from ..models import ReportingPeriodNarrative
from ..pilot_outcomes import dashboard_calls, pilot_outcomes
from ._common import require_exports, require_reports

REPORT_PAGE_MAX_ROWS = 200


def _report_options(request):
    """The report's period and suppression from the query; the page opens on the last
    completed academic year (the one a report is filed for), or the only one there is."""
    periods = available_periods()
    default = last_completed_period()
    if default not in periods:
        default = periods[0]
    form = ReportOptionsForm(
        request.GET or None,
        periods=periods,
        initial={"period": default.label, "threshold": 10},
    )
    if form.is_valid():
        period = parse_period(form.cleaned_data["period"])
        suppress = form.cleaned_data["suppress"]
        threshold = form.cleaned_data["threshold"] or 10
    else:
        period, suppress, threshold = default, False, 10
    return form, period, suppress, threshold


@never_cache
@login_required
def report(request):
    require_reports(request)
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
            "in_progress": period == current_period(),
            "query": query,
            "missing_demographics": selectors.participants_missing_demographics(period),
        },
    )


@never_cache
@login_required
def report_export(request, fmt: str):
    require_exports(request)
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


@never_cache
@login_required
def narrative(request, period: str):
    require_reports(request)
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
    require_reports(request)
    run = services.reminders_send()
    messages.success(request, f"{run.sent} reminder{'s' if run.sent != 1 else ''} sent.")
    return redirect("reporting:award_list")


@never_cache
@login_required
def dashboard(request):
    require_reports(request)
    form = DashboardFilterForm(
        request.GET or None,
        calls=FundingCall.objects.order_by("-closes_at", "pk"),
        periods=available_periods(),
    )
    call_id, period = None, None
    if form.is_valid():
        call_id = int(form.cleaned_data["call"]) if form.cleaned_data["call"] else None
        period = parse_period(form.cleaned_data["period"]) if form.cleaned_data["period"] else None
    board = selectors.dashboard_aggregates(call_id=call_id, period=period)
    pilot = pilot_outcomes(
        timezone.localdate(), calls=dashboard_calls(call_id=call_id, period=period)
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "narrowed": call_id is not None or period is not None,
            "board": board,
            "pilot": pilot,
            "pilot_windows": pilot.by_window(),
            "pilot_export_query": request.GET.urlencode() if form.is_valid() else "",
            "charts": [
                _chart(
                    "Funding by population with health disparities",
                    "Awards",
                    "Awarded",
                    board.funding_by_population,
                    note="An award addressing two populations counts under both.",
                ),
                _chart(
                    "Funding by applicant position",
                    "Awards",
                    "Awarded",
                    board.funding_by_applicant_type,
                ),
                _chart(
                    "Publications and follow-on funding by year",
                    "Publications",
                    "Follow-on funding awarded",
                    [(str(year), pubs, dollars) for year, pubs, dollars in board.outcomes_per_year],
                    note="Publications by year published; follow-on funding by year awarded.",
                ),
            ],
        },
    )


def _chart(
    title: str, unit: str, money: str, rows: list[tuple[str, int, object]], note: str = ""
) -> dict:
    """A chart that is its own data table: each row's label in full, its count with a bar
    drawn to scale (the longest bar is the largest count, said in the caption), and the
    dollars under a heading that says what they are."""
    top = max((n for _, n, _ in rows), default=0)
    return {
        "title": title,
        "unit": unit,
        "money": money,
        "note": note,
        "top": top,
        "rows": [
            {
                "label": label,
                "count": n,
                "dollars": dollars,
                "bar": round(100 * n / top) if top else 0,
            }
            for label, n, dollars in rows
        ],
    }
