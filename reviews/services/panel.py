"""The panel: triage, dispositions, final scores, finalization; and the review phases."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import User
from grants import services as grant_services
from grants.choices import CallStatus, ProposalStatus
from grants.models import FundingCall, Proposal
from grants.services import InvalidTransition
from grants.validators import too_long_message

from .. import conflicts, permissions, scoring
from ..choices import (
    PHASE_TRANSITIONS,
    REVIEW_STATES,
    TRIAGE_PHASES,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from ..models import Assignment, CallReview, FinalScore, PanelEntry, Review
from ..validators import RESUME_MAX
from ._common import FINALIZED, audit, call_review_of, require, require_phase

# ---- The panel ---------------------------------------------------------------------------------


def _preliminary_scores(proposals: list[Proposal]) -> dict[int, object]:
    impacts: dict[int, list[int]] = {p.pk: [] for p in proposals}
    conflicted = conflicts.conflicted_ids_by_proposal(proposals, for_results=True)
    rows = Review.objects.filter(
        assignment__proposal__in=proposals, status=ReviewStatus.SUBMITTED
    ).values_list("assignment__proposal_id", "assignment__reviewer_id", "overall_impact")
    for proposal_id, reviewer_id, impact in rows:
        if reviewer_id not in conflicted[proposal_id]:
            impacts[proposal_id].append(impact)
    return {pk: scoring.preliminary_score(values) for pk, values in impacts.items()}


def _set_disposition(entry: PanelEntry, disposition: str, actor: User, reason: str) -> bool:
    if entry.disposition == disposition:
        return False
    previous = entry.disposition
    entry.disposition = disposition
    fields = ["disposition"]
    if disposition == PanelDisposition.NOT_DISCUSSED:
        entry.final_impact_score = None
        entry.percentile = None
        entry.finalized_at = None
        fields += ["final_impact_score", "percentile", "finalized_at"]
    entry.save(update_fields=fields)
    audit(obj=entry, from_state=previous, to_state=disposition, actor=actor, reason=reason)
    return True


def _triage(review: CallReview, actor: User) -> list[PanelEntry]:
    proposals = list(
        Proposal.objects.filter(call_id=review.call_id, status=ProposalStatus.IN_REVIEW)
    )
    preliminary = _preliminary_scores(proposals)
    weaker = scoring.not_discussed_by_default(preliminary)
    entries = []
    for proposal in proposals:
        entry, created = PanelEntry.objects.get_or_create(proposal=proposal)
        if created:
            audit(obj=entry, from_state="", to_state=entry.disposition, actor=actor)
        disposition = (
            PanelDisposition.NOT_DISCUSSED if proposal.pk in weaker else PanelDisposition.DISCUSSED
        )
        _set_disposition(entry, disposition, actor, "Default triage by preliminary score.")
        entries.append(entry)
    recompute_results(review.call_id, actor=actor)
    return entries


@transaction.atomic
def triage_default(*, call: FundingCall, actor: User) -> list[PanelEntry]:
    """Mark the weaker half of the call's proposals by preliminary score "not discussed" and
    the rest "discussed" (ties with the weakest discussed score are discussed; proposals with
    no submitted review stay discussed). Read phase or panel; the chair (or an administrator).
    Each change is written to the audit history."""
    review = call_review_of(call, lock=True)
    require(actor, "reviews.run_panel", call)
    require_phase(review, TRIAGE_PHASES, "triage")
    return _triage(review, actor)


@transaction.atomic
def panel_set_disposition(
    *, proposal: Proposal, disposition: str, actor: User, reason: str = ""
) -> PanelEntry:
    """Discuss a proposal or not (the chair brings a triaged one back, or drops one). A
    proposal not discussed gets no final score or percentile; the change is audited."""
    review = call_review_of(proposal.call_id, lock=True)
    require(actor, "reviews.run_panel", proposal)
    require_phase(review, TRIAGE_PHASES, "set dispositions")
    if disposition not in PanelDisposition.values:
        raise ValidationError({"disposition": ["Choose discussed or not discussed."]})
    if proposal.status not in REVIEW_STATES:
        raise ValidationError("This proposal is not under review.")
    entry, created = PanelEntry.objects.get_or_create(
        proposal=proposal, defaults={"disposition": disposition}
    )
    if created:
        audit(obj=entry, from_state="", to_state=disposition, actor=actor, reason=reason)
    elif _set_disposition(entry, disposition, actor, reason):
        recompute_results(proposal.call_id, actor=actor)
    return entry


@transaction.atomic
def final_score_record(*, proposal: Proposal, actor: User, score) -> FinalScore:
    """The actor's own final overall impact score (1–9) for a discussed proposal, in the panel
    phase. Every non-conflicted committee member may vote; conflicted members are refused.
    Changing a vote is allowed until the call closes; every vote and change is audited, and a
    finalized proposal's final score and the call's percentiles follow the change."""
    review = call_review_of(proposal.call_id, lock=True)
    if not permissions.may_vote(actor, proposal):
        raise PermissionDenied("reviews.record_final_score")
    try:
        value = scoring.parse_score(score)
    except ValueError as exc:
        raise ValidationError({"score": [str(exc)]}) from exc
    if value is None:
        raise ValidationError({"score": ["Choose a score from 1 to 9."]})
    if review.phase != ReviewPhase.PANEL:
        raise ValidationError("Final scores are given during the panel.")
    entry = PanelEntry.objects.filter(proposal=proposal).first()
    if entry is None or entry.disposition != PanelDisposition.DISCUSSED:
        raise ValidationError("This proposal is not being discussed.")
    require(actor, "reviews.record_final_score", proposal)
    final, created = FinalScore.objects.get_or_create(
        entry=entry, member=actor, defaults={"score": value}
    )
    previous = "" if created else str(final.score)
    if not created and final.score != value:
        final.score = value
        final.save(update_fields=["score", "recorded_at"])
    if created or previous != str(value):
        audit(
            obj=final,
            from_state=previous,
            to_state=str(value),
            actor=actor,
            audit_action=AuditAction.SCORE_CHANGED,
            before={"final_score": int(previous) if previous else None},
            after={"final_score": value, "proposal": proposal.pk},
        )
        if entry.finalized_at is not None:
            recompute_results(proposal.call_id, actor=actor)
    return final


@transaction.atomic
def panel_finalize(*, proposal: Proposal, actor: User, resume_of_discussion: str) -> PanelEntry:
    """The chair closes the discussion of a proposal: saves the resume of discussion, computes
    its final impact score (mean of the members' final scores, one decimal half up, x10), and
    recomputes the percentiles of every finalized proposal of the call. May be repeated while
    the panel lasts. Audited."""
    review = call_review_of(proposal.call_id, lock=True)
    require(actor, "reviews.run_panel", proposal)
    if review.phase != ReviewPhase.PANEL:
        raise ValidationError("Discussions are finalized during the panel.")
    entry = PanelEntry.objects.select_for_update().filter(proposal=proposal).first()
    if entry is None or entry.disposition != PanelDisposition.DISCUSSED:
        raise ValidationError("This proposal is not being discussed.")
    errors: dict[str, list[str]] = {}
    resume = (resume_of_discussion or "").strip()
    if not resume:
        errors["resume_of_discussion"] = ["Write the resume of discussion."]
    elif len(resume) > RESUME_MAX:
        errors["resume_of_discussion"] = [too_long_message(RESUME_MAX, len(resume))]
    if not _eligible_final_scores(entry):
        errors["final_scores"] = ["No eligible member has entered a final score yet."]
    if errors:
        raise ValidationError(errors)
    entry.resume_of_discussion = resume
    entry.finalized_at = timezone.now()
    entry.save(update_fields=["resume_of_discussion", "finalized_at"])
    recompute_results(proposal.call_id, actor=actor)
    entry.refresh_from_db()
    audit(
        obj=entry,
        from_state=entry.disposition,
        to_state=FINALIZED,
        actor=actor,
        reason=f"Final impact score {entry.final_impact_score}.",
    )
    return entry


def _eligible_final_scores(entry: PanelEntry) -> list[int]:
    excluded = conflicts.conflicted_ids_by_proposal([entry.proposal], for_results=True)[
        entry.proposal_id
    ]
    return [
        score
        for member_id, score in FinalScore.objects.filter(entry=entry).values_list(
            "member_id", "score"
        )
        if member_id not in excluded
    ]


@transaction.atomic
def recompute_results(call_id: int, *, actor: User) -> None:
    """Final impact scores of the call's finalized, discussed proposals and their percentiles
    (derived values; changes of a final impact score are audited on the panel entry)."""
    entries = list(
        PanelEntry.objects.select_for_update(of=("self",))
        .filter(proposal__call_id=call_id)
        .select_related("proposal")
    )
    finals: dict[int, int] = {}
    for entry in entries:
        if entry.disposition == PanelDisposition.DISCUSSED and entry.finalized_at is not None:
            value = scoring.final_impact_score(_eligible_final_scores(entry))
            if value is not None:
                finals[entry.pk] = value
    ranks = scoring.percentiles(finals)
    changed = []
    for entry in entries:
        final, percentile = finals.get(entry.pk), ranks.get(entry.pk)
        if (entry.final_impact_score, entry.percentile) != (final, percentile):
            if entry.final_impact_score != final and entry.finalized_at is not None:
                audit(
                    obj=entry,
                    from_state=str(entry.final_impact_score or ""),
                    to_state=str(final or ""),
                    actor=actor,
                    reason="Final impact score recomputed.",
                    audit_action=AuditAction.SCORE_CHANGED,
                    before={"final_impact_score": entry.final_impact_score},
                    after={"final_impact_score": final, "percentile": percentile},
                )
            entry.final_impact_score, entry.percentile = final, percentile
            changed.append(entry)
    PanelEntry.objects.bulk_update(changed, ["final_impact_score", "percentile"])


# ---- Phases ------------------------------------------------------------------------------------


@transaction.atomic
def review_phase_transition(
    *, call: FundingCall, to: str, actor: User, reason: str = ""
) -> CallReview:
    """The only code that changes a call's review phase (administrators and the chair).

    assignment -> independent review (the call must be in review) -> read phase -> panel
    (creates the panel entries; default triage when nobody has triaged) -> closed (every
    discussed proposal must be finalized; closed is final). One step back is allowed before
    closing. Audited.
    """
    review = call_review_of(call, lock=True)
    require(actor, "reviews.manage_review", call)
    if to not in PHASE_TRANSITIONS[review.phase]:
        raise InvalidTransition(
            f"The review cannot go from {review.get_phase_display().lower()} to "
            f"{ReviewPhase(to).label.lower() if to in ReviewPhase.values else to}."
        )
    if to == ReviewPhase.INDEPENDENT_REVIEW and review.call.status != CallStatus.IN_REVIEW:
        raise ValidationError("Move the call to review before reviewers start.")
    if (
        to == ReviewPhase.INDEPENDENT_REVIEW
        and review.phase == ReviewPhase.ASSIGNMENT
        and not Assignment.objects.filter(
            proposal__call=call, proposal__status=ProposalStatus.IN_REVIEW
        ).exists()
    ):
        # docs/invariants.md, "A review starts with reviewers".
        raise ValidationError(
            "Assign reviewers before the independent review starts: no proposal has a reviewer."
        )
    if to == ReviewPhase.PANEL:
        in_review = Proposal.objects.filter(call=call, status=ProposalStatus.IN_REVIEW)
        if not PanelEntry.objects.filter(proposal__call=call).exists():
            _triage(review, actor)
        else:
            for proposal in in_review.exclude(panel_entry__isnull=False):
                entry = PanelEntry.objects.create(proposal=proposal)
                audit(obj=entry, from_state="", to_state=entry.disposition, actor=actor)
    if to == ReviewPhase.CLOSED:
        open_entries = PanelEntry.objects.filter(
            proposal__call=call,
            proposal__status__in=REVIEW_STATES,
            disposition=PanelDisposition.DISCUSSED,
            finalized_at__isnull=True,
        ).select_related("proposal")
        if open_entries:
            titles = ", ".join(str(e.proposal) for e in open_entries)
            raise ValidationError(f"Finalize the discussion of every discussed proposal: {titles}.")
        recompute_results(call.pk, actor=actor)
    previous = review.phase
    review.phase = to
    review.save(update_fields=["phase"])
    audit(obj=review, from_state=previous, to_state=to, actor=actor, reason=reason)
    if to == ReviewPhase.CLOSED:
        # Reviews, scores and dispositions are final: the call's decisions may now be made.
        grant_services.call_committee_review_set(
            call=review.call, reviewing=False, actor=actor, reason="The review closed."
        )
    return review
