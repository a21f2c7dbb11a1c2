"""The NIMHD portfolio grid and the pilot outcomes as data (administrators)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import error_responses
from config.api_views import require
from grants.choices import DisparityPopulation
from grants.models import FundingCall

from ...hrsa.periods import parse_period
from ...pilot_outcomes import pilot_outcomes
from ...portfolio import portfolio_grid


class PortfolioQuerySerializer(serializers.Serializer):
    call = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    year = serializers.ListField(child=serializers.CharField(max_length=9), required=False)
    population = serializers.ChoiceField(DisparityPopulation.choices, required=False)

    def validate_call(self, value: list[int]) -> list[int]:
        known = set(FundingCall.objects.filter(pk__in=value).values_list("pk", flat=True))
        unknown = [pk for pk in value if pk not in known]
        if unknown:
            raise serializers.ValidationError(f"No such call: {unknown[0]}.")
        return value

    def validate_year(self, value: list[str]) -> list:
        try:
            return [parse_period(label) for label in value]
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc


class NimhdPortfolioView(APIView):
    @extend_schema(
        summary="The NIMHD portfolio grid",
        description="Administrators only (403 for everyone else). The NIMHD Research "
        "Framework's domains (rows) x levels (columns) over the proposals with a released "
        "decision (`reporting.portfolio.portfolio_grid`): per cell the funded count, the "
        "award dollars and the not-funded count. A proposal in several cells counts once in "
        "each cell and once in every total; proposals without cells are `unclassified`. "
        "Repeat `call` (call ids) and `year` (academic years of the call's deadline, e.g. "
        "`2025-2026`) to choose several; `population` narrows to one population with health "
        "disparities. An unknown call, a malformed year or an unknown population is 400.",
        parameters=[
            OpenApiParameter("call", OpenApiTypes.INT, many=True, description="Call ids."),
            OpenApiParameter("year", OpenApiTypes.STR, many=True, description="2025-2026."),
            OpenApiParameter(
                "population",
                OpenApiTypes.STR,
                enum=DisparityPopulation.values,
                description="One population with health disparities.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        require(
            request.user,
            "reporting.view_reports",
            message="Only administrators see the portfolio.",
        )
        query = PortfolioQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        grid = portfolio_grid(
            calls=options.get("call"),
            years=options.get("year"),
            population=options.get("population"),
        )
        return Response(grid.as_dict())


class PilotOutcomesQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    call = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)

    validate_call = PortfolioQuerySerializer.validate_call

    def validate_as_of(self, value):
        # Three years back must still be a date: the calendar's first years are refused.
        if value.year < 1900:
            raise serializers.ValidationError("Give a date from 1900 on.")
        return value


class PilotOutcomesView(APIView):
    @extend_schema(
        summary="Pilot outcomes (the CTSA common metric)",
        description="Administrators only (403 for everyone else). For the released awards "
        "that ended at least 1, 2 and 3 years before `as_of` (default: today): per window, "
        "the awards counted, the share with a publication, the share with awarded follow-on "
        "funding, and follow-on dollars per dollar awarded (`reporting.pilot_outcomes`) — "
        "overall, by call, by the PI's position and by population. The answer carries the "
        "definitions the dashboard prints. Shares are percentages as strings (one decimal), "
        "`null` when no award ended that long ago. Repeat `call` (call ids) to narrow. A "
        "malformed date or an unknown call is 400.",
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("call", OpenApiTypes.INT, many=True, description="Call ids."),
        ],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        require(
            request.user,
            "reporting.view_reports",
            message="Only administrators see the portfolio.",
        )
        query = PilotOutcomesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        outcomes = pilot_outcomes(
            options.get("as_of") or timezone.localdate(), calls=options.get("call") or None
        )
        return Response(outcomes.as_dict())
