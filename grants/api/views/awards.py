"""Awards, as their teams (once released) and administrators see them."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from config.api import READ_ERRORS, error_responses
from config.api_views import ScopedViewSet
from grants import selectors
from grants.models import Award

from ..filters import AwardFilter
from ..serializers import AwardSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List awards",
        description="Administrators see every award; PIs and team members see theirs once "
        "the decision is released.",
        responses={200: AwardSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One award", responses={200: AwardSerializer, **error_responses(*READ_ERRORS)}
    ),
)
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    ordering_fields = ["start_date", "end_date", "amount", "pk"]
    ordering = ["-start_date", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Award.objects.none()
        return selectors.awards_visible_to(self.request.user)
