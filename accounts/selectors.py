"""Reads for people: the audit trail."""

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from .models import AuditEntry


def audit_entries(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    text: str = "",
) -> QuerySet[AuditEntry]:
    """Audit entries matching every filter given, newest first. ``actor`` is a username
    (exact), the dates are UTC days (both included), ``text`` is looked for in the note and
    the object's name. One query, no joins: the entry keeps the actor's username."""
    entries = AuditEntry.objects.all()
    if actor:
        entries = entries.filter(actor_username=actor.strip())
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type.strip().lower())
    if object_id:
        entries = entries.filter(object_id=object_id.strip().removeprefix("NS-"))
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=UTC))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=UTC)
        entries = entries.filter(at__lt=end)
    if text:
        entries = entries.filter(Q(note__icontains=text) | Q(object_repr__icontains=text))
    return entries.order_by("-at", "-pk")
