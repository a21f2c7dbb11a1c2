"""The history of calls, proposals and awards: one row (and its audit entry) per change."""

from django.contrib.contenttypes.models import ContentType

from accounts.audit import audit_record
from accounts.choices import AuditAction

from ..models import Proposal, StateChange


def record_state_change(
    *,
    obj,
    from_state: str,
    to_state: str,
    actor,
    reason: str = "",
    internal: bool = False,
    audit_action: str = AuditAction.STATE_CHANGED,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Append a history row and its audit-trail entry (one per change). ``internal`` rows are
    shown to administrators only. The audit entry's before/after default to the states;
    callers recording scores or decisions pass their own ``audit_action``, ``before`` and
    ``after``."""
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
        internal=internal,
    )
    audit_record(
        action=audit_action,
        actor=actor,
        obj=obj,
        before=before if before is not None else ({"state": from_state} if from_state else None),
        after=after if after is not None else {"state": to_state},
        note=reason,
    )


def record_proposal_note(*, proposal: Proposal, actor, reason: str, **audit_entry) -> None:
    """A history row on a proposal that records an event, not a state change (a decision, an
    endorsement, a voiding, a correction): the state stays as it is. ``audit_entry`` (
    ``internal``, ``audit_action``, ``before``, ``after``) shapes it as for
    ``record_state_change``."""
    record_state_change(
        obj=proposal,
        from_state=proposal.status,
        to_state=proposal.status,
        actor=actor,
        reason=reason,
        **audit_entry,
    )
