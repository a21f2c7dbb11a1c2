"""The lifecycle rules grants owns: what a call's stage and a proposal's state allow.

A call moves draft -> open -> closed -> in review -> decided -> archived; while it is in review
a committee may be reviewing it (``FundingCall.committee_review_open``, set and cleared by the
reviews app through ``services.call_committee_review_set``). These functions answer "does the
stage allow this write now?" for the services, which call them inside the transaction that
holds the call's row lock — never the views. Each rule is listed in docs/invariants.md.
"""

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES

from .choices import CallStatus
from .models import FundingCall, Proposal

# A call in one of these stages may have funding decisions recorded (the committee, if any,
# having closed its review); released waitlists are decided on decided calls.
DECIDING_STAGES = frozenset({CallStatus.IN_REVIEW, CallStatus.DECIDED})


def decisions_problem(call: FundingCall) -> str:
    """Why funding decisions on ``call`` may not be recorded or released now, or ''.

    Decisions follow the review: only once the call is in review and the committee (when one
    reviews the call) has closed its review, so no score, critique or conflict can change
    after a decision is made on it.
    """
    if call.status not in DECIDING_STAGES:
        return (
            f"The call is {call.get_status_display().lower()}; funding decisions are made once "
            "its proposals are in review."
        )
    if call.committee_review_open:
        return (
            "The committee is still reviewing this call; record and release funding decisions "
            "after the chair closes the review."
        )
    return ""


def blind_review_fixed(call: FundingCall) -> bool:
    """A call's blind-review setting is chosen while it is a draft: once it opens, applicants
    have read (or not) the note to keep names out of their text, and once it is reviewed the
    committee has seen (or not) the names, so changing it would mislead one or the other."""
    return call.pk is not None and call.status != CallStatus.DRAFT


def is_trainee_stage(applicant_type: str) -> bool:
    return applicant_type in TRAINEE_TYPES


def is_faculty_stage(applicant_type: str) -> bool:
    return applicant_type in FACULTY_TYPES


def current_position(user) -> str:
    return getattr(getattr(user, "profile", None), "applicant_type", "") or ""


def trainee_rules_apply(proposal: Proposal) -> bool:
    """The trainee rules (a faculty mentor's endorsement) bind this proposal when its PI was a
    trainee when it was started (``pi_career_stage``, kept on the proposal) or is one now: a
    change of one's own position never unlocks them on a proposal already started."""
    return is_trainee_stage(proposal.pi_career_stage) or is_trainee_stage(
        current_position(proposal.pi)
    )


def may_mentor(user) -> bool:
    """A mentor (the one whose endorsement counts) holds a faculty position."""
    return is_faculty_stage(current_position(user))
