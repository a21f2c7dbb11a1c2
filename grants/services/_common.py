"""What the grants services share: their errors, the permission check, the proposal lock."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.permissions import can

from ..models import Proposal


class InvalidTransition(Exception):
    """A state change the transitions table does not allow (the API answers 409)."""


STALE_ADVICE = "Your text is below; copy what you need, reload, and save again."


class StaleVersion(ValidationError):
    """A save from a form (or API client) loaded at an older version than the object's: refused,
    with nothing saved. A non-field error (code ``stale_version``) saying when — and by whom,
    where that is no secret — the object was saved since; ``summary`` is that sentence alone,
    ``current_version`` the version now stored. The web pages answer 409 with the user's own
    text kept on the page; the API answers 409 (config.api)."""

    def __init__(self, *, summary: str, current_version: int, saved_at):
        self.summary = summary
        self.current_version = current_version
        self.saved_at = saved_at
        super().__init__(
            {NON_FIELD_ERRORS: [ValidationError(f"{summary} {STALE_ADVICE}", code="stale_version")]}
        )


def saved_when(moment) -> str:
    """When something was saved, for a message: at 3:07 PM (today) or on Nov 28 at 3:07 PM."""
    local = timezone.localtime(moment)
    at = f"at {local:%-I:%M %p}"
    return at if local.date() == timezone.localdate() else f"on {local:%b %-d} {at}"


def require(actor: User, perm: str, obj=None) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied(perm)


def lock_for_edit(proposal: Proposal | int, actor: User) -> Proposal:
    """Lock the proposal's row and check, on the row as it now stands, that ``actor`` may
    change it. Every write to a proposal's parts starts here, inside its transaction: a write
    racing a submission either commits first (and the submission's checklist sees it) or waits
    for the submission to commit and is then refused. Submitted means frozen."""
    pk = proposal if isinstance(proposal, int) else proposal.pk
    locked = Proposal.objects.select_for_update().get(pk=pk)
    require(actor, "grants.change_proposal", locked)
    return locked


def audit_amount(amount: Decimal | None) -> str | None:
    """An amount as the audit trail keeps it: text with cents ("12000.00")."""
    return None if amount is None else f"{Decimal(amount):.2f}"
