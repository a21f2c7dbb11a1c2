"""The audit trail's one write path: ``audit_record``.

Services call it with an explicit ``actor``; the request (for the address and browser) comes
either as an argument or from the per-request context that ``AuditContextMiddleware`` sets, so
a service deep down needs no ``request`` argument. Entries are written in the caller's
transaction: a rolled-back change leaves no entry.
"""

import contextvars
import ipaddress
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .choices import AuditAction
from .models import AuditEntry

logger = logging.getLogger("northstar.audit")

USER_AGENT_LENGTH = AuditEntry._meta.get_field("user_agent").max_length
REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length


@dataclass(frozen=True)
class AuditContext:
    """Where the current request comes from (and its user, read lazily when recording)."""

    ip_address: str | None = None
    user_agent: str = ""
    request: object | None = None


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "northstar_audit_context", default=None
)


# Set while a backup is being restored: loading rows replays signals (a user's groups being
# set, say) that are history already in the archive, not new events.
_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "northstar_audit_suspended", default=False
)


@contextmanager
def audit_suspended():
    """Record nothing inside (only for restoring a backup, whose own trail comes with it)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``NORTHSTAR_TRUSTED_PROXY_COUNT`` = N > 0
    the address the outermost of our N proxies appended to X-Forwarded-For (entries further
    left were written by the client and prove nothing)."""
    meta = getattr(request, "META", {}) or {}
    address = meta.get("REMOTE_ADDR") or ""
    trusted = getattr(settings, "NORTHSTAR_TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if hops:
            address = hops[-trusted] if len(hops) >= trusted else hops[0]
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def context_from_request(request) -> AuditContext:
    meta = getattr(request, "META", {}) or {}
    return AuditContext(
        ip_address=client_ip(request),
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:USER_AGENT_LENGTH],
        request=request,
    )


@contextmanager
def audit_context(request):
    """Make ``request`` the current request for entries recorded inside the block."""
    token = _context.set(context_from_request(request))
    try:
        yield
    finally:
        _context.reset(token)


def current_request():
    """The request being served, if any (None in commands, shells and background jobs)."""
    context = _context.get()
    return context.request if context else None


def _user_of(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _object_fields(obj) -> dict:
    if obj is None:
        return {}
    return {
        "object_type": f"{obj._meta.app_label}.{obj._meta.model_name}",
        "object_id": "" if obj.pk is None else str(obj.pk),
        "object_repr": str(obj)[:REPR_LENGTH],
    }


def audit_record(
    *,
    action: AuditAction | str,
    actor=None,
    obj=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    request=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry | None:
    """Append one entry and return it (None while a backup is restored: see audit_suspended).

    ``actor`` defaults to the signed-in user of the current request. ``obj`` (a model
    instance) names the object; ``object_type``/``object_id``/``object_repr`` name one that is
    not a row (a report for a period). ``before``/``after`` hold only JSON-able values (dates
    and Decimals are written as text). Never pass a password or a token.

    Written in the caller's transaction. With ``NORTHSTAR_AUDIT_TO_LOG`` on, the entry is also
    logged as one JSON line on the "northstar.audit" logger once the transaction commits.
    """
    if _suspended.get():
        return None
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    context = context_from_request(request) if request is not None else _context.get()
    context = context or AuditContext()
    if actor is None:
        actor = _user_of(context.request)
    if actor is not None and not actor.is_authenticated:
        actor = None
    fields = {
        "object_type": object_type,
        "object_id": str(object_id),
        "object_repr": str(object_repr)[:REPR_LENGTH],
        **_object_fields(obj),
    }
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=str(action),
        ip_address=context.ip_address,
        user_agent=context.user_agent,
        before=before,
        after=after,
        note=note,
        **fields,
    )
    if getattr(settings, "NORTHSTAR_AUDIT_TO_LOG", False):
        line = audit_json(entry)
        transaction.on_commit(lambda: logger.info(line))
    return entry


def audit_json(entry: AuditEntry) -> str:
    """One entry as a single line of JSON (keys sorted; times in UTC, ISO 8601)."""
    return json.dumps(
        {
            "id": entry.pk,
            "at": entry.at.astimezone(UTC).isoformat(),
            "actor": entry.actor_username,
            "actor_id": entry.actor_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "ip": entry.ip_address,
            "user_agent": entry.user_agent,
            "before": entry.before,
            "after": entry.after,
            "note": entry.note,
        },
        sort_keys=True,
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
