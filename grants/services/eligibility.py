"""Eligibility exceptions: an administrator lets one person apply to a call whose rules would
refuse them, and takes it back. Both are audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User

from ..models import EligibilityException, FundingCall
from ..validators import text_problem
from ._common import require

REASON_MAX = 4000


def _entry(exception: EligibilityException) -> dict:
    """An exception as the audit trail keeps it."""
    return {
        "call": exception.call_id,
        "person": exception.person.username,
        "reason": exception.reason,
        "granted_by": exception.granted_by.username if exception.granted_by else None,
        "granted_at": exception.granted_at.isoformat(),
    }


@transaction.atomic
def eligibility_exception_grant(
    *, call: FundingCall, person: User | None, reason: str, actor: User
) -> EligibilityException:
    """Waive every eligibility rule of ``call`` for ``person`` (administrators only), with the
    reason. One per person and call: a second is refused under ``person``; a missing or blank
    reason under ``reason``; nothing is saved then. Locks the call, so two grants at once
    cannot both pass the check. Audited (``eligibility_exception``, with what was granted).
    Nothing else changes: the exception counts when the person next starts or submits."""
    require(actor, "grants.manage_calls")
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if person is None or not person.is_active:
        errors["person"] = ["Choose the person the exception is for."]
    elif EligibilityException.objects.filter(call=call, person=person).exists():
        errors["person"] = [f"{person.display_name} already has an exception for this call."]
    if not reason:
        errors["reason"] = ["Say why this person may apply; the reason is kept on the record."]
    elif problem := text_problem(reason, REASON_MAX):
        errors["reason"] = [problem]
    if errors:
        raise ValidationError(errors)
    exception = EligibilityException.objects.create(
        call=call, person=person, reason=reason, granted_by=actor
    )
    audit_record(
        action=AuditAction.ELIGIBILITY_EXCEPTION,
        actor=actor,
        obj=exception,
        before=None,
        after=_entry(exception),
        note="granted",
    )
    return exception


@transaction.atomic
def eligibility_exception_revoke(*, exception: EligibilityException, actor: User) -> None:
    """Take an exception back (administrators only): the call's rules apply to the person
    again, from their next start or submission; a proposal already submitted stays so.
    Audited with what was revoked. Revoking one already gone does nothing."""
    require(actor, "grants.manage_calls")
    locked = EligibilityException.objects.select_for_update().filter(pk=exception.pk).first()
    if locked is None:
        return
    audit_record(
        action=AuditAction.ELIGIBILITY_EXCEPTION,
        actor=actor,
        obj=locked,
        before=_entry(locked),
        after=None,
        note="revoked",
    )
    locked.delete()
