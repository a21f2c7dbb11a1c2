"""Vocabularies and states of committee review, with named groups of states."""

from django.db import models

from grants.choices import ProposalStatus

MIN_SCORE = 1
MAX_SCORE = 9
# Final impact scores are the panel mean (one decimal) times ten.
MIN_IMPACT = 10
MAX_IMPACT = 90


class Score(models.IntegerChoices):
    """The NIH 1–9 scale; lower is better."""

    EXCEPTIONAL = 1, "Exceptional"
    OUTSTANDING = 2, "Outstanding"
    EXCELLENT = 3, "Excellent"
    VERY_GOOD = 4, "Very Good"
    GOOD = 5, "Good"
    SATISFACTORY = 6, "Satisfactory"
    FAIR = 7, "Fair"
    MARGINAL = 8, "Marginal"
    POOR = 9, "Poor"


# {1: "Exceptional", ..., 9: "Poor"}, for the descriptors shown beside the score buttons.
SCORE_DESCRIPTORS: dict[int, str] = {int(value): label for value, label in Score.choices}


class AssignmentRole(models.TextChoices):
    PRIMARY = "primary", "Primary reviewer"
    SECONDARY = "secondary", "Secondary reviewer"
    TERTIARY = "tertiary", "Tertiary reviewer"
    # Any reviewer beyond the third, when a call asks for more than three.
    READER = "reader", "Reader"


# The order roles are handed out in; the first three are held by at most one reviewer each.
ROLE_ORDER: tuple[str, ...] = (
    AssignmentRole.PRIMARY,
    AssignmentRole.SECONDARY,
    AssignmentRole.TERTIARY,
    AssignmentRole.READER,
)
SINGLE_HOLDER_ROLES = frozenset(
    {AssignmentRole.PRIMARY, AssignmentRole.SECONDARY, AssignmentRole.TERTIARY}
)


class ConflictReason(models.TextChoices):
    """Reasons a reviewer declares. Automatic conflicts (PI, team, mentor) are not stored."""

    COLLABORATOR = "collaborator", "Collaborator in the last 3 years"
    SAME_LAB = "same_lab", "Same lab or department leadership"
    MENTOR_TRAINEE = "mentor_trainee", "Mentor or trainee"
    FAMILY = "family", "Family or close personal relationship"
    FINANCIAL = "financial", "Financial interest"
    OTHER = "other", "Other (explain)"


class AutomaticConflict(models.TextChoices):
    """Conflicts the system knows without being told (computed, never stored)."""

    PI = "pi", "Principal investigator of the proposal"
    MENTOR = "mentor", "Mentor named on the proposal"
    TEAM = "team", "Member of the proposal's team"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class CriterionKind(models.TextChoices):
    SCORE = "score_1_9", "Score 1–9"
    SUFFICIENCY = "sufficiency", "Sufficient / insufficient"


class PanelDisposition(models.TextChoices):
    DISCUSSED = "discussed", "Discussed"
    NOT_DISCUSSED = "not_discussed", "Not discussed"


class ReviewPhase(models.TextChoices):
    ASSIGNMENT = "assignment", "Assignment"
    INDEPENDENT_REVIEW = "independent_review", "Independent review"
    READ_PHASE = "read_phase", "Read phase"
    PANEL = "panel", "Panel"
    CLOSED = "closed", "Closed"


# One step forward, or one step back while nothing is final; closed is final.
PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewPhase.ASSIGNMENT: frozenset({ReviewPhase.INDEPENDENT_REVIEW}),
    ReviewPhase.INDEPENDENT_REVIEW: frozenset({ReviewPhase.ASSIGNMENT, ReviewPhase.READ_PHASE}),
    ReviewPhase.READ_PHASE: frozenset({ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.PANEL}),
    ReviewPhase.PANEL: frozenset({ReviewPhase.READ_PHASE, ReviewPhase.CLOSED}),
    ReviewPhase.CLOSED: frozenset(),
}

# Assignments may be made, swapped or released: any time before the panel.
ASSIGNABLE_PHASES = frozenset(
    {ReviewPhase.ASSIGNMENT, ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.READ_PHASE}
)
# Reviewers may write, submit, and the chair may reopen, reviews.
WRITABLE_PHASES = frozenset({ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.READ_PHASE})
# An assigned reviewer who has submitted may read the other reviews of the proposal.
READ_PHASES = frozenset({ReviewPhase.READ_PHASE, ReviewPhase.PANEL, ReviewPhase.CLOSED})
# Every non-conflicted committee member may open the call's proposals and read their reviews.
PANEL_PHASES = frozenset({ReviewPhase.PANEL, ReviewPhase.CLOSED})
# The chair may triage (set dispositions).
TRIAGE_PHASES = frozenset({ReviewPhase.READ_PHASE, ReviewPhase.PANEL})
# Criteria may be edited only before anyone starts reviewing.
CRITERIA_EDITABLE_PHASES = frozenset({ReviewPhase.ASSIGNMENT})

DEFAULT_LOAD_CAP = 8

# Proposals the committee reviews: assignment needs ``in_review``; the decided states keep
# their reviews, panel results and summary statement.
REVIEW_STATES = frozenset(
    {
        ProposalStatus.IN_REVIEW,
        ProposalStatus.FUNDED,
        ProposalStatus.NOT_FUNDED,
        ProposalStatus.WAITLISTED,
        ProposalStatus.NOMINATED,
        ProposalStatus.NOT_NOMINATED,
    }
)


# The default criteria attached to a call: NIH Simplified Review Framework (2025) plus the
# program's own health-disparities criterion. Overall impact is a field of the review itself.
DEFAULT_CRITERIA: tuple[tuple[str, str, str], ...] = (
    (
        "Factor 1: Importance of the Research",
        "Significance and innovation: does the project address an important problem, and "
        "would success advance the field?",
        CriterionKind.SCORE,
    ),
    (
        "Factor 2: Rigor and Feasibility",
        "Approach: are the design, methods and analyses rigorous, and can the work be done "
        "in the time and budget?",
        CriterionKind.SCORE,
    ),
    (
        "Factor 3: Expertise and Resources",
        "Are the investigators and the environment sufficient for the work? Explain when "
        "insufficient.",
        CriterionKind.SUFFICIENCY,
    ),
    (
        "Health Disparities Relevance",
        "Does the project address a population with health disparities and engage it?",
        CriterionKind.SCORE,
    ),
)


# ---- The committee's light rating of letters of intent (two-stage calls) ----------------------


class LetterScore(models.IntegerChoices):
    """How strongly a member would invite a full proposal; lower is better, as on the NIH
    scale."""

    INVITE_STRONGLY = 1, "Invite strongly"
    INVITE = 2, "Invite"
    INVITE_IF_ROOM = 3, "Invite if there is room"
    DOUBTFUL = 4, "Doubtful"
    DO_NOT_INVITE = 5, "Do not invite"


LETTER_COMMENT_MAX = 1000
