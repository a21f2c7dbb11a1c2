"""Committees and their members (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from accounts.permissions import can

from .. import selectors, services
from ..forms import CommitteeForm, MemberForm
from ..models import Committee, CommitteeMembership
from .common import flash_errors, form_errors


def _require_admin(request) -> None:
    if not can(request.user, "reviews.manage_committees"):
        raise Http404("No such page.")


@never_cache
@login_required
def committee_list(request):
    _require_admin(request)
    form = CommitteeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee = services.committee_create(
                actor=request.user,
                name=data["name"],
                chair=data["chair"],
                members=list(data["members"]),
                load_cap=data["load_cap"],
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, f"Committee “{committee.name}” created.")
            return redirect("reviews:committee_detail", pk=committee.pk)
    return render(
        request,
        "reviews/committee_list.html",
        {"committees": selectors.committees_list(), "form": form},
    )


@never_cache
@login_required
def committee_detail(request, pk: int):
    _require_admin(request)
    committee = get_object_or_404(Committee.objects.select_related("chair"), pk=pk)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                user = get_object_or_404(
                    CommitteeMembership, committee=committee, user_id=request.POST.get("user")
                ).user
                services.committee_member_remove(committee=committee, user=user, actor=request.user)
                messages.success(request, f"{user.display_name} left the committee.")
                return redirect("reviews:committee_detail", pk=committee.pk)
            if form.is_valid():
                services.committee_member_add(
                    committee=committee,
                    user=form.cleaned_data["user"],
                    actor=request.user,
                    load_cap=form.cleaned_data["load_cap"],
                )
                messages.success(request, "Member added.")
                return redirect("reviews:committee_detail", pk=committee.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "reviews/committee_detail.html",
        {
            "committee": committee,
            # The page shows each member's expertise keywords: one query, not one per member.
            "members": selectors.committee_members(committee).select_related("user__profile"),
            "form": form,
        },
    )
