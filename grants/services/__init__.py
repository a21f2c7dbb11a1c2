"""Every write and state change of calls and proposals.

Services take keyword-only arguments and an explicit ``actor``, check the permission themselves
(so the web views and the API cannot diverge), run in a transaction, record state changes, and
send mail only after commit.

The submodules hold them by subject; other apps use the names re-exported here
(``from grants import services; services.proposal_submit(...)``). A test that replaces a step
patches the submodule where the service looks it up (e.g. ``grants.services.proposals``).
"""

from ._common import STALE_ADVICE, InvalidTransition, StaleVersion, saved_when
from .attachments import attachment_add, attachment_remove
from .awards import award_dates, award_transition
from .call_copy import call_copy, call_copy_defaults
from .calls import call_begin_review, call_committee_review_set, call_transition
from .classification import nimhd_cells_validate, proposal_classification_correct
from .decisions import decision_record, decisions_record_many, decisions_release
from .eligibility import eligibility_exception_grant, eligibility_exception_revoke
from .endorsements import endorsement_request, endorsement_respond
from .history import record_proposal_note, record_state_change
from .letters import (
    LETTER_FIELDS,
    letter_create,
    letter_document_remove,
    letter_document_set,
    letter_submit,
    letter_transition,
    letter_triage,
    letter_update,
)
from .proposals import (
    EDITABLE_FIELDS,
    SubmissionRefused,
    proposal_career_stage_correct,
    proposal_create,
    proposal_mark_checked,
    proposal_return,
    proposal_submit,
    proposal_transition,
    proposal_update,
    proposal_withdraw,
)
from .team_budget import (
    budget_line_remove,
    budget_line_save,
    team_member_add,
    team_member_invite,
    team_member_remove,
)

__all__ = [
    "EDITABLE_FIELDS",
    "LETTER_FIELDS",
    "STALE_ADVICE",
    "InvalidTransition",
    "StaleVersion",
    "SubmissionRefused",
    "attachment_add",
    "attachment_remove",
    "award_dates",
    "award_transition",
    "budget_line_remove",
    "budget_line_save",
    "call_begin_review",
    "call_copy",
    "call_copy_defaults",
    "call_committee_review_set",
    "call_transition",
    "decision_record",
    "decisions_record_many",
    "decisions_release",
    "eligibility_exception_grant",
    "eligibility_exception_revoke",
    "endorsement_request",
    "endorsement_respond",
    "letter_create",
    "letter_document_remove",
    "letter_document_set",
    "letter_submit",
    "letter_transition",
    "letter_triage",
    "letter_update",
    "nimhd_cells_validate",
    "proposal_career_stage_correct",
    "proposal_classification_correct",
    "proposal_create",
    "proposal_mark_checked",
    "proposal_return",
    "proposal_submit",
    "proposal_transition",
    "proposal_update",
    "proposal_withdraw",
    "record_proposal_note",
    "record_state_change",
    "saved_when",
    "team_member_add",
    "team_member_invite",
    "team_member_remove",
]
