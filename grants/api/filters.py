"""Query filters of the grants lists. Every value is validated by a form field, so garbage in
a query string answers 400 with the parameter's name, never a server error."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.choices import ApplicantType
from grants import selectors
from grants.choices import (
    AwardStatus,
    CallStatus,
    DisparityPopulation,
    EndorsementStatus,
    ProposalStatus,
)
from grants.models import Award, Endorsement, FundingCall, Proposal

# Ids in filters fit a database bigint; anything else is refused before it reaches SQL.
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object id: whole numbers only (NumberFilter alone would take 1.5 or 1e3)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallStatus.choices)
    open = django_filters.BooleanFilter(
        method="filter_open", label="Open for submissions now (true) or not (false)."
    )

    class Meta:
        model = FundingCall
        fields = ["status", "open"]

    def filter_open(self, queryset, name, value):
        now = timezone.now()
        accepting = Q(status=CallStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
        return queryset.filter(accepting) if value else queryset.exclude(accepting)


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    call = IdFilter(field_name="call_id", label="Funding call id.")
    pi = IdFilter(field_name="pi_id", label="User id of the principal investigator.")
    department = django_filters.CharFilter(
        field_name="pi__profile__department",
        lookup_expr="icontains",
        max_length=200,
        label="Part of the PI's department, any case.",
    )
    applicant_type = django_filters.ChoiceFilter(
        field_name="pi__profile__applicant_type",
        choices=ApplicantType.choices,
        label="The PI's position.",
    )
    disparity_population = django_filters.ChoiceFilter(
        choices=DisparityPopulation.choices,
        method="filter_disparity_population",
        label="Proposals naming this population with health disparities.",
    )
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        label="Submitted on or after this date (YYYY-MM-DD, program time zone).",
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__lte",
        label="Submitted on or before this date (YYYY-MM-DD, program time zone).",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        label="Words in the title or abstract, or the PI's name, any case; NS-123 finds that one.",
    )

    class Meta:
        model = Proposal
        fields = [
            "status",
            "call",
            "pi",
            "department",
            "applicant_type",
            "disparity_population",
            "submitted_after",
            "submitted_before",
            "search",
        ]

    def filter_disparity_population(self, queryset, name, value):
        return selectors.proposals_naming_population(queryset, value)

    def filter_search(self, queryset, name, value):
        return selectors.proposals_matching(queryset, value)


class AwardFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AwardStatus.choices)
    call = IdFilter(field_name="call_id", label="Funding call id.")

    class Meta:
        model = Award
        fields = ["status", "call"]


class EndorsementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EndorsementStatus.choices)

    class Meta:
        model = Endorsement
        fields = ["status"]
