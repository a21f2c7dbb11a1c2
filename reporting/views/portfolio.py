"""The NIMHD portfolio page (administrators) and its workbook; the pilot outcomes' workbook."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from grants.models import FundingCall

from ..forms import DashboardFilterForm, PortfolioFilterForm
from ..hrsa.periods import available_periods, parse_period
from ..pilot_outcomes import PilotOutcomesXlsx, dashboard_calls, pilot_outcomes
from ..portfolio import PortfolioXlsx, population_label, portfolio_grid
from ._common import require_reports


def portfolio_scope(calls, years, population) -> str:
    """The filters in words, for the page and the workbook."""
    call_titles = list(
        FundingCall.objects.filter(pk__in=calls).order_by("title").values_list("title", flat=True)
    )
    return "; ".join(
        [
            "Calls: " + (", ".join(call_titles) if call_titles else "all"),
            "Years: " + (", ".join(p.label for p in years) if years else "all"),
            "Population: " + population_label(population).lower(),
        ]
    )


@never_cache
@login_required
def portfolio(request):
    """The grid for the chosen calls, years and population; ``?format=xlsx`` downloads it."""
    require_reports(request)
    form = PortfolioFilterForm(
        request.GET or None,
        calls=FundingCall.objects.order_by("-closes_at", "pk"),
        periods=available_periods(),
    )
    calls, years, population = [], [], None
    if form.is_valid():
        calls = [int(pk) for pk in form.cleaned_data["call"]]
        years = [parse_period(label) for label in form.cleaned_data["year"]]
        population = form.cleaned_data["population"] or None
    grid = portfolio_grid(calls=calls, years=years, population=population)
    scope = portfolio_scope(calls, years, population)
    if request.GET.get("format") == "xlsx":
        exporter = PortfolioXlsx(grid, scope=scope)
        response = HttpResponse(exporter.render(), content_type=exporter.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "reporting/portfolio.html",
        {
            "form": form,
            "grid": grid,
            "scope": scope,
            "narrowed": bool(calls or years or population),
            "export_query": query.urlencode(),
        },
    )


@never_cache
@login_required
def pilot_outcomes_xlsx(request):
    """The dashboard's pilot outcomes as a one-sheet workbook, for the dashboard's call filter
    (``call``, ``period``; bad values are ignored, as on the dashboard)."""
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
    outcomes = pilot_outcomes(
        timezone.localdate(), calls=dashboard_calls(call_id=call_id, period=period)
    )
    call_title = FundingCall.objects.filter(pk=call_id).values_list("title", flat=True).first()
    scope = "; ".join(
        [f"Calls: {call_title or 'all'}", f"Years: {period.label if period else 'all'}"]
    )
    exporter = PilotOutcomesXlsx(outcomes, scope=scope)
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response
