"""A proposal's team and budget lines, written only while the PI may edit it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import emails, lifecycle
from ..choices import TeamRole
from ..models import BudgetLine, Endorsement, Proposal, TeamMember
from ..validators import single_line, text_length_errors
from ._common import lock_for_edit

# ---- Team ------------------------------------------------------------------------------------


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
    """Add a person (with an account) or an outside person; e-mails them an invitation.
    A mentor must have an account and hold a faculty position (their endorsement is what
    lets a trainee submit)."""
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
    if role == TeamRole.MENTOR and user is None:
        raise ValidationError(
            {"user": ["A mentor must have an account here so they can endorse the proposal."]}
        )
    if role == TeamRole.MENTOR and not lifecycle.may_mentor(user):
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
    transaction.on_commit(lambda: emails.send_team_invitation(member))
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: User) -> None:
    proposal = lock_for_edit(member.proposal_id, actor)
    Endorsement.objects.filter(proposal=proposal, mentor_id=member.user_id).delete()
    member.delete()


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
