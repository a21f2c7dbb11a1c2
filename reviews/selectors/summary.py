"""The summary statement: what the applicant receives."""

from dataclasses import dataclass

from grants.models import Proposal

from ..choices import SCORE_DESCRIPTORS, CriterionKind, PanelDisposition, ReviewStatus
from ..models import Criterion, CriterionScore, PanelEntry, Review
from .committees import conflicted_reviewer_ids, criteria_for
from .identities import APPLICANT, identities_hidden_from
from .reviewing import _ordered_reviews

# ---- The summary statement ----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRating:
    """One reviewer's rating of one criterion, as the applicant reads it."""

    criterion: str
    kind: str
    score: int | None
    sufficient: bool | None
    rating: str  # "2 (Outstanding)", "Sufficient", "Insufficient" or "—"
    explanation: str
    strengths: str
    weaknesses: str


@dataclass(frozen=True)
class Critique:
    label: str  # "Reviewer 1": never a name
    overall_impact: str
    comments_to_applicant: str
    ratings: tuple[CriterionRating, ...]


@dataclass(frozen=True)
class CriterionSummary:
    criterion: str
    kind: str
    ratings: tuple[str, ...]  # one per reviewer, in the critiques' order


@dataclass(frozen=True)
class SummaryStatement:
    """What the applicant receives. Plain values only: no reviewer, no confidential comments."""

    proposal_id: int
    proposal_title: str
    call_title: str
    pi_name: str  # "Applicant" for a reader a blind call hides identities from
    disposition: str  # "discussed", "not_discussed" or "" before the panel
    final_impact_score: int | None
    percentile: int | None
    criteria: tuple[CriterionSummary, ...]
    critiques: tuple[Critique, ...]
    resume_of_discussion: str

    @property
    def not_discussed(self) -> bool:
        return self.disposition == PanelDisposition.NOT_DISCUSSED


def _rating_text(criterion: Criterion, score: CriterionScore | None) -> str:
    if score is None:
        return "—"
    if criterion.kind == CriterionKind.SUFFICIENCY:
        if score.sufficient is None:
            return "—"
        return "Sufficient" if score.sufficient else "Insufficient"
    if score.score is None:
        return "—"
    return f"{score.score} ({SCORE_DESCRIPTORS[score.score]})"


def summary_statement(proposal: Proposal, *, viewer=None) -> SummaryStatement:
    """The summary statement's content: final score and percentile (or not discussed), each
    criterion's ratings, each submitted review's text as "Reviewer 1, 2, 3" in a stable order
    (primary, secondary, tertiary, readers), and the resume of discussion.

    Reviews of anyone conflicted on the proposal are left out. On a blind call the PI is
    named only to ``viewer``s who may see identities (``identities_hidden_from``; no viewer
    counts as one who may not). A fixed number of queries.
    """
    proposal = Proposal.objects.select_related("call", "pi").get(pk=proposal.pk)
    entry = PanelEntry.objects.filter(proposal=proposal).first()
    criteria = list(criteria_for(proposal.call))
    excluded = conflicted_reviewer_ids(proposal, for_results=True)
    reviews = _ordered_reviews(
        Review.objects.filter(assignment__proposal=proposal, status=ReviewStatus.SUBMITTED)
        .exclude(assignment__reviewer_id__in=excluded)
        .select_related("assignment")
        .prefetch_related("scores")
    )
    critiques = []
    per_criterion: dict[int, list[str]] = {c.pk: [] for c in criteria}
    for number, review in enumerate(reviews, start=1):
        by_criterion = {s.criterion_id: s for s in review.scores.all()}
        ratings = []
        for criterion in criteria:
            score = by_criterion.get(criterion.pk)
            text = _rating_text(criterion, score)
            per_criterion[criterion.pk].append(text)
            ratings.append(
                CriterionRating(
                    criterion=criterion.name,
                    kind=criterion.kind,
                    score=score.score if score else None,
                    sufficient=score.sufficient if score else None,
                    rating=text,
                    explanation=score.explanation if score else "",
                    strengths=score.strengths if score else "",
                    weaknesses=score.weaknesses if score else "",
                )
            )
        critiques.append(
            Critique(
                label=f"Reviewer {number}",
                overall_impact=review.overall_paragraph,
                comments_to_applicant=review.comments_to_applicant,
                ratings=tuple(ratings),
            )
        )
    discussed = entry is not None and entry.disposition == PanelDisposition.DISCUSSED
    return SummaryStatement(
        proposal_id=proposal.pk,
        proposal_title=proposal.title,
        call_title=proposal.call.title,
        pi_name=APPLICANT if identities_hidden_from(viewer, proposal) else proposal.pi.display_name,
        disposition=entry.disposition if entry else "",
        final_impact_score=entry.final_impact_score if discussed else None,
        percentile=entry.percentile if discussed else None,
        criteria=tuple(
            CriterionSummary(criterion=c.name, kind=c.kind, ratings=tuple(per_criterion[c.pk]))
            for c in criteria
        ),
        critiques=tuple(critiques),
        resume_of_discussion=entry.resume_of_discussion if discussed else "",
    )
