"""An award's NIH inclusion enrollment: the planned table, each cumulative actual table, and
planned against actual with the difference; and the program's, added up over funded awards. The award's PI and administrators only
(``reporting.report_enrollment``); the rest of the team may see the award (403 here), anyone
else is told 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.permissions import can
from grants.models import Award

from .. import selectors, services
from ..choices import ENROLLMENT_CELLS, EnrollmentKind
from ..enrollment import (
    COLUMNS,
    ETHNICITIES,
    RACES,
    SEXES,
    EnrollmentCsv,
    EnrollmentXlsx,
    ParticipantCsv,
    cell,
    comparison,
    totals,
)
from ..forms import EnrollmentForm, EnrollmentProgramForm
from ..portfolio import population_label
from ._common import apply_errors, require_reports, visible_award


def _enrolling_award(request, pk: int) -> Award:
    award = visible_award(request, pk)  # 404 for an award the user may not know exists
    if not can(request.user, "reporting.report_enrollment", award):
        raise PermissionDenied("Only the award's PI and administrators report enrollment.")
    return award


def _number(value) -> int:
    try:
        return max(int(str(value).strip()), 0)
    except (TypeError, ValueError):
        return 0


def _cell(field) -> dict:
    """A cell's input, tied to its errors for assistive technology."""
    attrs = {}
    if field.errors:
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_errors"}
    return {"field": field, "widget": field.as_widget(attrs=attrs)}


def _grid(form: EnrollmentForm) -> dict:
    """The form's cells as the NIH layout (races as rows), with the totals of what it shows."""
    shown = {key: _number(form[f"counts.{key}"].value()) for key in ENROLLMENT_CELLS}
    sums = totals(shown)
    rows = [
        {
            "label": label,
            "cells": [_cell(form[f"counts.{cell(e, race, s)}"]) for e, s in COLUMNS],
            "total": sums[race],
        }
        for race, label in RACES
    ]
    return {
        "rows": rows,
        "column_totals": [sums[f"{e}|{s}"] for e, s in COLUMNS],
        "total": sums["all"],
    }


def _initial(kind: str, planned, latest) -> dict:
    source = planned if kind == EnrollmentKind.PLANNED else latest
    initial = {"kind": kind, **{f"counts.{key}": 0 for key in ENROLLMENT_CELLS}}
    if kind == EnrollmentKind.PLANNED and planned is not None:
        initial["enrolls_humans"] = planned.enrolls_humans
    if source is not None:
        initial.update({f"counts.{key}": source.count(key) for key in ENROLLMENT_CELLS})
    return initial


def _caption(planned, latest) -> str:
    nobody = "" if planned is None or planned.enrolls_humans else " (enrolls nobody)"
    when = f"as of {latest.as_of:%b %-d, %Y}" if latest else "(none submitted yet)"
    return f"Planned{nobody} against cumulative actual {when}"


def _participant_csv(award: Award, latest) -> HttpResponse:
    """The latest cumulative table, one row per participant (NIH's participant-level data
    template); 404 before any cumulative table is submitted."""
    if latest is None:
        raise Http404("No cumulative enrollment has been submitted for this award.")
    exporter = ParticipantCsv(latest.counts, award_label=f"NS-{award.proposal_id}")
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response


@never_cache
@login_required
def award_enrollment(request, pk: int):
    award = _enrolling_award(request, pk)
    planned, cumulative = selectors.enrollment_for_award(award)
    latest = cumulative[0] if cumulative else None
    if request.method == "GET" and request.GET.get("format") == "participants":
        return _participant_csv(award, latest)
    if request.method == "POST":
        form = EnrollmentForm(request.POST)
        if form.is_valid():
            data, kind = form.service_data(), form.cleaned_data["kind"]
            try:
                if kind == EnrollmentKind.PLANNED:
                    services.enrollment_planned_save(actor=request.user, award=award, data=data)
                    messages.success(request, "Planned enrollment saved.")
                else:
                    services.enrollment_cumulative_submit(
                        actor=request.user, award=award, data=data
                    )
                    messages.success(request, "Cumulative enrollment submitted.")
                return redirect("reporting:award_enrollment", pk=award.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    else:
        wanted = request.GET.get("table", "")
        kind = wanted if wanted in EnrollmentKind.values else ""
        kind = kind or (EnrollmentKind.CUMULATIVE if planned else EnrollmentKind.PLANNED)
        form = EnrollmentForm(initial=_initial(kind, planned, latest))
    kind = form["kind"].value()
    return render(
        request,
        "reporting/award_enrollment.html",
        {
            "award": award,
            "form": form,
            "kind": kind,
            "is_planned": kind == EnrollmentKind.PLANNED,
            "grid": _grid(form),
            "total_field": form["totals.all"],
            "ethnicities": ETHNICITIES,
            "sexes": SEXES,
            "planned": planned,
            "cumulative": cumulative,
            "latest": latest,
            "comparison": comparison(
                planned.counts if planned else None, latest.counts if latest else None
            ),
            "comparison_caption": _caption(planned, latest),
        },
    )


@never_cache
@login_required
def enrollment_program(request):
    """Planned against cumulative enrollment over the funded awards (administrators), for one
    population or all; ``?format=csv`` or ``?format=xlsx`` downloads the combinations."""
    require_reports(request)
    form = EnrollmentProgramForm(request.GET or None)
    population = form.cleaned_data["population"] or None if form.is_valid() else None
    summary = selectors.enrollment_program(population=population)
    scope = f"Funded awards ({population_label(population)})"
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        if fmt == "csv":
            exporter = EnrollmentCsv(summary["planned"], summary["actual"])
        else:
            exporter = EnrollmentXlsx(summary["planned"], summary["actual"], scope=scope)
        response = HttpResponse(exporter.render(), content_type=exporter.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "reporting/enrollment_program.html",
        {
            "form": form,
            "summary": summary,
            "scope": scope,
            "comparison": comparison(summary["planned"], summary["actual"]),
            "comparison_caption": f"Planned against cumulative actual enrollment: {scope}",
            "query": query.urlencode(),
        },
    )
