"""Reads for committee review, shaped for the pages that show them, by topic: who may see what
(scopes), committees and set-up, the reviewer's side, the panel, the funding ranking and the
summary statement.

List selectors run a fixed number of queries whatever the number of rows. None of them joins
applicants' demographics — reviewers never see them, and no page here needs them.
"""

from .committees import (
    MemberConflict,
    assignment_board,
    board_conflicts_and_choices,
    call_review_for,
    committee_members,
    committees_list,
    committees_visible_to,
    conflicted_reviewer_ids,
    conflicts_declared_after_review_closed,
    conflicts_declared_by,
    conflicts_for_call,
    criteria_for,
    open_assignment_counts,
)
from .panel import BallotRow, PanelRow, VoteStatus, ballot_for, final_score_status, panel_rows
from .ranking import (
    RANKING_ROW_FIELDS,
    DecisionBatch,
    Ranking,
    RankingRow,
    decision_batch,
    ranking,
    ranking_for,
    ranking_order,
)
from .reviewing import (
    ReviewSheet,
    assignment_for,
    review_sheet,
    reviewer_queue,
    reviews_readable_by,
)
from .scopes import (
    assignments_visible_to,
    conflicted_with,
    conflicts_visible_to,
    managed_proposals,
    manages_any_review,
    proposals_open_to_own_declaration,
    proposals_visible_to_reviewer,
    results_hidden_ids,
    reviews_loaded,
    reviews_visible_to,
)
from .summary import (
    CriterionRating,
    CriterionSummary,
    Critique,
    SummaryStatement,
    summary_statement,
)

__all__ = [
    "BallotRow",
    "CriterionRating",
    "CriterionSummary",
    "Critique",
    "PanelRow",
    "RANKING_ROW_FIELDS",
    "Ranking",
    "RankingRow",
    "ReviewSheet",
    "SummaryStatement",
    "VoteStatus",
    "assignment_board",
    "assignment_for",
    "assignments_visible_to",
    "ballot_for",
    "call_review_for",
    "committee_members",
    "MemberConflict",
    "board_conflicts_and_choices",
    "committees_list",
    "committees_visible_to",
    "conflicted_reviewer_ids",
    "conflicted_with",
    "conflicts_declared_after_review_closed",
    "conflicts_declared_by",
    "conflicts_for_call",
    "conflicts_visible_to",
    "criteria_for",
    "final_score_status",
    "managed_proposals",
    "manages_any_review",
    "open_assignment_counts",
    "panel_rows",
    "proposals_open_to_own_declaration",
    "proposals_visible_to_reviewer",
    "DecisionBatch",
    "decision_batch",
    "ranking",
    "ranking_for",
    "ranking_order",
    "results_hidden_ids",
    "review_sheet",
    "reviewer_queue",
    "reviews_loaded",
    "reviews_readable_by",
    "reviews_visible_to",
    "summary_statement",
]
