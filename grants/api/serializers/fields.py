"""What the grants serializers share: money in and out as a decimal string, optional text,
and the NIMHD framework cells as choices."""

from rest_framework import serializers

from grants.choices import NIMHD_CELLS, nimhd_cell_label

MONEY = {"max_digits": 12, "decimal_places": 2}
NIMHD_CELL_CHOICES = [(cell, nimhd_cell_label(cell)) for cell in NIMHD_CELLS]


def _money(**kwargs) -> serializers.DecimalField:
    # Money goes out as a string ("15000.00") so no client reads it as a float; it comes in
    # as a string or a number.
    return serializers.DecimalField(**MONEY, **kwargs)


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)
