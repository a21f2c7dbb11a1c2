"""Reads for people: the audit trail and API tokens."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import AuditEntry, User


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


# ---- API tokens ------------------------------------------------------------------------------


def api_token_of(user: User) -> Token | None:
    """The account's API token (expired or not), or None. Never shown to anyone but its owner,
    and its key only once, when it is issued."""
    return Token.objects.filter(user=user).first()


def api_token_expires_at(token: Token) -> datetime:
    """When the token stops working: ``NORTHSTAR_API_TOKEN_LIFETIME`` after it was issued."""
    return token.created + settings.NORTHSTAR_API_TOKEN_LIFETIME


def api_token_is_expired(token: Token, *, now: datetime | None = None) -> bool:
    return api_token_expires_at(token) <= (now or timezone.now())


@dataclass(frozen=True)
class ApiTokenSummary:
    """What the owner is shown of their token (the profile page, ``GET /api/v1/me/token/``):
    dates, never the key."""

    created: datetime
    expires: datetime
    expired: bool


def api_token_summary(user: User) -> ApiTokenSummary | None:
    token = api_token_of(user)
    if token is None:
        return None
    return ApiTokenSummary(
        created=token.created,
        expires=api_token_expires_at(token),
        expired=api_token_is_expired(token),
    )
