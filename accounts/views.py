"""Pages for a person's own profile and demographics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .forms import DemographicsForm, ProfileForm, UserNameForm
from .services import demographics_for, profile_for


@login_required
def profile_edit(request):
    profile = profile_for(request.user)
    name_form = UserNameForm(request.POST or None, instance=request.user, prefix="user")
    profile_form = ProfileForm(request.POST or None, instance=profile, prefix="profile")
    if request.method == "POST" and name_form.is_valid() and profile_form.is_valid():
        with transaction.atomic():
            name_form.save()
            profile_form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"name_form": name_form, "profile_form": profile_form},
    )


@never_cache
@login_required
def demographics_edit(request):
    """Only the person edits their own record; administrators read it in the admin."""
    demographics = demographics_for(request.user)
    form = DemographicsForm(request.POST or None, instance=demographics)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Thank you — your answers are saved.")
        return redirect("accounts:demographics")
    return render(request, "accounts/demographics.html", {"form": form})
