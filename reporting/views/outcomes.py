"""Recording, changing and deleting an award's outcomes (one page for the five kinds), and
importing its publications."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants.models import Award

from .. import services
from ..forms import (
    FollowOnFundingForm,
    ImportForm,
    PartnershipForm,
    PresentationForm,
    PublicationForm,
    TraineeOutcomeForm,
    trainees_of,
)
from ._common import apply_errors, visible_award

# ---- Outcomes: one registry drives the five kinds --------------------------------------------


@dataclass(frozen=True)
class OutcomePage:
    """One kind of outcome on the web: its URL slug, its name on the page, its form, and the
    service kind that records it (the model and the rules)."""

    slug: str
    label: str
    kind: services.OutcomeKind
    form: type


OUTCOME_KINDS = {
    page.slug: page
    for page in [
        OutcomePage("publications", "Publication", services.PUBLICATION, PublicationForm),
        OutcomePage("presentations", "Presentation", services.PRESENTATION, PresentationForm),
        OutcomePage(
            "funding", "Follow-on funding", services.FOLLOW_ON_FUNDING, FollowOnFundingForm
        ),
        OutcomePage("trainees", "Trainee outcome", services.TRAINEE_OUTCOME, TraineeOutcomeForm),
        OutcomePage("partnerships", "Partnership", services.PARTNERSHIP, PartnershipForm),
    ]
}


def _require_recorder(request, award: Award) -> None:
    if not can(request.user, "reporting.record_outcome", award):
        raise PermissionDenied("Only the award's team and administrators record outcomes.")


def _page(slug: str) -> OutcomePage:
    page = OUTCOME_KINDS.get(slug)
    if page is None:
        raise Http404("No such kind of outcome.")
    return page


def _outcome_of(page: OutcomePage, award: Award, outcome_pk: int):
    if page.kind.linked:
        return get_object_or_404(page.kind.model, pk=outcome_pk, awards=award)
    return get_object_or_404(page.kind.model, pk=outcome_pk, award=award)


def _form(page: OutcomePage, award: Award, data=None, instance=None):
    extra = {"trainees": trainees_of(award)} if page.slug == "trainees" else {}
    return page.form(data, instance=instance, **extra)


@never_cache
@login_required
def outcome_edit(request, pk: int, kind: str, outcome_pk: int | None = None):
    award = visible_award(request, pk)
    page = _page(kind)
    instance = _outcome_of(page, award, outcome_pk) if outcome_pk else None
    _require_recorder(request, award)
    form = _form(page, award, request.POST if request.method == "POST" else None, instance)
    if request.method == "POST":
        # Shape first (types, choices); then the service checks the rules on what was given.
        form.is_valid()
        data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
        if not form.errors:
            try:
                if instance is None:
                    target = {"awards": [award]} if page.kind.linked else {"award": award}
                    services.outcome_create(page.kind, actor=request.user, data=data, **target)
                else:
                    services.outcome_update(
                        page.kind, actor=request.user, outcome=instance, data=data
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{page.label} saved.")
                return redirect("reporting:award_detail", pk=award.pk)
    return render(
        request,
        "reporting/outcome_form.html",
        {
            "award": award,
            "kind": page,
            "form": form,
            "instance": instance,
            "date_hint": services.outcome_date_hint([award]),
        },
    )


@login_required
@require_POST
def outcome_delete(request, pk: int, kind: str, outcome_pk: int):
    award = visible_award(request, pk)
    page = _page(kind)
    instance = _outcome_of(page, award, outcome_pk)
    try:
        services.outcome_delete(page.kind, actor=request.user, outcome=instance)
    except PermissionDenied:
        messages.error(request, "You may not delete this record.")
    else:
        messages.success(request, f"{page.label} deleted.")
    return redirect("reporting:award_detail", pk=award.pk)


# ---- Publication import ----------------------------------------------------------------------

IMPORT_SESSION_KEY = "northstar_publication_import"


@never_cache
@login_required
def publication_import(request, pk: int):
    """Upload a citation file (MEDLINE, RIS, BibTeX, CSL JSON), preview the records (nothing
    saved), then confirm."""
    award = visible_award(request, pk)
    _require_recorder(request, award)
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
