"""The NIMHD portfolio page (administrators) and its workbook."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from grants.models import FundingCall

from ..forms import PortfolioFilterForm
from ..hrsa.periods import available_periods, parse_period
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
