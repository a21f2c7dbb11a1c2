"""A proposal's team and budget lines, written only while the PI may edit it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import invitation_accepted, invitation_create, invitation_void

from .. import emails, lifecycle
from ..choices import TeamRole
from ..models import BudgetLine, Endorsement, Proposal, TeamMember
from ..validators import single_line, text_length_errors
from ._common import lock_for_edit

# ---- Team ------------------------------------------------------------------------------------


# What an invitation names when it is for a place on a proposal's team (accounts.Invitation).
TEAM_INVITATION = "grants.teammember"


@transaction.atomic
def team_member_add(
    *,
    proposal: Proposal,
    actor: User,
    role: str,
    user: User | None = None,
    full_name: str = "",
    email: str = "",
    organisation: str = "",
) -> TeamMember:
    """Add a person with an account, or someone without one (a name, and an e-mail address
    to invite them by); e-mails them. Someone without an account who has an address gets an
    invitation to join (``team_member_invite``): until they accept, their row is "invited"
    (no user, the name and address kept). A mentor either has an account and a faculty
    position, or is invited — their position is then asked when they accept, and the
    checklist waits for them (``lifecycle.may_mentor`` still decides whether they count)."""
    proposal = lock_for_edit(proposal, actor)
    if role not in TeamRole.values:
        raise ValidationError({"role": ["Choose a role."]})
    full_name, organisation = single_line(full_name), single_line(organisation)
    email = (email or "").strip()
    too_long = text_length_errors(
        {"full_name": full_name, "email": email, "organisation": organisation},
        {"full_name": 200, "email": 254, "organisation": 200},
    )
    if too_long:
        raise ValidationError(too_long)
    if email:
        try:
            validate_email(email)  # also keeps new lines out of the invitation's To header
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc
    if user is None and not full_name.strip():
        raise ValidationError({"full_name": ["Give the person's name, or choose a user."]})
    if user is not None:
        if user.pk == proposal.pi_id:
            raise ValidationError({"user": ["The principal investigator is already on the team."]})
        if proposal.team.filter(user=user).exists():
            raise ValidationError({"user": [f"{user.display_name} is already on the team."]})
    if role == TeamRole.MENTOR and user is None and not email:
        raise ValidationError(
            {
                "email": [
                    "A mentor needs an account here to endorse the proposal: choose them, or "
                    "give their e-mail address so we can invite them."
                ]
            }
        )
    if role == TeamRole.MENTOR and user is not None and not lifecycle.may_mentor(user):
        raise ValidationError(
            {
                "role": [
                    f"{user.display_name} does not hold a faculty position; a mentor must be "
                    "faculty (instructor or professor). Add them in another role."
                ]
            }
        )
    member = TeamMember.objects.create(
        proposal=proposal,
        user=user,
        full_name=full_name.strip() if user is None else "",
        email=email.strip() if user is None else "",
        organisation=organisation.strip(),
        role=role,
    )
    if user is None and email:
        _invite(member, actor)
    else:
        transaction.on_commit(lambda: emails.send_team_invitation(member))
    return member


def is_invited(member: TeamMember) -> bool:
    """Someone without an account yet, invited by e-mail (until they accept)."""
    return member.user_id is None and bool(member.email)


def _invite(member: TeamMember, actor: User) -> None:
    _, token = invitation_create(
        email=member.email,
        full_name=member.full_name,
        subject_type=TEAM_INVITATION,
        subject_id=member.pk,
        actor=actor,
    )
    transaction.on_commit(lambda: emails.send_team_invitation(member, token=token))


@transaction.atomic
def team_member_invite(*, member: TeamMember, actor: User) -> TeamMember:
    """Send an invited member a new invitation: a new link, the old one void. Only while the
    PI may edit the proposal (a submitted team is frozen; links sent before still work)."""
    lock_for_edit(member.proposal_id, actor)
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if not is_invited(member):
        raise ValidationError(
            f"{member.name} has no invitation to send: they have an account, or no e-mail "
            "address was given."
        )
    _invite(member, actor)
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: User) -> None:
    proposal = lock_for_edit(member.proposal_id, actor)
    Endorsement.objects.filter(proposal=proposal, mentor_id=member.user_id).delete()
    invitation_void(subject_type=TEAM_INVITATION, subject_id=member.pk)
    member.delete()


@receiver(invitation_accepted, dispatch_uid="grants_team_invitation_accepted")
def team_member_join(sender, *, invitation, user: User, **kwargs) -> str | None:
    """The invitee accepted (accounts.services.invitation_accept_*): link their account to
    their row on the team, in the same transaction; the proposal's page is where they go.

    Allowed whatever the proposal's state: the team itself does not change (the row, its role
    and name were there at submission); only who signs in as that row does. The proposal's
    row is locked so a submission sees the row before or after, never half-linked. Whether a
    linked mentor may endorse is still ``lifecycle.may_mentor``'s to say."""
    if invitation.subject_type != TEAM_INVITATION:
        return None
    member = TeamMember.objects.filter(pk=invitation.subject_id).first()
    if member is None:
        raise ValidationError("You are no longer on this proposal's team.", code="gone")
    proposal = Proposal.objects.select_for_update().get(pk=member.proposal_id)
    member = TeamMember.objects.select_for_update().filter(pk=member.pk).first()
    if member is None:  # removed while we waited for the proposal's lock
        raise ValidationError("You are no longer on this proposal's team.", code="gone")
    if member.user_id is not None:
        raise ValidationError("This place on the team has been taken up already.", code="used")
    if user.pk == proposal.pi_id or proposal.team.filter(user=user).exists():
        raise ValidationError(
            "You are already on this proposal's team; the principal investigator can remove "
            "the extra entry.",
            code="already_on_team",
        )
    member.user = user
    member.full_name = ""
    member.email = ""
    member.save(update_fields=["user", "full_name", "email"])
    return reverse("grants:proposal_detail", args=[proposal.pk])


# ---- Budget ----------------------------------------------------------------------------------


@transaction.atomic
def budget_line_save(
    *,
    proposal: Proposal,
    actor: User,
    category: str,
    description: str,
    amount: Decimal,
    line: BudgetLine | None = None,
) -> BudgetLine:
    proposal = lock_for_edit(proposal, actor)
    if line is not None and line.proposal_id != proposal.pk:
        raise PermissionDenied("That budget line belongs to another proposal.")
    line = line or BudgetLine(proposal=proposal)
    line.category = category
    line.description = description
    line.amount = amount
    line.full_clean()
    line.save()
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=timezone.now())
    return line


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, actor: User) -> None:
    lock_for_edit(line.proposal_id, actor)
    line.delete()
