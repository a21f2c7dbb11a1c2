"""/api/v1/: every app's endpoints, the token endpoint, and the OpenAPI schema and docs."""

from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

# The schema and its docs are for people signed in (a session or a token): anonymous callers
# get 401, like every other endpoint but the token one.
SIGNED_IN = [IsAuthenticated]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI. A person opening it in a browser while signed out is sent to the sign-in
    page and back (a bare 401 reads as a broken page); scripts still get 401."""

    def dispatch(self, request, *args, **kwargs):
        wants_page = (
            "text/html" in request.headers.get("Accept", "") and "script" not in request.GET
        )
        if wants_page and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("grants.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("reporting.api.urls")),
    path("schema/", SpectacularAPIView.as_view(permission_classes=SIGNED_IN), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script
    # for the Content-Security-Policy to refuse.
    path(
        "docs/",
        ApiDocsView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html", permission_classes=SIGNED_IN
        ),
        name="api-docs",
    ),
]
