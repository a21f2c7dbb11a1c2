"""What the grants pages share: a proposal's page context, service errors on forms, the
edit check, and the pages of a proposal's parts."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.permissions import can

from .. import selectors
from ..choices import NimhdLevel
from ..forms import nimhd_grid
from ..validators import word_count


def apply_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, by field where the form has that field."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = rename.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _fix_url(proposal, field: str, fix: str = "") -> str:
    """Where the applicant fixes a checklist item (``fix``: an eligibility rule's place)."""
    pk = proposal.pk
    if field == "call":
        return reverse("grants:call_detail", args=[proposal.call_id])
    if field == "budget":
        return reverse("grants:proposal_budget", args=[pk])
    if field == "attachments":
        return reverse("grants:proposal_attachments", args=[pk])
    if field == "endorsement":
        return reverse("grants:proposal_team", args=[pk])
    if field == "eligibility" and fix == "team":
        return reverse("grants:proposal_team", args=[pk])
    if field == "eligibility":
        return reverse("accounts:profile")
    if field == "nimhd_domains":  # chosen through the framework's grid of cells
        return reverse("grants:proposal_edit", args=[pk]) + "#id_nimhd_cells"
    return reverse("grants:proposal_edit", args=[pk]) + f"#id_{field}"


def proposal_context(proposal, **extra):
    blockers = [
        {
            "field": b.field,
            "message": b.message,
            "fix": b.fix,
            "fix_url": _fix_url(proposal, b.field, b.fix),
        }
        for b in (selectors.proposal_blockers(proposal) if proposal.is_editable else [])
    ]
    blockers_by_field: dict[str, list[str]] = {}
    for blocker in blockers:
        blockers_by_field.setdefault(blocker["field"], []).append(blocker["message"])
    form = extra.get("form")
    if form is not None and "nimhd_cells" in form.fields:
        extra = {
            "nimhd_grid": nimhd_grid(
                form["nimhd_cells"],
                named_before=[] if proposal.nimhd_cells else proposal.nimhd_domains,
            ),
            "nimhd_levels": NimhdLevel.labels,
            **extra,
        }
    return {
        "proposal": proposal,
        "call": proposal.call,
        "blockers": blockers,
        "blockers_by_field": blockers_by_field,
        "eligibility_exception": (
            selectors.eligibility_exception_for(call=proposal.call, user=proposal.pi)
            if proposal.is_editable
            else None
        ),
        "budget_total": sum((line.amount for line in proposal.budget_lines.all()), 0),
        "endorsement": proposal.endorsement_or_none,
        "is_trainee": getattr(getattr(proposal.pi, "profile", None), "is_trainee", False),
        "abstract_words": word_count(proposal.abstract),
        "aims_words": word_count(proposal.specific_aims),
        "strategy_words": word_count(proposal.research_strategy),
        "max_upload": settings.NORTHSTAR_MAX_UPLOAD_BYTES,
        **extra,
    }


def require_edit(request, proposal):
    if not can(request.user, "grants.change_proposal", proposal):
        raise PermissionDenied("This proposal cannot be edited now.")


def parts_page(request, proposal, template: str, **extra):
    """A page listing one kind of a proposal's parts (team, budget, documents), with the form
    to add one shown only to whoever may edit the proposal now."""
    return render(
        request,
        template,
        proposal_context(
            proposal, can_edit=can(request.user, "grants.change_proposal", proposal), **extra
        ),
    )


def part_removed(request, pk: int, model, part_pk: int, *, remove, message, page: str):
    """Remove one of a proposal's parts (a POST): 404 unless the part is on a proposal the
    user sees, 403 unless they may edit it now; then ``remove(part)`` (the service), the
    ``message`` (or ``message(part)``) and back to the parts' ``page``."""
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    part = get_object_or_404(model, pk=part_pk, proposal=proposal)
    require_edit(request, proposal)
    remove(part)
    messages.success(request, message(part) if callable(message) else message)
    return redirect(page, pk=proposal.pk)
