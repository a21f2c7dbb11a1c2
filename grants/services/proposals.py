"""A proposal's state and text: start, edit, submit, return, withdraw, correct."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import User

from .. import emails, lifecycle
from ..choices import (
    PROPOSAL_TRANSITIONS,
    DecisionOutcome,
    LetterStatus,
    ProposalStatus,
    nimhd_domains_of,
)
from ..models import Award, Decision, FundingCall, LetterOfIntent, Proposal
from ..selectors import applicant_has_other_proposal, eligibility_problems, proposal_blockers
from ..validators import PROPOSAL_TEXT_LIMITS, single_line, text_length_errors, too_long_message
from ._common import InvalidTransition, StaleVersion, audit_amount, require, saved_when
from .classification import nimhd_cells_validate
from .history import record_proposal_note, record_state_change

# Sent inside ``proposal_create``'s transaction with letter=, proposal= and actor= when an
# invitation becomes a full proposal: the apps above grants carry over what they own of the
# letter (reviews: the conflicts its committee members declared on it).
proposal_started_from_letter = Signal()

# Fields of a proposal the applicant edits on the sections form (and the API).
EDITABLE_FIELDS = (
    "title",
    "abstract",
    "specific_aims",
    "research_strategy",
    "disparity_populations",
    "nimhd_domains",
    "nimhd_cells",
    "community_engagement_plan",
    "timeline",
    "budget_justification",
    "requested_amount",
    "irb_status",
)


class SubmissionRefused(ValidationError):
    """Submission refused; carries every blocker, keyed by field."""

    def __init__(self, blockers):
        self.blockers = blockers
        by_field: dict[str, list[str]] = {}
        for blocker in blockers:
            by_field.setdefault(blocker.field, []).append(blocker.message)
        super().__init__(by_field)


# ---- Proposal state --------------------------------------------------------------------------


@transaction.atomic
def proposal_transition(*, proposal: Proposal, to: str, actor, reason: str = "") -> Proposal:
    """The only code that assigns ``Proposal.status``: checks the table, saves, records history."""
    if to not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise InvalidTransition(
            f"A proposal that is {proposal.get_status_display().lower()} cannot become "
            f"{ProposalStatus(to).label.lower()}."
        )
    previous = proposal.status
    proposal.status = to
    fields = ["status", "updated_at"]
    if to in (ProposalStatus.SUBMITTED, ProposalStatus.RETURNED) and proposal.checked_at:
        # A returned or resubmitted proposal is checked again: the check was of other content.
        proposal.checked_at, proposal.checked_by = None, None
        fields += ["checked_at", "checked_by"]
    if to == ProposalStatus.SUBMITTED:
        proposal.submitted_at = timezone.now()
        fields.append("submitted_at")
    proposal.save(update_fields=fields)
    record_state_change(obj=proposal, from_state=previous, to_state=to, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def proposal_create(*, call: FundingCall, actor: User, title: str = "") -> Proposal:
    """Start a draft. Refused, with every reason, when the call is not accepting, the
    applicant fails a rule of the call on the person (unless an exception waives them; an
    incomplete profile is asked for at submission, not refused here) or already has a
    proposal in a one-per-applicant call.

    On a two-stage call only an applicant holding an invitation (their letter of intent,
    invited) may start one, once: it is started from the letter — its title, aims summary (as
    the specific aims), populations and estimated budget (as the amount requested) — and
    linked to it (docs/invariants.md, "A full proposal follows an invitation")."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    errors: list[str] = []
    if not call.is_accepting():
        errors.append("This call is not accepting proposals.")
    invitation = None
    if call.letter_of_intent:
        invitation = (
            LetterOfIntent.objects.select_for_update()
            .filter(call=call, applicant=actor, status=LetterStatus.INVITED)
            .first()
        )
        if invitation is None:
            errors.append(
                "This call takes full proposals only from applicants invited after their "
                "letter of intent."
            )
        elif invitation.proposal_id is not None:
            errors.append("Your full proposal to this call was already started from your letter.")
    errors += [p.message for p in eligibility_problems(call=call, user=actor) if p.refuses_start]
    if call.one_per_applicant and applicant_has_other_proposal(call=call, pi=actor):
        errors.append("You already have a proposal in this call, which allows one per applicant.")
    if errors:
        raise ValidationError(errors)
    title = single_line(title or (invitation.title if invitation else ""))
    if len(title) > PROPOSAL_TEXT_LIMITS["title"]:
        raise ValidationError(
            {"title": [too_long_message(PROPOSAL_TEXT_LIMITS["title"], len(title))]}
        )
    carried = (
        {
            "specific_aims": invitation.aims_summary,
            "disparity_populations": list(invitation.disparity_populations),
            "requested_amount": invitation.estimated_budget,
        }
        if invitation
        else {}
    )
    proposal = Proposal.objects.create(
        call=call,
        pi=actor,
        title=title,
        pi_career_stage=lifecycle.current_position(actor),
        **carried,
    )
    record_state_change(
        obj=proposal,
        from_state="",
        to_state=ProposalStatus.DRAFT,
        actor=actor,
        reason="Started from the letter of intent." if invitation else "",
    )
    if invitation:
        invitation.proposal = proposal
        invitation.save(update_fields=["proposal", "updated_at"])
        proposal_started_from_letter.send(
            sender=Proposal, letter=invitation, proposal=proposal, actor=actor
        )
    return proposal


def _stale_proposal(current: Proposal, actor: User) -> StaleVersion:
    when = saved_when(current.updated_at)
    if current.updated_by_id == actor.pk:
        summary = (
            f"You saved this proposal {when} in another window or on another device since "
            "you opened this page."
        )
    elif current.updated_by is not None:
        summary = (
            f"{current.updated_by.display_name} saved this proposal {when} since you opened it."
        )
    else:
        summary = f"Someone else saved this proposal {when} since you opened it."
    return StaleVersion(
        summary=summary, current_version=current.version, saved_at=current.updated_at
    )


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, actor: User, data: dict, expected_version: int | None = None
) -> Proposal:
    """Save the applicant's text. Never refuses text for being long or incomplete: the draft
    keeps everything typed, and the checklist says what still blocks submission.

    Never a silent overwrite: given ``expected_version`` (the version the user's form was loaded
    with), a save is refused with ``StaleVersion`` — nothing saved — when the proposal was saved
    since. The row is locked while the version is compared and the text saved (and the
    permission is checked on that locked row, so an edit cannot slip in after a submission);
    every save raises the version by one. Without ``expected_version`` (scripts that do not
    care) the save goes through as before.
    """
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require(actor, "grants.change_proposal", current)
    if expected_version is not None and expected_version != current.version:
        raise _stale_proposal(current, actor)
    # Hostile input: text past the hard character limits is refused, nothing saved.
    too_long = text_length_errors(data, PROPOSAL_TEXT_LIMITS)
    if too_long:
        raise ValidationError(too_long)
    if "nimhd_cells" in data:
        # The cells decide the domains, so everything reading nimhd_domains keeps working.
        data = {**data, "nimhd_cells": nimhd_cells_validate(data["nimhd_cells"])}
        if data["nimhd_cells"] or current.nimhd_cells:
            data["nimhd_domains"] = nimhd_domains_of(data["nimhd_cells"])
        else:
            # A draft from before the grid keeps the domains it named until its cells are
            # ticked: an editor save with the grid still empty must not erase them.
            data["nimhd_domains"] = current.nimhd_domains
    changed = []
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            if field == "title":
                value = single_line(value)
            if field == "requested_amount" and value not in (None, ""):
                try:
                    value = Decimal(str(value))
                except InvalidOperation as exc:
                    raise ValidationError(
                        {"requested_amount": ["Enter the amount as a number, e.g. 15000.00."]}
                    ) from exc
            elif field == "requested_amount":
                value = None
            setattr(proposal, field, value)
            changed.append(field)
    if changed:
        proposal.version = current.version + 1
        proposal.updated_by = actor
        proposal.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: User, now=None) -> Proposal:
    """Submit if nothing blocks it; otherwise raise SubmissionRefused listing every reason.

    Locks the call row so two concurrent submissions cannot both pass one-per-applicant.
    Mails the receipt after commit.
    """
    FundingCall.objects.select_for_update().get(pk=proposal.call_id)
    proposal = Proposal.objects.select_for_update().select_related("call", "pi").get(pk=proposal.pk)
    if proposal.pi_id != actor.pk:
        raise PermissionDenied("Only the principal investigator submits.")
    if ProposalStatus.SUBMITTED not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise InvalidTransition(
            f"This proposal is {proposal.get_status_display().lower()}; it cannot be submitted."
        )
    blockers = proposal_blockers(proposal, now=now)
    if blockers:
        raise SubmissionRefused(blockers)
    if not lifecycle.is_trainee_stage(proposal.pi_career_stage):
        # Taken at submission and kept; a trainee stage recorded at the start is never undone.
        proposal.pi_career_stage = lifecycle.current_position(proposal.pi)
        proposal.save(update_fields=["pi_career_stage"])
    proposal_transition(proposal=proposal, to=ProposalStatus.SUBMITTED, actor=actor)
    transaction.on_commit(lambda: emails.send_submission_receipt(proposal))
    return proposal


@transaction.atomic
def proposal_career_stage_correct(*, proposal: Proposal, actor: User) -> Proposal:
    """An administrator's correction: the proposal takes its PI's current position as the
    career stage that decides the trainee rules (after the position itself was corrected).
    Only while the applicant can still edit it; audited on the proposal's internal history."""
    require(actor, "grants.manage_calls")
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("pi__profile")
        .get(pk=proposal.pk)
    )
    if not proposal.is_editable:
        raise InvalidTransition("Only a draft or returned proposal's career stage is corrected.")
    before, after = proposal.pi_career_stage, lifecycle.current_position(proposal.pi)
    if before != after:
        proposal.pi_career_stage = after
        proposal.save(update_fields=["pi_career_stage"])
        record_proposal_note(
            proposal=proposal,
            actor=actor,
            reason="Career stage corrected by an administrator.",
            internal=True,
            before={"career_stage": before},
            after={"career_stage": after},
        )
    return proposal


@transaction.atomic
def proposal_return(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    """Administrative return: reopens the proposal for the PI, with the reason shown to them."""
    require(actor, "grants.return_proposal", proposal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the applicant a reason for the return."]})
    proposal_transition(proposal=proposal, to=ProposalStatus.RETURNED, actor=actor, reason=reason)
    transaction.on_commit(lambda: emails.send_return_notice(proposal, reason))
    return proposal


@transaction.atomic
def proposal_mark_checked(*, proposal: Proposal, actor: User) -> Proposal:
    """The program office has checked a submitted proposal (complete, eligible, in scope) and
    it waits for review; the other outcome of the check is proposal_return. Marking it again
    changes nothing. Recorded in the proposal's history, which the applicant sees too."""
    Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk").get()
    proposal.refresh_from_db()
    if proposal.status != ProposalStatus.SUBMITTED:
        raise InvalidTransition(
            f"Only a submitted proposal awaits the check; this one is "
            f"{proposal.get_status_display().lower()}."
        )
    require(actor, "grants.return_proposal", proposal)
    if proposal.checked_at:
        return proposal
    proposal.checked_at, proposal.checked_by = timezone.now(), actor
    proposal.save(update_fields=["checked_at", "checked_by", "updated_at"])
    record_proposal_note(
        proposal=proposal,
        actor=actor,
        reason="Checked by the program office: ready for review.",
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: User, reason: str = "") -> Proposal:
    """The PI withdraws the proposal (before any released decision, or from a released
    nomination: a limited submission's nominee stepping down frees the place for an alternate).

    Locks the call, then the proposal — the order decisions take — so a withdrawal and a
    decision or release never interleave. An unreleased decision is voided: the decision and
    its award are deleted (audited, for administrators), so the money is free again and no
    award is ever made for a withdrawn proposal. After release the proposal has its outcome
    and cannot be withdrawn; an awardee who declines asks the program office, which ends the
    award (award_transition)."""
    FundingCall.objects.select_for_update().get(pk=proposal.call_id)
    Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk").get()
    proposal.refresh_from_db()  # the caller's object, as the locked row now stands
    require(actor, "grants.withdraw_proposal", proposal)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is not None and decision.is_released:
        if decision.outcome != DecisionOutcome.NOMINATED:
            raise InvalidTransition(
                "The decision on this proposal is released; to decline the award, ask the "
                "program office to end it."
            )
        # A nominee steps down: the nomination is removed, so the sponsor's place is free for
        # an alternate (decision_record counts the nominations under the same call lock).
        record_proposal_note(
            proposal=proposal,
            actor=actor,
            reason="Nomination withdrawn: the nominee stepped down; the place is free for an "
            "alternate.",
            audit_action=AuditAction.DECISION_RECORDED,
            before={"outcome": decision.outcome, "released": True},
            after={"outcome": None},
        )
        decision.delete()
    elif decision is not None:
        Award.objects.filter(proposal=proposal).delete()
        record_proposal_note(
            proposal=proposal,
            actor=actor,
            reason="Unreleased decision voided: the applicant withdrew.",
            internal=True,
            audit_action=AuditAction.DECISION_RECORDED,
            before={"outcome": decision.outcome, "amount": audit_amount(decision.amount)},
            after={"outcome": None, "amount": None},
        )
        decision.delete()
    return proposal_transition(
        proposal=proposal, to=ProposalStatus.WITHDRAWN, actor=actor, reason=reason
    )
