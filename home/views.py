"""The home page: what needs each person's attention (selectors.dashboard_for)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import dashboard_for


@login_required
def dashboard(request):
    return render(request, "home/dashboard.html", dashboard_for(request.user))
