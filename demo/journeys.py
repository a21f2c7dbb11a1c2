"""Taking a call through committee review to released decisions, through the services only:
assignment -> independent review -> read phase -> panel (final scores, finalization) -> closed
-> decisions recorded -> released.

One walk, shared by the demo loader (its decided call: the committee's review, demo/reviewing.py,
then the decisions and their release) and by the tests' builders (tests/factories.py), so the
demo and the tests build a reviewed call the way the pages do. Each step is a function of its own; ``call_through_review`` runs them all.
Services are looked up through their packages (``services.<name>``) at call time.
"""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from decimal import Decimal

from grants import services as grant_services
from reviews import services as review_services
from reviews.choices import PanelDisposition, ReviewPhase


@dataclass(frozen=True)
class PlannedDecision:
    proposal: object  # grants.models.Proposal
    outcome: str  # grants.choices.DecisionOutcome
    amount: Decimal | None = None  # None: the requested amount (when funded)
    reason: str = ""


def review_phase_advance(*, call, to: str, actor):
    """Step the call's review forward to ``to``, through every phase in between, as ``actor``
    (the chair or an administrator). Returns the call's review."""
    from reviews.models import CallReview

    order = list(ReviewPhase.values)
    call_review = CallReview.objects.get(call=call)
    while order.index(call_review.phase) < order.index(to):
        following = order[order.index(call_review.phase) + 1]
        call_review = review_services.review_phase_transition(call=call, to=following, actor=actor)
    return call_review


def review_complete(*, assignment, data: dict):
    """The assigned reviewer certifies no conflict, saves ``data`` (``review_save_draft``'s
    shape) and submits the review."""
    reviewer = assignment.reviewer
    review_services.conflict_certify_none(assignment=assignment, actor=reviewer)
    review_services.review_save_draft(assignment=assignment, actor=reviewer, data=data)
    return review_services.review_submit(assignment=assignment, actor=reviewer)


def reviews_by(*, proposal, reviewers: Iterable, actor, chair, review_data: Callable) -> None:
    """``reviewers`` are assigned to ``proposal`` by ``actor``, the review moves (as ``chair``)
    to independent review, and each submits ``review_data(assignment)``."""
    from reviews.models import Assignment

    reviewers = list(reviewers)
    for reviewer in reviewers:
        review_services.assignment_create(proposal=proposal, reviewer=reviewer, actor=actor)
    review_phase_advance(call=proposal.call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair)
    for assignment in Assignment.objects.filter(proposal=proposal, reviewer__in=reviewers):
        review_complete(assignment=assignment, data=review_data(assignment))


def panel_discuss(*, proposal, final_scores: dict, chair, resume: str):
    """In the panel: ``proposal`` is discussed, each member in ``final_scores`` (member ->
    score) votes, and the chair finalizes it. Returns its panel entry."""
    review_services.panel_set_disposition(
        proposal=proposal, disposition=PanelDisposition.DISCUSSED, actor=chair
    )
    for member, score in final_scores.items():
        review_services.final_score_record(proposal=proposal, actor=member, score=score)
    return review_services.panel_finalize(
        proposal=proposal, actor=chair, resume_of_discussion=resume
    )


def panel_close(*, call, actor, chair) -> None:
    """Close the call's review as the chair would when the committee has nothing more to say:
    step to the panel, mark every proposal not yet finalized "not discussed" (as ``actor``),
    and close. The call's funding decisions may then be recorded."""
    from reviews.models import PanelEntry

    review_phase_advance(call=call, to=ReviewPhase.PANEL, actor=chair)
    for entry in PanelEntry.objects.filter(
        proposal__call=call, finalized_at__isnull=True
    ).select_related("proposal"):
        review_services.panel_set_disposition(
            proposal=entry.proposal, disposition=PanelDisposition.NOT_DISCUSSED, actor=actor
        )
    review_phase_advance(call=call, to=ReviewPhase.CLOSED, actor=chair)
    call.refresh_from_db()


def decisions_record(
    *,
    decisions: Iterable[PlannedDecision],
    actor,
    during: Callable[[int], AbstractContextManager] | None = None,
) -> list:
    """Record each planned decision, in order; ``during(step)`` wraps each one (the demo dates
    the history it writes). Returns the decisions."""
    recorded = []
    for step, planned in enumerate(decisions):
        with during(step) if during else nullcontext():
            recorded.append(
                grant_services.decision_record(
                    proposal=planned.proposal,
                    actor=actor,
                    outcome=planned.outcome,
                    amount=planned.amount,
                    reason=planned.reason,
                )
            )
    return recorded


def decisions_release(*, call, actor, during: AbstractContextManager | None = None) -> None:
    """Release the call's decisions to the applicants (mail queued by the service)."""
    with during or nullcontext():
        grant_services.decisions_release(call=call, actor=actor)


def _panel_runner(*, proposal, chair, actor):
    """Who runs ``proposal``'s panel business: the chair, or ``actor`` (an administrator) when
    the chair is conflicted on it (its mentor, say)."""
    from reviews.conflicts import is_conflicted

    return actor if is_conflicted(chair, proposal) else chair


def call_through_review(
    *,
    call,
    actor,
    chair,
    assignments: dict,
    review_data: Callable,
    discussed: dict | None = None,
    decisions: Iterable[PlannedDecision] = (),
    release: bool = True,
    resumes: dict | None = None,
    during: Callable[[str, object], AbstractContextManager] | None = None,
) -> list:
    """The whole walk for a call in review with its committee attached (phase: assignment):
    ``assignments`` (proposal -> reviewers, in role order) are made by ``actor``; each reviewer
    submits ``review_data(assignment)``; in the read phase the chair triages (``discussed``,
    proposal -> {member: final score}, are discussed, the rest not); in the panel the members
    vote and the chair finalizes each discussed proposal with its resume (``resumes``,
    proposal -> text, or a plain one); the review closes; ``decisions`` are recorded and, if
    ``release``, released. The chair's panel business on a proposal they are conflicted on
    falls to ``actor``.

    ``during(step, subject)`` wraps each step (the demo dates the history it writes):
    ("assign", proposal), ("phase", phase), ("review", assignment), ("triage", call),
    ("discuss", proposal), ("close", call). Returns the decisions."""
    from reviews.models import Assignment

    discussed = discussed or {}
    resumes = resumes or {}
    step = during or (lambda _name, _subject: nullcontext())
    for proposal, reviewers in assignments.items():
        with step("assign", proposal):
            for reviewer in reviewers:
                review_services.assignment_create(proposal=proposal, reviewer=reviewer, actor=actor)
    with step("phase", ReviewPhase.INDEPENDENT_REVIEW):
        review_phase_advance(call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=chair)
    for assignment in Assignment.objects.filter(proposal__in=list(assignments)).order_by("pk"):
        with step("review", assignment):
            review_complete(assignment=assignment, data=review_data(assignment))
    with step("phase", ReviewPhase.READ_PHASE):
        review_phase_advance(call=call, to=ReviewPhase.READ_PHASE, actor=chair)
    with step("triage", call):
        for proposal in assignments:
            review_services.panel_set_disposition(
                proposal=proposal,
                disposition=(
                    PanelDisposition.DISCUSSED
                    if proposal in discussed
                    else PanelDisposition.NOT_DISCUSSED
                ),
                actor=_panel_runner(proposal=proposal, chair=chair, actor=actor),
            )
    with step("phase", ReviewPhase.PANEL):
        review_phase_advance(call=call, to=ReviewPhase.PANEL, actor=chair)
    for proposal, final_scores in discussed.items():
        with step("discuss", proposal):
            panel_discuss(
                proposal=proposal,
                final_scores=final_scores,
                chair=_panel_runner(proposal=proposal, chair=chair, actor=actor),
                resume=resumes.get(
                    proposal,
                    "Discussed by the panel; strengths and weaknesses as in the reviews.",
                ),
            )
    with step("close", call):
        panel_close(call=call, actor=actor, chair=chair)
    recorded = decisions_record(decisions=decisions, actor=actor)
    if release and recorded:
        decisions_release(call=call, actor=actor)
    return recorded
