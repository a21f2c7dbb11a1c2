"""The lifecycle rules grants owns: what a call's stage and a proposal's state allow.

A call moves draft -> open -> closed -> in review -> decided -> archived (a two-stage call
goes open (letters) -> letters in triage -> open (invited full proposals) first); while it is in review
a committee may be reviewing it (``FundingCall.committee_review_open``, set and cleared by the
reviews app through ``services.call_committee_review_set``). These functions answer "does the
stage allow this write now?" for the services, which call them inside the transaction that
holds the call's row lock — never the views. Each rule is listed in docs/invariants.md.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES

from .choices import CallStatus, LetterStatus
from .models import FundingCall, LetterOfIntent, Proposal, StateChange

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


def _due(moment, call: FundingCall) -> str:
    local = timezone.localtime(moment, call.zone)
    return f"{local:%B %-d, %Y at %-I:%M %p} {local.tzname()}"


def letters_problem(call: FundingCall, now=None) -> str:
    """Why a letter of intent may not be started or sent to ``call`` now, or ''.

    A two-stage call takes letters while it is open and before its letters' deadline, by the
    server clock (docs/invariants.md, "A full proposal follows an invitation")."""
    if not call.letter_of_intent:
        return "This call does not take letters of intent."
    now = now or timezone.now()
    if call.letters_close_at is not None and now >= call.letters_close_at:
        return (
            f"Letters of intent were due {_due(call.letters_close_at, call)}; the deadline "
            "has passed."
        )
    if not call.is_accepting_letters(now):
        return "This call is not accepting letters of intent."
    # Even with its letters' deadline moved later: once triaged, no letter could be decided.
    if letters_triage_over(call):
        return "The letters of intent to this call are triaged; it takes no more."
    return ""


def letters_triage_problem(call: FundingCall, now=None) -> str:
    """Why a two-stage ``call`` may not move into letters triage now, or '': only once its
    letters are due, so that no applicant loses the time they were promised; and only once —
    a call open for full proposals never goes back, which would stop the invited from
    starting and sending the proposals they were promised."""
    now = now or timezone.now()
    if now < call.letters_close_at:
        return (
            f"Letters of intent are due {_due(call.letters_close_at, call)}; their triage "
            "starts after that deadline."
        )
    if letters_triage_over(call):
        return (
            "The letters triage is over: this call is open for the invited full proposals "
            "and does not go back."
        )
    return ""


def letters_triage_over(call: FundingCall) -> bool:
    """Has the two-stage ``call`` come out of its letters triage (open for full proposals
    since, or later)? Read from the call's history."""
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(FundingCall),
        object_id=call.pk,
        from_state=CallStatus.LETTERS_TRIAGE,
    ).exists()


def full_proposals_problem(call: FundingCall) -> str:
    """Why a call in letters triage may not open for full proposals yet, or '': every letter
    sent is decided first, so nobody waits on a call that has moved on without them."""
    waiting = LetterOfIntent.objects.filter(call=call, status=LetterStatus.SUBMITTED).count()
    if waiting:
        return (
            f"{waiting} letter{'s' if waiting != 1 else ''} of intent still "
            f"await{'' if waiting != 1 else 's'} triage; invite or decline each first."
        )
    return ""


def shape_fixed(call: FundingCall) -> bool:
    """A call's shape (blind review, a letter-of-intent stage, a limited submission's number
    of nominations) is chosen while it is a draft:
    once it opens, applicants have read (or not) the note to keep names out of their text and
    have started letters or proposals by the stage it announced, and once it is reviewed the
    committee has seen (or not) the names, so changing it would mislead one or the other."""
    return call.pk is not None and call.status != CallStatus.DRAFT


# Fields of the call that shape_fixed freezes once it opens.
SHAPE_FIELDS = ("blind_review", "letter_of_intent", "nominations_allowed")


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
