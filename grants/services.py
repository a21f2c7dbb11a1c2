"""Every write and state change of calls and proposals.

Services take keyword-only arguments and an explicit ``actor``, check the permission themselves
(so the web views and the API cannot diverge), run in a transaction, record state changes, and
send mail only after commit.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User
from accounts.permissions import can

from . import emails, lifecycle
from .choices import (
    AWARD_TRANSITIONS,
    CALL_TRANSITIONS,
    DECIDABLE_STATES,
    PROPOSAL_TRANSITIONS,
    AttachmentKind,
    AwardStatus,
    CallStatus,
    DecisionOutcome,
    EndorsementStatus,
    ProposalStatus,
    TeamRole,
)
from .models import (
    Attachment,
    Award,
    BudgetLine,
    Decision,
    Endorsement,
    FundingCall,
    Proposal,
    StateChange,
    TeamMember,
)
from .selectors import (
    applicant_has_other_proposal,
    call_committed_amount,
    eligibility_problem,
    proposal_blockers,
    proposal_requested_total,
)
from .validators import (
    PROPOSAL_TEXT_LIMITS,
    display_file_name,
    single_line,
    text_length_errors,
    too_long_message,
    validate_pdf_upload,
)

# Fields of a proposal the applicant edits on the sections form (and the API).
EDITABLE_FIELDS = (
    "title",
    "abstract",
    "specific_aims",
    "research_strategy",
    "disparity_populations",
    "nimhd_domains",
    "community_engagement_plan",
    "timeline",
    "budget_justification",
    "requested_amount",
    "irb_status",
)


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


class SubmissionRefused(ValidationError):
    """Submission refused; carries every blocker, keyed by field."""

    def __init__(self, blockers):
        self.blockers = blockers
        by_field: dict[str, list[str]] = {}
        for blocker in blockers:
            by_field.setdefault(blocker.field, []).append(blocker.message)
        super().__init__(by_field)


def _require(actor: User, perm: str, obj=None) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied(perm)


def _lock_for_edit(proposal: Proposal | int, actor: User) -> Proposal:
    """Lock the proposal's row and check, on the row as it now stands, that ``actor`` may
    change it. Every write to a proposal's parts starts here, inside its transaction: a write
    racing a submission either commits first (and the submission's checklist sees it) or waits
    for the submission to commit and is then refused. Submitted means frozen."""
    pk = proposal if isinstance(proposal, int) else proposal.pk
    locked = Proposal.objects.select_for_update().get(pk=pk)
    _require(actor, "grants.change_proposal", locked)
    return locked


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


# ---- Calls -----------------------------------------------------------------------------------


@transaction.atomic
def call_transition(*, call: FundingCall, to: str, actor, reason: str = "") -> FundingCall:
    """The only code that changes a call's status (administrators only)."""
    _require(actor, "grants.manage_calls")
    if to not in CALL_TRANSITIONS[call.status]:
        raise InvalidTransition(f"A call cannot go from {call.status} to {to}.")
    previous = call.status
    call.status = to
    call.save(update_fields=["status"])
    record_state_change(obj=call, from_state=previous, to_state=to, actor=actor, reason=reason)
    return call


@transaction.atomic
def call_begin_review(*, call: FundingCall, actor) -> FundingCall:
    """Close the call if it is still open, move it to review, and put every submitted proposal
    in review (returned proposals not resubmitted by the deadline stay out)."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.OPEN:
        call_transition(call=call, to=CallStatus.CLOSED, actor=actor, reason="Review begins.")
    call_transition(call=call, to=CallStatus.IN_REVIEW, actor=actor)
    for proposal in call.proposals.filter(status=ProposalStatus.SUBMITTED).order_by("pk"):
        proposal_transition(
            proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=actor, reason="Review begins."
        )
    return call


@transaction.atomic
def call_committee_review_set(*, call: FundingCall, reviewing: bool, actor, reason: str = ""):
    """Record that a committee's review of the call began (``reviewing``) or closed. Called
    by the reviews app after its own permission checks (attaching a committee, closing the
    review); decisions and their release wait while it is on (lifecycle.decisions_problem).
    Refuses to start a review once decisions exist: it could change what was decided on."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.committee_review_open == reviewing:
        return call
    if reviewing and Decision.objects.filter(call=call).exists():
        raise InvalidTransition(
            "Funding decisions are already recorded on this call; a committee review cannot "
            "start now."
        )
    call.committee_review_open = reviewing
    call.save(update_fields=["committee_review_open"])
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=call,
        before={"committee_review_open": not reviewing},
        after={"committee_review_open": reviewing},
        note=reason,
    )
    return call


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
    if to == ProposalStatus.SUBMITTED:
        proposal.submitted_at = timezone.now()
        fields.append("submitted_at")
    proposal.save(update_fields=fields)
    record_state_change(obj=proposal, from_state=previous, to_state=to, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def proposal_create(*, call: FundingCall, actor: User, title: str = "") -> Proposal:
    """Start a draft. Refused when the call is not accepting, or the applicant is ineligible
    or already has a proposal in a one-per-applicant call."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    errors: list[str] = []
    if not call.is_accepting():
        errors.append("This call is not accepting proposals.")
    problem = eligibility_problem(call=call, user=actor)
    if problem and "Complete your profile" not in problem:
        errors.append(problem)
    if call.one_per_applicant and applicant_has_other_proposal(call=call, pi=actor):
        errors.append("You already have a proposal in this call, which allows one per applicant.")
    if errors:
        raise ValidationError(errors)
    title = single_line(title)
    if len(title) > PROPOSAL_TEXT_LIMITS["title"]:
        raise ValidationError(
            {"title": [too_long_message(PROPOSAL_TEXT_LIMITS["title"], len(title))]}
        )
    proposal = Proposal.objects.create(
        call=call, pi=actor, title=title, pi_career_stage=lifecycle.current_position(actor)
    )
    record_state_change(obj=proposal, from_state="", to_state=ProposalStatus.DRAFT, actor=actor)
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
    _require(actor, "grants.change_proposal", current)
    if expected_version is not None and expected_version != current.version:
        raise _stale_proposal(current, actor)
    # Hostile input: text past the hard character limits is refused, nothing saved.
    too_long = text_length_errors(data, PROPOSAL_TEXT_LIMITS)
    if too_long:
        raise ValidationError(too_long)
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
    _require(actor, "grants.manage_calls")
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
    _require(actor, "grants.return_proposal", proposal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the applicant a reason for the return."]})
    proposal_transition(proposal=proposal, to=ProposalStatus.RETURNED, actor=actor, reason=reason)
    transaction.on_commit(lambda: emails.send_return_notice(proposal, reason))
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: User, reason: str = "") -> Proposal:
    """The PI withdraws the proposal (before any released decision).

    Locks the call, then the proposal — the order decisions take — so a withdrawal and a
    decision or release never interleave. An unreleased decision is voided: the decision and
    its award are deleted (audited, for administrators), so the money is free again and no
    award is ever made for a withdrawn proposal. After release the proposal has its outcome
    and cannot be withdrawn; an awardee who declines asks the program office, which ends the
    award (award_transition)."""
    FundingCall.objects.select_for_update().get(pk=proposal.call_id)
    Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk").get()
    proposal.refresh_from_db()  # the caller's object, as the locked row now stands
    _require(actor, "grants.withdraw_proposal", proposal)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is not None and decision.is_released:
        raise InvalidTransition(
            "The decision on this proposal is released; to decline the award, ask the program "
            "office to end it."
        )
    if decision is not None:
        Award.objects.filter(proposal=proposal).delete()
        record_proposal_note(
            proposal=proposal,
            actor=actor,
            reason="Unreleased decision voided: the applicant withdrew.",
            internal=True,
            audit_action=AuditAction.DECISION_RECORDED,
            before={"outcome": decision.outcome, "amount": _money(decision.amount)},
            after={"outcome": None, "amount": None},
        )
        decision.delete()
    return proposal_transition(
        proposal=proposal, to=ProposalStatus.WITHDRAWN, actor=actor, reason=reason
    )


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
    proposal = _lock_for_edit(proposal, actor)
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
    proposal = _lock_for_edit(member.proposal_id, actor)
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
    proposal = _lock_for_edit(proposal, actor)
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
    _lock_for_edit(line.proposal_id, actor)
    line.delete()


# ---- Attachments -----------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, proposal: Proposal, actor: User, kind: str, uploaded_file) -> Attachment:
    """Store a checked PDF under a server-generated name (grants.models.attachment_upload_to).

    Refused with errors under ``file`` — nothing stored, nothing written to disk — unless the
    bytes are a readable, unencrypted PDF within the size limit without scripts, launch actions
    or embedded files (validators.validate_pdf_upload). Exactly the bytes checked are stored.
    The user's file name is kept only for display, sanitised (validators.display_file_name)
    and ending in .pdf.
    """
    proposal = _lock_for_edit(proposal, actor)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": ["Choose the type of document."]})
    try:
        checked = validate_pdf_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = display_file_name(getattr(uploaded_file, "name", ""), max_length=150)
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    attachment = Attachment(
        proposal=proposal,
        kind=kind,
        original_name=name,
        size=checked.size,
        pages=checked.pages,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save("upload.pdf", ContentFile(checked.content), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)  # no file on disk without its row
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    _lock_for_edit(attachment.proposal_id, actor)
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# ---- Mentor endorsement ----------------------------------------------------------------------


@transaction.atomic
def endorsement_request(*, proposal: Proposal, actor: User) -> Endorsement:
    """Ask the proposal's mentor to endorse it (a fresh link each time); e-mails the mentor."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require(actor, "grants.request_endorsement", proposal)
    mentor_member = (
        proposal.team.filter(role=TeamRole.MENTOR, user__isnull=False)
        .select_related("user__profile")
        .first()
    )
    if mentor_member is None:
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


# ---- Funding decisions and awards ------------------------------------------------------------


def award_dates(*, call: FundingCall, decided_on: date) -> tuple[date, date]:
    """Awards start on the first of the month after the decision and run the call's duration."""
    year, month = (decided_on.year, decided_on.month + 1)
    if month == 13:
        year, month = year + 1, 1
    start = date(year, month, 1)
    months = start.month - 1 + call.duration_months
    end = date(start.year + months // 12, months % 12 + 1, 1) - timedelta(days=1)
    return start, end


def _money(amount: Decimal | None) -> str | None:
    """An amount as the audit trail keeps it: text with cents ("12000.00")."""
    return None if amount is None else f"{Decimal(amount):.2f}"


@transaction.atomic
def decision_record(
    *,
    proposal: Proposal,
    actor: User,
    outcome: str,
    amount: Decimal | None = None,
    reason: str = "",
) -> Decision:
    """Record (or change, until released) the funding decision on a proposal.

    Locks the call row first, so that two administrators deciding at once are serialised and
    the committed total can never pass the call's budget. A funded decision creates or updates
    the Award; changing it away from funded removes the unreleased award. A waitlisted
    proposal whose decision was already released is decided and released at once.
    """
    _require(actor, "grants.decide_proposal", proposal)
    call = FundingCall.objects.select_for_update().get(pk=proposal.call_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    problem = lifecycle.decisions_problem(call)
    if problem:
        raise InvalidTransition(problem)
    if proposal.status not in DECIDABLE_STATES:
        raise InvalidTransition(
            f"A proposal that is {proposal.get_status_display().lower()} cannot be decided."
        )
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": ["Choose funded, not funded or waitlisted."]})
    existing = Decision.objects.filter(proposal=proposal).first()
    released_waitlist = existing is not None and existing.is_released
    if released_waitlist and outcome == DecisionOutcome.WAITLISTED:
        raise InvalidTransition("This proposal is already on the released waitlist.")
    reason = (reason or "").strip()
    if outcome == DecisionOutcome.FUNDED:
        requested = proposal_requested_total(proposal)
        amount = requested if amount in (None, "") else Decimal(amount)
        errors: dict[str, list[str]] = {}
        if amount <= 0:
            errors["amount"] = ["Enter an amount above zero."]
        elif amount > requested:
            errors["amount"] = [f"The amount cannot exceed the ${requested:,.2f} requested."]
        elif amount < requested and not reason:
            errors["reason"] = ["Give the reason for funding less than was requested."]
        if errors:
            raise ValidationError(errors)
        committed = call_committed_amount(call, exclude_proposal_pk=proposal.pk)
        if committed + amount > call.total_budget:
            remaining = call.total_budget - committed
            raise ValidationError(
                {
                    "amount": [
                        f"Funding ${amount:,.2f} would exceed the call's budget of "
                        f"${call.total_budget:,.2f}: ${committed:,.2f} is committed and only "
                        f"${remaining:,.2f} remains."
                    ]
                }
            )
    else:
        amount = None
    decision, _ = Decision.objects.update_or_create(
        proposal=proposal,
        defaults={
            "call": call,
            "outcome": outcome,
            "amount": amount,
            "reason": reason,
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    if outcome == DecisionOutcome.FUNDED:
        start, end = award_dates(call=call, decided_on=timezone.localdate())
        Award.objects.update_or_create(
            proposal=proposal,
            defaults={"call": call, "amount": amount, "start_date": start, "end_date": end},
        )
    else:
        Award.objects.filter(proposal=proposal).delete()
    summary = DecisionOutcome(outcome).label
    if amount is not None:
        summary += f" at ${amount:,.2f}"
    record_proposal_note(
        proposal=proposal,
        actor=actor,
        reason=f"Decision recorded: {summary}." + (f" {reason}" if reason else ""),
        internal=True,
        audit_action=AuditAction.DECISION_RECORDED,
        before={
            "outcome": existing.outcome if existing else None,
            "amount": _money(existing.amount) if existing else None,
        },
        after={"outcome": outcome, "amount": _money(amount)},
    )
    if released_waitlist:
        proposal_transition(proposal=proposal, to=outcome, actor=actor, reason="Decision released.")
        transaction.on_commit(lambda: emails.send_decision(proposal, decision))
    return decision


@transaction.atomic
def decisions_release(*, call: FundingCall, actor: User) -> list[Decision]:
    """Release every unreleased decision of the call: the proposals take their outcome and each
    PI is e-mailed after commit. The call becomes decided once nothing is left undecided."""
    _require(actor, "grants.manage_calls")
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    problem = lifecycle.decisions_problem(call)
    if problem:
        raise InvalidTransition(problem)
    now = timezone.now()
    released = []
    pending = (
        Decision.objects.filter(call=call, released_at__isnull=True)
        .select_related("proposal", "proposal__pi", "proposal__call")
        .order_by("pk")
    )
    for decision in pending:
        proposal = decision.proposal
        if proposal.status == ProposalStatus.IN_REVIEW:
            proposal_transition(
                proposal=proposal, to=decision.outcome, actor=actor, reason="Decision released."
            )
        decision.released_at = now
        decision.save(update_fields=["released_at"])
        released.append(decision)
    if not released:
        raise ValidationError("There are no unreleased decisions in this call.")
    audit_record(
        action=AuditAction.DECISIONS_RELEASED,
        actor=actor,
        obj=call,
        after={"decisions": {str(d.proposal_id): d.outcome for d in released}},
    )
    undecided = call.proposals.filter(status=ProposalStatus.IN_REVIEW).exists()
    if not undecided and call.status == CallStatus.IN_REVIEW:
        call_transition(call=call, to=CallStatus.DECIDED, actor=actor, reason="Decisions released.")

    def notify():
        for decision in released:
            emails.send_decision(decision.proposal, decision)

    transaction.on_commit(notify)
    return released


@transaction.atomic
def award_transition(
    *,
    award: Award,
    to: str,
    actor: User,
    reason: str = "",
    new_end_date: date | None = None,
    ended_on: date | None = None,
) -> Award:
    """The only code that changes an award's status, with history.

    A no-cost extension needs a later ``new_end_date``; closing or terminating records
    ``ended_on`` (default today), which becomes the effective end when earlier than the end.
    """
    _require(actor, "grants.manage_awards", award)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if to not in AWARD_TRANSITIONS[award.status]:
        raise InvalidTransition(
            f"An award that is {award.get_status_display().lower()} cannot become "
            f"{AwardStatus(to).label.lower()}."
        )
    reason = (reason or "").strip()
    fields = ["status"]
    if to == AwardStatus.NO_COST_EXTENSION:
        if new_end_date is None or new_end_date <= award.end_date:
            raise ValidationError(
                {"new_end_date": [f"Give a new end date after {award.end_date:%B %-d, %Y}."]}
            )
        reason = reason or f"Extended from {award.end_date:%Y-%m-%d} to {new_end_date:%Y-%m-%d}."
        award.end_date = new_end_date
        fields.append("end_date")
    if to in (AwardStatus.CLOSED, AwardStatus.TERMINATED):
        if to == AwardStatus.TERMINATED and not reason:
            raise ValidationError({"reason": ["Give the reason for terminating the award."]})
        award.ended_on = ended_on or timezone.localdate()
        if award.ended_on < award.start_date:
            raise ValidationError({"ended_on": ["The end cannot be before the award started."]})
        fields.append("ended_on")
    previous = award.status
    award.status = to
    award.save(update_fields=fields)
    record_state_change(obj=award, from_state=previous, to_state=to, actor=actor, reason=reason)
    return award
