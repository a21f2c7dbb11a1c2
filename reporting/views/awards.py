"""An award's pages: the list, the award (with its change of status) and a progress report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from accounts.permissions import can
from grants import selectors as grant_selectors
from grants import services as grant_services

from .. import selectors, services
from ..forms import AwardChangeForm, ProgressReportForm
from ..models import ProgressReport
from ._common import apply_errors, visible_award
from .outcomes import OUTCOME_KINDS


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
    award = visible_award(request, pk)  # 404 before anything is written for an award not yours
    if services.progress_reports_schedule_missing([award.pk]):
        award = visible_award(request, pk)
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
                apply_errors(change_form, exc)
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
            "can_manage_support": can(request.user, "reporting.manage_support", award),
            "can_report_enrollment": can(request.user, "reporting.report_enrollment", award),
            "kinds": OUTCOME_KINDS,
        },
    )


@never_cache
@login_required
def progress_report(request, pk: int, report_pk: int):
    award = visible_award(request, pk)
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
                apply_errors(form, exc)
            else:
                messages.success(request, "Progress report submitted. Thank you.")
                return redirect("reporting:award_detail", pk=award.pk)
    return render(
        request,
        "reporting/progress_report.html",
        {"award": award, "report": report, "form": form, "may_submit": may_submit},
    )
