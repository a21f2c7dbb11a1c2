"""/api/v1/: every app's endpoints, the token endpoint, and the OpenAPI schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

# The schema and its docs are for people signed in (a session or a token): anonymous callers
# get 401, like every other endpoint but the token one.
SIGNED_IN = [IsAuthenticated]

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
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html", permission_classes=SIGNED_IN
        ),
        name="api-docs",
    ),
]
