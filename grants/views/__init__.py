"""Web pages for calls and proposals. Thin: look up through selectors, act through services.

The submodules hold them by subject; grants/urls.py names them through this package."""

from .calls import (
    CALL_PROPOSALS_PAGE_SIZE,
    call_copy,
    call_detail,
    call_list,
    call_proposals,
    proposal_start,
)
from .classification import proposal_classification
from .eligibility import call_eligibility_exceptions, eligibility_exception_revoke
from .letters import letter_detail, letter_edit, letter_pdf, letter_start, letter_submit
from .proposal_parts import (
    attachment_download,
    attachment_remove,
    budget_line_remove,
    endorsement_request,
    endorsement_respond,
    proposal_attachments,
    proposal_budget,
    proposal_team,
    team_member_remove,
)
from .proposals import (
    proposal_detail,
    proposal_edit,
    proposal_mark_checked,
    proposal_pdf,
    proposal_return,
    proposal_submit,
    proposal_withdraw,
)

__all__ = [
    "CALL_PROPOSALS_PAGE_SIZE",
    "attachment_download",
    "attachment_remove",
    "budget_line_remove",
    "call_copy",
    "call_detail",
    "call_eligibility_exceptions",
    "call_list",
    "call_proposals",
    "endorsement_request",
    "eligibility_exception_revoke",
    "endorsement_respond",
    "letter_detail",
    "letter_edit",
    "letter_pdf",
    "letter_start",
    "letter_submit",
    "proposal_attachments",
    "proposal_budget",
    "proposal_classification",
    "proposal_detail",
    "proposal_edit",
    "proposal_pdf",
    "proposal_mark_checked",
    "proposal_return",
    "proposal_start",
    "proposal_submit",
    "proposal_team",
    "proposal_withdraw",
    "team_member_remove",
]
