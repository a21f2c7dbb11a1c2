"""What the reporting serializers share: money, optional text and dates, a yes/no/unknown
choice, and awards by id (those the caller may see)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grants.models import Award
from reporting.choices import YesNoUnknown

MONEY = {"max_digits": 12, "decimal_places": 2}


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, **kwargs)


def _id(**kwargs) -> serializers.IntegerField:
    """A row's id in a request body: a positive integer that fits the database's key."""
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, **kwargs)


def _yes_no(label: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(YesNoUnknown.choices, required=False, help_text=label)


class AwardsField(serializers.PrimaryKeyRelatedField):
    """An award the caller may see, by id (one they may not see is an unknown id)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Award.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        # Set per request by the view: reporting.selectors.awards_visible_to, unprefetched.
        return self.root.context.get("awards", Award.objects.none())


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class AwardIdsField(serializers.Field):
    """The ids of a list of awards (the view prefetches those the caller may see)."""

    def to_representation(self, awards) -> list[int]:
        return [award.pk for award in awards]
