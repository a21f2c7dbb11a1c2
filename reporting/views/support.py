"""An award's trainee support (INDGEN): who was paid what from it, and each supported person's
training status. The award's PI and administrators only (``reporting.manage_support``); the
rest of the team may see the award (403 here), anyone else is told 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants.models import Award

from .. import selectors, services
from ..forms import SupportForm, TrainingStatusForm
from ..models import ParticipantSupport
from ._common import apply_errors, visible_award

SUPPORT_PREFIX, STATUS_PREFIX = "support", "status"


def _managed_award(request, pk: int) -> Award:
    award = visible_award(request, pk)  # 404 for an award the user may not know exists
    if not can(request.user, "reporting.manage_support", award):
        raise PermissionDenied("Only the award's PI and administrators record trainee support.")
    return award


def _forms(award: Award, data=None, *, which: str = "", instance=None):
    people, programs = selectors.support_people(award), selectors.training_programs()
    initial = {}
    if instance is not None:
        initial = {name: getattr(instance, name) for name in services.SUPPORT_FIELDS}
    support = SupportForm(
        data if which == SUPPORT_PREFIX else None,
        people=people,
        programs=programs,
        prefix=SUPPORT_PREFIX,
        initial=initial,
    )
    status = TrainingStatusForm(
        data if which == STATUS_PREFIX else None,
        people=people,
        programs=programs,
        prefix=STATUS_PREFIX,
    )
    return support, status


def _save(form, service, **kwargs) -> bool:
    """Shape first (the form), then the service's rules; their errors land on the form."""
    if not form.is_valid():
        return False
    try:
        service(data=dict(form.cleaned_data), **kwargs)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True


@never_cache
@login_required
def award_support(request, pk: int):
    award = _managed_award(request, pk)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    support_form, status_form = _forms(award, request.POST or None, which=which)
    if request.method == "POST":
        if which == SUPPORT_PREFIX:
            saved = _save(
                support_form,
                services.participant_support_create,
                actor=request.user,
                award=award,
            )
            if saved:
                messages.success(request, "Support recorded.")
                return redirect("reporting:award_support", pk=award.pk)
        elif which == STATUS_PREFIX:
            saved = _save(
                status_form, services.training_status_record, actor=request.user, award=award
            )
            if saved:
                messages.success(request, "Training status saved.")
                return redirect("reporting:award_support", pk=award.pk)
        else:
            messages.error(request, "Choose what to save.")
    support = list(selectors.support_for_award(award))
    return render(
        request,
        "reporting/award_support.html",
        {
            "award": award,
            "support": support,
            "people": selectors.supported_people(award, support),
            "support_form": support_form,
            "status_form": status_form,
        },
    )


@never_cache
@login_required
def support_edit(request, pk: int, support_pk: int):
    award = _managed_award(request, pk)
    item = get_object_or_404(ParticipantSupport, pk=support_pk, award=award)
    form, _ = _forms(
        award,
        request.POST if request.method == "POST" else None,
        which=SUPPORT_PREFIX,
        instance=item,
    )
    if request.method == "POST" and _save(
        form, services.participant_support_update, actor=request.user, support=item
    ):
        messages.success(request, "Support changed.")
        return redirect("reporting:award_support", pk=award.pk)
    return render(
        request,
        "reporting/support_form.html",
        {"award": award, "item": item, "form": form},
    )


@login_required
@require_POST
def support_delete(request, pk: int, support_pk: int):
    award = _managed_award(request, pk)
    item = get_object_or_404(ParticipantSupport, pk=support_pk, award=award)
    services.participant_support_delete(actor=request.user, support=item)
    messages.success(request, "Support record deleted.")
    return redirect("reporting:award_support", pk=award.pk)
