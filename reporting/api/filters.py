"""Query filters of the reporting lists. Every value is validated by a form field, so garbage
in a query string answers 400 with the parameter's name, never a server error."""

import django_filters
from django import forms

from grants.api.filters import IdFilter
from reporting.choices import (
    FundingStatus,
    PartnershipPurpose,
    PartnerType,
    PresentationKind,
    PresentationLevel,
    ProgressReportKind,
    ProgressReportStatus,
    SponsorType,
)
from reporting.models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    TraineeOutcome,
)
from reporting.selectors import awards_visible_to


class YearFilter(django_filters.NumberFilter):
    """A calendar year: whole numbers a date can hold (a ``__year`` lookup outside 1..9999
    would fail in Python's date, not answer empty)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def _after(field_name: str, what: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr="gte", label=f"{what} on or after (YYYY-MM-DD)."
    )


def _before(field_name: str, what: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr="lte", label=f"{what} on or before (YYYY-MM-DD)."
    )


class ProgressReportFilter(django_filters.FilterSet):
    award = IdFilter(field_name="award_id", label="Award id.")
    status = django_filters.ChoiceFilter(choices=ProgressReportStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ProgressReportKind.choices)
    due_after = _after("due_date", "Due")
    due_before = _before("due_date", "Due")

    class Meta:
        model = ProgressReport
        fields = ["award", "status", "kind", "due_after", "due_before"]


class LinkedOutcomeFilter(django_filters.FilterSet):
    """Outcomes linked to awards through a many-to-many (publications, presentations, funding)."""

    award = IdFilter(method="filter_award", label="Award id: outcomes linked to this award.")

    def filter_award(self, queryset, name, value):
        # Only through an award the caller may see: a link to someone else's award is not
        # something to learn by filtering on its id.
        visible = awards_visible_to(self.request.user).filter(pk=value).values("pk")
        return queryset.filter(awards__in=visible)


class PublicationFilter(LinkedOutcomeFilter):
    year = YearFilter(field_name="year", label="Year published.")
    published_after = _after("published_on", "Published")
    published_before = _before("published_on", "Published")
    peer_reviewed = django_filters.BooleanFilter()
    disparities_focused = django_filters.BooleanFilter()

    class Meta:
        model = Publication
        fields = [
            "award",
            "year",
            "published_after",
            "published_before",
            "peer_reviewed",
            "disparities_focused",
        ]


class PresentationFilter(LinkedOutcomeFilter):
    year = YearFilter(field_name="presented_on", lookup_expr="year", label="Year presented.")
    presented_after = _after("presented_on", "Presented")
    presented_before = _before("presented_on", "Presented")
    kind = django_filters.ChoiceFilter(choices=PresentationKind.choices)
    level = django_filters.ChoiceFilter(choices=PresentationLevel.choices)

    class Meta:
        model = Presentation
        fields = ["award", "year", "presented_after", "presented_before", "kind", "level"]


class FollowOnFundingFilter(LinkedOutcomeFilter):
    status = django_filters.ChoiceFilter(choices=FundingStatus.choices)
    sponsor_type = django_filters.ChoiceFilter(choices=SponsorType.choices)
    applied_after = _after("applied_on", "Applied")
    applied_before = _before("applied_on", "Applied")
    decided_after = _after("decided_on", "Decided")
    decided_before = _before("decided_on", "Decided")

    class Meta:
        model = FollowOnFunding
        fields = [
            "award",
            "status",
            "sponsor_type",
            "applied_after",
            "applied_before",
            "decided_after",
            "decided_before",
        ]


class TraineeOutcomeFilter(django_filters.FilterSet):
    award = IdFilter(field_name="award_id", label="Award id.")
    trainee = IdFilter(field_name="trainee_id", label="User id of the trainee.")
    recorded_after = _after("recorded_on", "Recorded")
    recorded_before = _before("recorded_on", "Recorded")

    class Meta:
        model = TraineeOutcome
        fields = ["award", "trainee", "recorded_after", "recorded_before"]


class PartnershipFilter(django_filters.FilterSet):
    award = IdFilter(field_name="award_id", label="Award id.")
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    purpose = django_filters.ChoiceFilter(choices=PartnershipPurpose.choices)

    class Meta:
        model = Partnership
        fields = ["award", "partner_type", "purpose"]
