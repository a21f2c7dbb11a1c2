"""Committee pages, one module per topic: the reviewer's queue, review sheet, conflicts and read
phase (reviewer); committees (administrators); the chair's call page with phases and assignment
(calls); the panel and ballots (panel); the ranking, funding decisions and summary statements
(results).

Thin: objects are looked up through selectors (404 for what the user may not know exists),
every change goes through a service, and the same permission rules as the API decide.
"""

from .calls import (
    assignment_add,
    assignment_change,
    call_auto_assign,
    call_begin_review,
    call_manage,
    call_phase,
)
from .committees import committee_detail, committee_list
from .letters import letter, letter_pdf, letter_triage, letters, letters_stage
from .panel import ballot, panel, panel_disposition, panel_proposal
from .results import (
    RANKING_PAGE_SIZE,
    decide,
    decide_many,
    decision_form,
    ranking,
    release,
    summary_statement,
    summary_statement_pdf,
)
from .reviewer import (
    attachment_download,
    conflict_check,
    proposal_pdf,
    proposal_reviews,
    proposal_view,
    queue,
    review_edit,
    review_reopen,
)

__all__ = [
    "RANKING_PAGE_SIZE",
    "assignment_add",
    "assignment_change",
    "attachment_download",
    "ballot",
    "call_auto_assign",
    "call_begin_review",
    "call_manage",
    "call_phase",
    "committee_detail",
    "committee_list",
    "conflict_check",
    "decide",
    "decide_many",
    "decision_form",
    "letter",
    "letter_pdf",
    "letter_triage",
    "letters",
    "letters_stage",
    "panel",
    "panel_disposition",
    "panel_proposal",
    "proposal_pdf",
    "proposal_reviews",
    "proposal_view",
    "queue",
    "ranking",
    "release",
    "review_edit",
    "review_reopen",
    "summary_statement",
    "summary_statement_pdf",
]
