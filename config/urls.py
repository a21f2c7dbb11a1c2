"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.sso.views import SignOutView
from accounts.views import SignInView

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    # The audit trail lives with the accounts pages; /audit/ is the short address for it.
    path(
        "audit/",
        RedirectView.as_view(pattern_name="accounts:audit_log", query_string=True),
        name="audit_short",
    ),
    path("", include("grants.urls")),
    path("review/", include("reviews.urls")),
    path("", include("reporting.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

# The sign-in page: Django's view with our template, a "redirect if signed in" guard, and the
# two-factor step after the password.
urlpatterns.insert(1, path("accounts/login/", SignInView.as_view(), name="login"))
# Sign-out: Django's, then single logout at the university's provider where it offers it.
urlpatterns.insert(2, path("accounts/logout/", SignOutView.as_view(), name="logout"))

if settings.NORTHSTAR_BENCH_FLOOR:
    from config.floor import floor

    urlpatterns.append(path("_bench/floor/", floor, name="bench_floor"))

# API addresses that match no route answer in JSON, like every other API 404.
handler404 = "config.api.not_found"
