"""Template helpers shared by every page: accessible form fields, money, deadlines."""

from decimal import Decimal

from django import template
from django.forms import CheckboxSelectMultiple, RadioSelect
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.inclusion_tag("includes/field.html")
def form_field(field, extra_errors=None):
    """Label, help, errors and widget wired together with aria-describedby/aria-invalid.

    ``extra_errors`` are submission-checklist messages for this field (shown, not blocking save).
    """
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
    if extra_errors:
        described.append(f"{field.auto_id}_checklist")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["aria-required"] = "true"
    widget = field.field.widget
    grouped = isinstance(widget, CheckboxSelectMultiple | RadioSelect)
    return {
        "field": field,
        "widget_html": field.as_widget(attrs=attrs),
        "grouped": grouped,
        "extra_errors": extra_errors or [],
    }


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def money(value):
    if value is None or value == "":
        return "—"
    return f"${Decimal(value):,.2f}"


@register.filter
def in_zone(value, zone_name):
    """A datetime shown in a call's zone, e.g. 'March 3, 2027, 5:00 PM PST'."""
    from zoneinfo import ZoneInfo

    if not value:
        return ""
    local = timezone.localtime(value, ZoneInfo(zone_name))
    return f"{local:%B} {local.day}, {local.year}, {local:%-I:%M %p} {local.tzname()}"


@register.filter
def time_left(value):
    now = timezone.now()
    if not value:
        return ""
    if value <= now:
        return "closed"
    return f"{timeuntil(value, now)} left"
