"""Reads for people: the audit trail, API tokens, the colleague finder and invitations."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .choices import ApplicantType
from .models import AuditEntry, Invitation, User, fold_for_search


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


# ---- Finding a colleague ---------------------------------------------------------------------

PEOPLE_QUERY_MIN = 3
PEOPLE_RESULTS_MAX = 10


@dataclass(frozen=True)
class PersonMatch:
    """A person as the finder shows them to someone else: no e-mail address. ``matches_email``
    says only that the query *was* this person's address, which the searcher typed."""

    id: int
    username: str
    display_name: str
    position: str
    department: str
    matches_email: bool


def people_matching(query: str, viewer) -> list[PersonMatch]:
    """Active people other than ``viewer`` whose first name, last name, "first last" or
    username contains ``query`` (any case, accents or none: ``User.search_name``), or whose e-mail address is ``query`` exactly (any
    case); at most PEOPLE_RESULTS_MAX, by name. Fewer than PEOPLE_QUERY_MIN characters find
    nobody (the forms say so). One query."""
    query = " ".join((query or "").split())
    if len(query) < PEOPLE_QUERY_MIN:
        return []
    people = (
        User.objects.filter(is_active=True)
        .exclude(pk=getattr(viewer, "pk", None))
        .annotate(
            full_name=Concat("first_name", Value(" "), "last_name"),
            matches_email=Case(
                When(email__iexact=query, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(search_name__contains=fold_for_search(query))
            | Q(email__iexact=query)
        )
        .select_related("profile")
        .order_by("-matches_email", "last_name", "first_name", "username")[:PEOPLE_RESULTS_MAX]
    )
    positions = dict(ApplicantType.choices)
    matches = []
    for person in people:
        profile = getattr(person, "profile", None)  # accounts made in the admin may have none
        applicant_type = profile.applicant_type if profile else ""
        matches.append(
            PersonMatch(
                id=person.pk,
                username=person.username,
                display_name=person.display_name,
                position=positions.get(applicant_type, ""),
                department=profile.department if profile else "",
                matches_email=person.matches_email,
            )
        )
    return matches


# ---- Invitations -----------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    """What is stored of an invitation's token (its SHA-256): a leaked table opens nothing."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def invitation_by_token(token: str):
    """The invitation the e-mailed ``token`` names (in any state), or None."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("invited_by")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def account_with_email(email: str) -> User | None:
    """The active account holding ``email`` (any case), if any."""
    if not email:
        return None
    return User.objects.filter(is_active=True, email__iexact=email).order_by("pk").first()
