"""The program office's correction of a submitted proposal's NIMHD classification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.permissions import can

from .. import selectors, services
from ..forms import NimhdCorrectionForm
from ._common import apply_errors, proposal_context


@never_cache
@login_required
def proposal_classification(request, pk: int):
    """The grid and a required reason (administrators, once the proposal is submitted)."""
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if not can(request.user, "grants.correct_classification", proposal):
        raise PermissionDenied(
            "Only an administrator corrects the classification, after submission."
        )
    if request.method == "POST":
        form = NimhdCorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.proposal_classification_correct(
                    proposal=proposal,
                    actor=request.user,
                    cells=form.cleaned_data["nimhd_cells"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, services.InvalidTransition) as exc:
                if isinstance(exc, ValidationError):
                    apply_errors(form, exc)
                else:
                    form.add_error(None, str(exc))
            else:
                messages.success(request, "The NIMHD classification is corrected.")
                return redirect("grants:proposal_detail", pk=proposal.pk)
    else:
        form = NimhdCorrectionForm(initial={"nimhd_cells": proposal.nimhd_cells})
    return render(
        request, "grants/proposal_classification.html", proposal_context(proposal, form=form)
    )
