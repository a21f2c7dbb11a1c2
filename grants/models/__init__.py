"""Funding calls, proposals and their parts, decisions and awards, letters of intent, and the
state-change history, one module per topic; every name is importable from ``grants.models`` as
before.

Models hold data and derived read-only facts; every write and state change lives in services.

The fields' defaults and upload paths (``default_*``, ``new_token``, ``attachment_upload_to``,
``letter_upload_to``) stay re-exported here because the migrations name them as
``grants.models.<name>``.
"""

# isort: off
# In the order the models were first defined: the app registry, and with it the order of
# reverse relations (e.g. what a deleted proposal cascades to first), stays as it was.
from .program import Program
from .history import StateChange
from .calls import (
    MONEY,
    FundingCall,
    default_required_attachments,
    default_required_sections,
    default_time_zone,
)
from .proposals import (
    Attachment,
    BudgetLine,
    Endorsement,
    Proposal,
    TeamMember,
    attachment_upload_to,
    new_token,
)
from .decisions import Award, Decision
from .letters import LetterOfIntent, letter_upload_to
from .eligibility import EligibilityException
# isort: on

__all__ = [
    "MONEY",
    "Attachment",
    "Award",
    "BudgetLine",
    "Decision",
    "EligibilityException",
    "Endorsement",
    "FundingCall",
    "LetterOfIntent",
    "Program",
    "Proposal",
    "StateChange",
    "TeamMember",
    "attachment_upload_to",
    "default_required_attachments",
    "default_required_sections",
    "default_time_zone",
    "letter_upload_to",
    "new_token",
]
