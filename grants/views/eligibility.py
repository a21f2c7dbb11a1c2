"""A call's eligibility exceptions: the administrators' page to grant and revoke them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import PersonSearchForm
from accounts.permissions import can
from accounts.selectors import people_matching

from .. import selectors, services
from ..forms import EligibilityExceptionForm
from ..models import EligibilityException
from ._common import apply_errors


def _call_for_manager(request, pk: int):
    """The call, for administrators; anyone else is told there is no such page."""
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    return get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)


@never_cache
@login_required
def call_eligibility_exceptions(request, pk: int):
    """The call's rules and exceptions, and the form to grant one: find the person with the
    colleague finder (``?q=``, a GET), choose them, give the reason."""
    call = _call_for_manager(request, pk)
    form = EligibilityExceptionForm(request.POST if request.method == "POST" else None)
    query = (request.POST if request.method == "POST" else request.GET).get("q", "")
    search_form = PersonSearchForm({"q": query} if query or "q" in request.GET else None)
    people = (
        people_matching(search_form.cleaned_data["q"], request.user)
        if search_form.is_bound and search_form.is_valid()
        else []
    )
    if request.method == "POST" and form.is_valid():
        try:
            exception = services.eligibility_exception_grant(
                call=call,
                person=form.cleaned_data["person"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"{exception.person.display_name} may apply to this call by exception."
            )
            return redirect("grants:call_eligibility_exceptions", pk=call.pk)
    return render(
        request,
        "grants/call_eligibility_exceptions.html",
        {
            "call": call,
            "rules": selectors.call_rules(call),
            "exceptions": selectors.eligibility_exceptions_of(call),
            "form": form,
            "search_form": search_form,
            "people": people,
            "chosen_person": str(request.POST.get("person", "")),
        },
    )


@login_required
@require_POST
def eligibility_exception_revoke(request, pk: int, exception_pk: int):
    call = _call_for_manager(request, pk)
    exception = get_object_or_404(
        EligibilityException.objects.select_related("person"), pk=exception_pk, call=call
    )
    services.eligibility_exception_revoke(exception=exception, actor=request.user)
    messages.success(
        request,
        f"The exception for {exception.person.display_name} is revoked; the call's rules "
        "apply to them again.",
    )
    return redirect("grants:call_eligibility_exceptions", pk=call.pk)
