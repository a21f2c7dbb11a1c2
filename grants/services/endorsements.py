"""The mentor's endorsement of a trainee's proposal: asked for, then given or declined."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import emails, lifecycle
from ..choices import EndorsementStatus, TeamRole
from ..models import Endorsement, Proposal
from ._common import require
from .history import record_proposal_note


@transaction.atomic
def endorsement_request(*, proposal: Proposal, actor: User) -> Endorsement:
    """Ask the proposal's mentor to endorse it (a fresh link each time); e-mails the mentor."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require(actor, "grants.request_endorsement", proposal)
    mentor_member = (
        proposal.team.filter(role=TeamRole.MENTOR, user__isnull=False)
        .select_related("user__profile")
        .first()
    )
    if mentor_member is None:
        invited = proposal.team.filter(role=TeamRole.MENTOR, user__isnull=True).exclude(email="")
        if invited.exists():
            raise ValidationError(
                {
                    "endorsement": [
                        "Your mentor has not yet joined Northstar; ask again once they have "
                        "accepted the e-mailed invitation."
                    ]
                }
            )
        raise ValidationError(
            {"endorsement": ["Add your faculty mentor to the team first (role: Mentor)."]}
        )
    if not lifecycle.may_mentor(mentor_member.user):
        raise ValidationError(
            {
                "endorsement": [
                    f"{mentor_member.user.display_name} does not hold a faculty position; "
                    "only a faculty mentor's endorsement counts."
                ]
            }
        )
    endorsement, _ = Endorsement.objects.update_or_create(
        proposal=proposal,
        defaults={
            "mentor": mentor_member.user,
            "status": EndorsementStatus.REQUESTED,
            "statement": "",
            "requested_at": timezone.now(),
            "responded_at": None,
            "token": Endorsement._meta.get_field("token").default(),
        },
    )
    transaction.on_commit(lambda: emails.send_endorsement_request(endorsement))
    return endorsement


@transaction.atomic
def endorsement_respond(
    *, endorsement: Endorsement, actor: User, endorse: bool, statement: str
) -> Endorsement:
    """The mentor endorses (or declines) with a short statement; the PI is told by e-mail.
    Locks the proposal row: an endorsement never lands on a proposal once it is submitted."""
    proposal = Proposal.objects.select_for_update().get(pk=endorsement.proposal_id)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if actor.pk != endorsement.mentor_id:
        raise PermissionDenied("Only the named mentor can respond.")
    if not proposal.is_editable:
        raise ValidationError("This proposal can no longer be endorsed.")
    if not proposal.team.filter(user_id=actor.pk, role=TeamRole.MENTOR).exists():
        raise PermissionDenied("Only the proposal's mentor can respond.")
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": ["Write a short statement for the committee."]})
    previous_endorsement = endorsement.status
    endorsement.status = EndorsementStatus.ENDORSED if endorse else EndorsementStatus.DECLINED
    endorsement.statement = statement
    endorsement.responded_at = timezone.now()
    endorsement.save(update_fields=["status", "statement", "responded_at"])
    record_proposal_note(
        proposal=proposal,
        actor=actor,
        reason=f"Mentor {endorsement.get_status_display().lower()} the proposal.",
        before={"endorsement": previous_endorsement},
        after={"endorsement": endorsement.status},
    )
    transaction.on_commit(lambda: emails.send_endorsement_result(endorsement))
    return endorsement
