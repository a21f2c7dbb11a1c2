"""Every write of committee review: committees, a call's review set-up and criteria, conflicts,
assignments (by hand and automatic), reviews, the panel, and the review phases.

Services take keyword-only arguments and an explicit ``actor``, check the permission themselves
(so the web views and the API cannot diverge), run in a transaction, and write an audit row
(``grants.models.StateChange``, on the review object concerned — never on the proposal, whose
history the applicant reads) for every review submission and reopening, final score, disposition,
finalization, assignment and phase change.

Refusals: ``PermissionDenied`` when the actor may not do this at all; ``ValidationError`` (a
dict keyed by field where there is one) when the state or the input is wrong;
``grants.services.InvalidTransition`` for a phase change the table does not allow;
``grants.services.StaleVersion`` (a ValidationError) for a draft saved from a stale sheet.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from grants.services import InvalidTransition, StaleVersion

from .assignments import (
    AutoAssignResult,
    assignment_create,
    assignment_remove,
    assignment_swap,
    auto_assign,
    conflict_certify_none,
    conflict_declare,
    keyword_overlap,
)
from .committees import (
    call_review_update,
    committee_attach_to_call,
    committee_create,
    committee_member_add,
    committee_member_remove,
    committee_member_update,
    committee_set_chair,
    criteria_create_defaults,
    criterion_delete,
    criterion_save,
)
from .letters import letter_conflict_declare, letter_decide, letter_rate
from .panel import (
    final_score_record,
    panel_finalize,
    panel_set_disposition,
    review_phase_transition,
    triage_default,
)
from .reviewing import ReviewDraftInvalid, review_reopen, review_save_draft, review_submit

__all__ = [
    "AutoAssignResult",
    "InvalidTransition",
    "PermissionDenied",
    "ReviewDraftInvalid",
    "StaleVersion",
    "ValidationError",
    "assignment_create",
    "assignment_remove",
    "assignment_swap",
    "auto_assign",
    "call_review_update",
    "committee_attach_to_call",
    "committee_create",
    "committee_member_add",
    "committee_member_remove",
    "committee_member_update",
    "committee_set_chair",
    "conflict_certify_none",
    "conflict_declare",
    "criteria_create_defaults",
    "criterion_delete",
    "criterion_save",
    "final_score_record",
    "keyword_overlap",
    "letter_conflict_declare",
    "letter_decide",
    "letter_rate",
    "panel_finalize",
    "panel_set_disposition",
    "review_phase_transition",
    "review_reopen",
    "review_save_draft",
    "review_submit",
    "triage_default",
]
