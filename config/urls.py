"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("grants.urls")),
    path("review/", include("reviews.urls")),
    path("", include("reporting.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

# The sign-in page keeps Django's view with our template and a "redirect if signed in" guard.
urlpatterns.insert(
    1,
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
)
