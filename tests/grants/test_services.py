"""Service-level tests for calls and proposals: the rules of DESIGN.md, through the services."""

import hashlib
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType
from accounts.models import User
from grants import selectors, services
from grants.choices import (
    AttachmentKind,
    BudgetCategory,
    CallStatus,
    EndorsementStatus,
    ProposalStatus,
    TeamRole,
)
from grants.models import Attachment, BudgetLine, Endorsement, Proposal, TeamMember
from grants.selectors import Blocker
from grants.services import InvalidTransition, SubmissionRefused
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_submitted_proposal,
    make_trainee_proposal,
    make_user,
    pdf_bytes,
    pdf_upload,
)
from tests.support.pdfs import encrypted_pdf

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
# A fixed deadline far enough ahead that the call is open while the test builds its proposal.
DEADLINE = datetime(2099, 6, 30, 17, 0, tzinfo=LA)
TITLE = "Community health workers and diabetes control in rural Latino families"
ALREADY_ONE = "You already have a proposal in this call, which allows one per applicant."


def _history(obj) -> list[tuple]:
    return [
        (change.from_state, change.to_state, change.actor, change.reason)
        for change in selectors.state_history(obj)
    ]


def _status_in_db(proposal) -> str:
    return Proposal.objects.values_list("status", flat=True).get(pk=proposal.pk)


# ---- proposal_create -------------------------------------------------------------------------


def test_proposal_create_open_call_starts_draft_with_history():
    pi = make_user()
    call = make_call()

    proposal = services.proposal_create(call=call, actor=pi, title="  Promotoras  ")

    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.pi == pi
    assert proposal.title == "Promotoras"
    assert _history(proposal) == [("", ProposalStatus.DRAFT, pi, "")]


def test_proposal_create_call_not_yet_open_refused():
    call = make_call(opens_at=timezone.now() + timedelta(days=1))

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=make_user())

    assert exc.value.messages == ["This call is not accepting proposals."]
    assert Proposal.objects.count() == 0


def test_proposal_create_deadline_passed_refused():
    now = timezone.now()
    call = make_call(opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1))

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=make_user())

    assert exc.value.messages == ["This call is not accepting proposals."]


def test_proposal_create_draft_call_refused():
    call = make_call(status=CallStatus.DRAFT)

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=make_user())

    assert exc.value.messages == ["This call is not accepting proposals."]


def test_proposal_create_ineligible_applicant_refused():
    call = make_call(eligible_applicant_types=[ApplicantType.MEDICAL_STUDENT])
    faculty = make_user(applicant_type=ApplicantType.ASSISTANT_PROFESSOR)

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=faculty)

    assert exc.value.messages == [
        "This call is not open to applicants whose position is “Faculty — assistant professor”."
    ]
    assert Proposal.objects.count() == 0


def test_proposal_create_eligible_applicant_type_allowed():
    call = make_call(eligible_applicant_types=[ApplicantType.MEDICAL_STUDENT])
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)

    proposal = services.proposal_create(call=call, actor=student)

    assert proposal.status == ProposalStatus.DRAFT


def test_proposal_create_second_in_one_per_applicant_call_refused():
    pi = make_user()
    call = make_call(one_per_applicant=True)
    services.proposal_create(call=call, actor=pi)

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=pi)

    assert exc.value.messages == [ALREADY_ONE]
    assert Proposal.objects.filter(call=call, pi=pi).count() == 1


def test_proposal_create_after_withdrawn_one_allowed_in_one_per_applicant_call():
    pi = make_user()
    call = make_call(one_per_applicant=True)
    first = services.proposal_create(call=call, actor=pi)
    services.proposal_withdraw(proposal=first, actor=pi)

    second = services.proposal_create(call=call, actor=pi)

    assert second.status == ProposalStatus.DRAFT
    assert second.pk != first.pk


def test_proposal_create_second_allowed_when_call_allows_several():
    pi = make_user()
    call = make_call(one_per_applicant=False)
    services.proposal_create(call=call, actor=pi)

    services.proposal_create(call=call, actor=pi)

    assert Proposal.objects.filter(call=call, pi=pi).count() == 2


def test_proposal_create_other_applicants_proposal_does_not_count():
    call = make_call(one_per_applicant=True)
    services.proposal_create(call=call, actor=make_user())

    proposal = services.proposal_create(call=call, actor=make_user())

    assert proposal.status == ProposalStatus.DRAFT


def test_proposal_create_every_reason_listed_at_once():
    pi = make_user(applicant_type=ApplicantType.FULL_PROFESSOR)
    now = timezone.now()
    call = make_call(
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(minutes=1),
        eligible_applicant_types=[ApplicantType.RESIDENT],
    )

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=pi)

    assert exc.value.messages == [
        "This call is not accepting proposals.",
        "This call is not open to applicants whose position is “Faculty — professor”.",
    ]


# ---- proposal_update -------------------------------------------------------------------------


def test_proposal_update_saves_given_fields_only():
    proposal = make_proposal(complete=False)

    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"title": "Promotoras", "requested_amount": "1234.50", "ignored": "x"},
    )

    proposal.refresh_from_db()
    assert proposal.title == "Promotoras"
    assert proposal.requested_amount == Decimal("1234.50")
    assert proposal.abstract == ""


def test_proposal_update_blank_requested_amount_clears_it():
    proposal = make_proposal()

    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"requested_amount": ""})

    proposal.refresh_from_db()
    assert proposal.requested_amount is None


def test_proposal_update_abstract_over_word_limit_kept_in_draft():
    call = make_call(abstract_word_limit=10)
    proposal = make_proposal(call=call)
    long_abstract = " ".join(f"word{i}" for i in range(11))

    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"abstract": long_abstract})

    proposal.refresh_from_db()
    assert proposal.abstract == long_abstract
    assert proposal.status == ProposalStatus.DRAFT


def test_proposal_update_by_team_member_denied():
    proposal = make_proposal()
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_INVESTIGATOR, user=colleague
    )

    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=proposal, actor=colleague, data={"title": "Mine now"})

    proposal.refresh_from_db()
    assert proposal.title == TITLE


def test_proposal_update_by_administrator_denied():
    proposal = make_proposal()

    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=proposal, actor=make_admin(), data={"title": "Edited"})


# ---- proposal_submit: success ----------------------------------------------------------------


def test_proposal_submit_complete_proposal_submits_records_and_mails(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    pi = proposal.pi

    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.proposal_submit(proposal=proposal, actor=pi)

    assert submitted.status == ProposalStatus.SUBMITTED
    assert _status_in_db(proposal) == ProposalStatus.SUBMITTED
    assert submitted.submitted_at is not None
    assert _history(proposal) == [
        ("", ProposalStatus.DRAFT, pi, ""),
        (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, pi, ""),
    ]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [pi.email]
    assert mailoutbox[0].subject == f"[Center of Excellence] Received: {TITLE}"
    assert f"NS-{proposal.pk}" in mailoutbox[0].body


def test_proposal_submit_just_before_deadline_accepted():
    proposal = make_proposal(call=make_call(closes_at=DEADLINE))

    submitted = services.proposal_submit(
        proposal=proposal, actor=proposal.pi, now=DEADLINE - timedelta(seconds=1)
    )

    assert submitted.status == ProposalStatus.SUBMITTED


def test_proposal_submit_trainee_with_endorsement_submits():
    proposal, student, _mentor = make_trainee_proposal(endorsed=True)

    submitted = services.proposal_submit(proposal=proposal, actor=student)

    assert submitted.status == ProposalStatus.SUBMITTED


# ---- proposal_submit: refusals ---------------------------------------------------------------


def test_proposal_submit_after_deadline_refused(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal(call=make_call(closes_at=DEADLINE))

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(SubmissionRefused) as exc:
            services.proposal_submit(
                proposal=proposal, actor=proposal.pi, now=DEADLINE + timedelta(minutes=1)
            )

    assert exc.value.blockers == [
        Blocker(
            "call", "The deadline passed on June 30, 2099 at 5:00 PM PDT; submissions are closed."
        )
    ]
    assert _status_in_db(proposal) == ProposalStatus.DRAFT
    assert _history(proposal) == [("", ProposalStatus.DRAFT, proposal.pi, "")]
    assert mailoutbox == []


def test_proposal_submit_exactly_at_deadline_refused():
    proposal = make_proposal(call=make_call(closes_at=DEADLINE))

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi, now=DEADLINE)

    assert exc.value.message_dict == {
        "call": ["The deadline passed on June 30, 2099 at 5:00 PM PDT; submissions are closed."]
    }


def test_proposal_submit_deadline_shown_in_winter_time_zone():
    deadline = datetime(2099, 1, 15, 23, 59, tzinfo=LA)
    proposal = make_proposal(call=make_call(closes_at=deadline))

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi, now=deadline)

    assert exc.value.message_dict == {
        "call": ["The deadline passed on January 15, 2099 at 11:59 PM PST; submissions are closed."]
    }


def test_proposal_submit_call_closed_early_refused():
    admin = make_admin()
    call = make_call()
    proposal = make_proposal(call=call)
    services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [Blocker("call", "This call is not open for submissions.")]


def test_proposal_submit_budget_over_max_award_refused():
    call = make_call(max_award=Decimal("10000.00"))
    proposal = make_proposal(call=call)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [
        Blocker(
            "budget",
            "The budget totals $15,000.00, over this call's maximum award of $10,000.00.",
        )
    ]
    assert _status_in_db(proposal) == ProposalStatus.DRAFT


def test_proposal_submit_budget_exactly_max_award_accepted():
    call = make_call(max_award=Decimal("15000.00"))
    proposal = make_proposal(call=call)

    submitted = services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert submitted.status == ProposalStatus.SUBMITTED


def test_proposal_submit_requested_amount_not_sum_of_lines_refused():
    proposal = make_proposal()
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"requested_amount": Decimal("14999.99")}
    )

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [
        Blocker(
            "requested_amount",
            "The amount requested ($14,999.99) does not equal the sum of the budget lines "
            "($15,000.00).",
        )
    ]


def test_proposal_submit_missing_requested_amount_refused():
    proposal = make_proposal()
    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"requested_amount": None})

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.message_dict == {"requested_amount": ["Enter the total amount requested."]}


def test_proposal_submit_empty_draft_lists_every_missing_part_at_once():
    proposal = make_proposal(complete=False)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.message_dict == {
        "title": ["Title is required."],
        "abstract": ["Abstract is required."],
        "specific_aims": ["Specific aims is required."],
        "research_strategy": ["Research strategy is required."],
        "disparity_populations": ["Populations with health disparities is required."],
        "nimhd_domains": [
            "NIMHD framework classification is required: tick at least one domain × level cell."
        ],
        "community_engagement_plan": ["Community engagement plan is required."],
        "timeline": ["Timeline is required."],
        "budget_justification": ["Budget justification is required."],
        "irb_status": ["IRB status is required."],
        "attachments": ["Upload the required Biographical sketch (NIH format)."],
        "budget": ["Add at least one budget line."],
        "requested_amount": ["Enter the total amount requested."],
    }
    assert _status_in_db(proposal) == ProposalStatus.DRAFT


def test_proposal_submit_blank_sections_count_as_missing():
    proposal = make_proposal()
    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"specific_aims": "   \n\t", "nimhd_domains": [], "irb_status": ""},
    )

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert {b.field for b in exc.value.blockers} == {"specific_aims", "nimhd_domains", "irb_status"}


def test_proposal_submit_only_the_calls_required_sections_are_required():
    call = make_call(required_sections=["title"], required_attachments=[])
    proposal = make_proposal(call=call, complete=False)
    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"title": "Short", "requested_amount": Decimal("100.00")},
    )
    services.budget_line_save(
        proposal=proposal,
        actor=proposal.pi,
        category=BudgetCategory.SUPPLIES,
        description="Printing",
        amount=Decimal("100.00"),
    )

    submitted = services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert submitted.status == ProposalStatus.SUBMITTED


def test_proposal_submit_abstract_over_word_limit_refused():
    call = make_call(abstract_word_limit=10)
    proposal = make_proposal(call=call)
    long_abstract = " ".join(f"word{i}" for i in range(11))
    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"abstract": long_abstract})

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [Blocker("abstract", "Abstract has 11 words; the limit is 10.")]
    proposal.refresh_from_db()
    assert proposal.abstract == long_abstract


def test_proposal_submit_abstract_at_word_limit_accepted():
    call = make_call(abstract_word_limit=10)
    proposal = make_proposal(call=call)
    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"abstract": " ".join(f"word{i}" for i in range(10))},
    )

    submitted = services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert submitted.status == ProposalStatus.SUBMITTED


def test_proposal_submit_aims_and_strategy_over_limits_refused():
    call = make_call(aims_word_limit=3, strategy_word_limit=4)
    proposal = make_proposal(call=call)
    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"specific_aims": "one two three four", "research_strategy": "a b c d e f"},
    )

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [
        Blocker("specific_aims", "Specific aims has 4 words; the limit is 3."),
        Blocker("research_strategy", "Research strategy has 6 words; the limit is 4."),
    ]


def test_proposal_submit_missing_required_attachment_refused():
    call = make_call(
        required_attachments=[AttachmentKind.BIOSKETCH, AttachmentKind.LETTER_OF_SUPPORT]
    )
    proposal = make_proposal(call=call)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [Blocker("attachments", "Upload the required Letter of support.")]


def test_proposal_submit_ineligible_applicant_refused():
    call = make_call(
        eligible_applicant_types=[ApplicantType.ASSISTANT_PROFESSOR, ApplicantType.INSTRUCTOR]
    )
    proposal = make_proposal(call=call)
    call.eligible_applicant_types = [ApplicantType.INSTRUCTOR]
    call.save(update_fields=["eligible_applicant_types"])

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [
        Blocker(
            "eligibility",
            "This call is not open to applicants whose position is “Faculty — assistant "
            "professor”.",
        )
    ]


def test_proposal_submit_applicant_without_position_refused():
    pi = make_user(applicant_type="")
    proposal = make_proposal(pi=pi)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=pi)

    assert exc.value.blockers == [
        Blocker(
            "eligibility",
            "Complete your profile (your position) so we can check your eligibility.",
        )
    ]


def test_proposal_submit_second_active_proposal_in_one_per_applicant_call_refused():
    pi = make_user()
    call = make_call(one_per_applicant=False)
    make_submitted_proposal(call=call, pi=pi)
    second = make_proposal(call=call, pi=pi)
    call.one_per_applicant = True
    call.save(update_fields=["one_per_applicant"])

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=second, actor=pi)

    assert exc.value.blockers == [Blocker("call", ALREADY_ONE)]


def test_proposal_submit_trainee_without_mentor_refused():
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    proposal = make_proposal(pi=student)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=student)

    assert exc.value.blockers == [
        Blocker("endorsement", "Trainee proposals need a faculty mentor on the team.")
    ]


def test_proposal_submit_trainee_with_outside_collaborator_only_still_needs_mentor():
    student = make_user(applicant_type=ApplicantType.RESIDENT)
    proposal = make_proposal(pi=student)
    services.team_member_add(
        proposal=proposal,
        actor=student,
        role=TeamRole.COMMUNITY_PARTNER,
        full_name="Rosa Díaz",
        email="rosa@example.org",
    )

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=student)

    assert exc.value.message_dict == {
        "endorsement": ["Trainee proposals need a faculty mentor on the team."]
    }


def test_proposal_submit_trainee_with_mentor_but_no_endorsement_refused():
    proposal, student, _mentor = make_trainee_proposal(endorsed=False)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=student)

    assert exc.value.blockers == [
        Blocker("endorsement", "Your mentor has not endorsed this proposal yet.")
    ]


def test_proposal_submit_trainee_endorsement_requested_not_answered_refused():
    proposal, student, _mentor = make_trainee_proposal(endorsed=False)
    services.endorsement_request(proposal=proposal, actor=student)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=student)

    assert exc.value.blockers == [
        Blocker("endorsement", "Your mentor has not endorsed this proposal yet.")
    ]


def test_proposal_submit_trainee_endorsement_declined_refused():
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = services.endorsement_request(proposal=proposal, actor=student)
    services.endorsement_respond(
        endorsement=endorsement, actor=mentor, endorse=False, statement="Not ready yet."
    )

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=student)

    assert exc.value.blockers == [
        Blocker("endorsement", "Your mentor has not endorsed this proposal yet.")
    ]


def test_proposal_submit_many_problems_all_reported_together():
    call = make_call(closes_at=DEADLINE, max_award=Decimal("10000.00"), abstract_word_limit=5)
    proposal = make_proposal(call=call)
    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={"timeline": "", "abstract": "one two three four five six"},
    )
    attachment = proposal.attachments.get()
    services.attachment_remove(attachment=attachment, actor=proposal.pi)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi, now=DEADLINE)

    assert exc.value.blockers == [
        Blocker(
            "call", "The deadline passed on June 30, 2099 at 5:00 PM PDT; submissions are closed."
        ),
        Blocker("timeline", "Timeline is required."),
        Blocker("abstract", "Abstract has 6 words; the limit is 5."),
        Blocker("attachments", "Upload the required Biographical sketch (NIH format)."),
        Blocker(
            "budget",
            "The budget totals $15,000.00, over this call's maximum award of $10,000.00.",
        ),
    ]


def test_proposal_submit_twice_raises_invalid_transition():
    submitted = make_submitted_proposal()

    with pytest.raises(InvalidTransition) as exc:
        services.proposal_submit(proposal=submitted, actor=submitted.pi)

    assert str(exc.value) == "This proposal is submitted; it cannot be submitted."
    assert len(_history(submitted)) == 2


def test_proposal_submit_stale_draft_instance_of_submitted_proposal_raises_invalid_transition():
    proposal = make_proposal()
    services.proposal_submit(proposal=proposal, actor=proposal.pi)

    # ``proposal`` still says draft in memory; the service re-reads the row.
    with pytest.raises(InvalidTransition):
        services.proposal_submit(proposal=proposal, actor=proposal.pi)


def test_proposal_submit_by_someone_other_than_pi_denied():
    proposal = make_proposal()

    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=proposal, actor=make_admin())

    assert _status_in_db(proposal) == ProposalStatus.DRAFT


def test_proposal_submit_withdrawn_proposal_raises_invalid_transition():
    proposal = make_proposal()
    services.proposal_withdraw(proposal=proposal, actor=proposal.pi)

    with pytest.raises(InvalidTransition):
        services.proposal_submit(proposal=proposal, actor=proposal.pi)


# ---- a submitted proposal is frozen ----------------------------------------------------------


def test_proposal_update_submitted_proposal_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=submitted, actor=submitted.pi, data={"title": "Later"})

    submitted.refresh_from_db()
    assert submitted.title == TITLE


def test_budget_line_save_submitted_proposal_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.budget_line_save(
            proposal=submitted,
            actor=submitted.pi,
            category=BudgetCategory.TRAVEL,
            description="Conference",
            amount=Decimal("500.00"),
        )

    assert submitted.budget_lines.count() == 2


def test_budget_line_save_editing_existing_line_of_submitted_proposal_denied():
    submitted = make_submitted_proposal()
    line = submitted.budget_lines.first()

    with pytest.raises(PermissionDenied):
        services.budget_line_save(
            proposal=submitted,
            actor=submitted.pi,
            category=line.category,
            description=line.description,
            amount=Decimal("1.00"),
            line=line,
        )

    line.refresh_from_db()
    assert line.amount == Decimal("12000.00")


def test_budget_line_remove_submitted_proposal_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.budget_line_remove(line=submitted.budget_lines.first(), actor=submitted.pi)

    assert submitted.budget_lines.count() == 2


def test_attachment_add_submitted_proposal_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.attachment_add(
            proposal=submitted,
            actor=submitted.pi,
            kind=AttachmentKind.OTHER,
            uploaded_file=pdf_upload("late.pdf"),
        )

    assert submitted.attachments.count() == 1


def test_attachment_remove_submitted_proposal_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.attachment_remove(attachment=submitted.attachments.get(), actor=submitted.pi)

    assert submitted.attachments.count() == 1


def test_team_member_add_submitted_proposal_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.team_member_add(
            proposal=submitted,
            actor=submitted.pi,
            role=TeamRole.CO_INVESTIGATOR,
            user=make_user(),
        )

    assert submitted.team.count() == 0


def test_team_member_remove_submitted_proposal_denied():
    proposal = make_proposal()
    member = services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=make_user()
    )
    submitted = services.proposal_submit(proposal=proposal, actor=proposal.pi)
    member = TeamMember.objects.get(pk=member.pk)  # as a view would load it

    with pytest.raises(PermissionDenied):
        services.team_member_remove(member=member, actor=submitted.pi)

    assert submitted.team.count() == 1


@pytest.mark.parametrize(
    "act",
    ["proposal_update", "budget_line_save", "attachment_add", "team_member_add", "withdraw"],
)
def test_superuser_cannot_change_submitted_proposal(act):
    # Django's has_perm says yes to every superuser; business rules must not.
    submitted = make_submitted_proposal()
    superuser = User.objects.create_superuser("root", "root@example.edu", "x")
    calls = {
        "proposal_update": lambda: services.proposal_update(
            proposal=submitted, actor=superuser, data={"title": "Edited"}
        ),
        "budget_line_save": lambda: services.budget_line_save(
            proposal=submitted,
            actor=superuser,
            category=BudgetCategory.OTHER,
            description="Extra",
            amount=Decimal("1.00"),
        ),
        "attachment_add": lambda: services.attachment_add(
            proposal=submitted,
            actor=superuser,
            kind=AttachmentKind.OTHER,
            uploaded_file=pdf_upload(),
        ),
        "team_member_add": lambda: services.team_member_add(
            proposal=submitted, actor=superuser, role=TeamRole.COLLABORATOR, full_name="Extra"
        ),
        "withdraw": lambda: services.proposal_withdraw(proposal=submitted, actor=superuser),
    }

    with pytest.raises(PermissionDenied):
        calls[act]()

    submitted.refresh_from_db()
    assert (submitted.status, submitted.title) == (ProposalStatus.SUBMITTED, TITLE)
    assert (submitted.budget_lines.count(), submitted.attachments.count()) == (2, 1)
    assert submitted.team.count() == 0


def test_superuser_can_return_submitted_proposal_as_administrator():
    submitted = make_submitted_proposal()
    superuser = User.objects.create_superuser("root", "root@example.edu", "x")

    returned = services.proposal_return(proposal=submitted, actor=superuser, reason="Fix")

    assert returned.status == ProposalStatus.RETURNED


def test_inactive_pi_cannot_edit_own_draft():
    proposal = make_proposal()
    pi = proposal.pi
    pi.is_active = False
    pi.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=proposal, actor=pi, data={"title": "Edited"})


# ---- administrative return -------------------------------------------------------------------


def test_proposal_return_reopens_records_reason_and_mails_pi(
    mailoutbox, django_capture_on_commit_callbacks
):
    submitted = make_submitted_proposal()
    admin = make_admin()
    reason = "Please add the letter from the clinic."

    with django_capture_on_commit_callbacks(execute=True):
        returned = services.proposal_return(proposal=submitted, actor=admin, reason=f"  {reason} ")

    assert returned.status == ProposalStatus.RETURNED
    assert _status_in_db(submitted) == ProposalStatus.RETURNED
    assert returned.is_editable is True
    assert selectors.latest_return_reason(submitted) == reason
    assert _history(submitted)[-1] == (
        ProposalStatus.SUBMITTED,
        ProposalStatus.RETURNED,
        admin,
        reason,
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [submitted.pi.email]
    assert mailoutbox[0].subject == f"[Center of Excellence] Returned for changes: {TITLE}"
    assert reason in mailoutbox[0].body
    detail_url = settings.SITE_URL + reverse("grants:proposal_detail", args=[submitted.pk])
    assert detail_url in mailoutbox[0].body


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_proposal_return_without_reason_refused(reason, mailoutbox):
    submitted = make_submitted_proposal()

    with pytest.raises(ValidationError) as exc:
        services.proposal_return(proposal=submitted, actor=make_admin(), reason=reason)

    assert exc.value.message_dict == {"reason": ["Give the applicant a reason for the return."]}
    assert _status_in_db(submitted) == ProposalStatus.SUBMITTED
    assert len(_history(submitted)) == 2


def test_proposal_return_by_non_administrator_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.proposal_return(proposal=submitted, actor=submitted.pi, reason="Self-return")

    assert _status_in_db(submitted) == ProposalStatus.SUBMITTED


def test_proposal_return_of_draft_denied():
    proposal = make_proposal()

    with pytest.raises(PermissionDenied):
        services.proposal_return(proposal=proposal, actor=make_admin(), reason="Not yet in")

    assert _status_in_db(proposal) == ProposalStatus.DRAFT


def test_proposal_return_reopens_editing():
    submitted = make_submitted_proposal()
    returned = services.proposal_return(proposal=submitted, actor=make_admin(), reason="Fix aims")

    services.proposal_update(
        proposal=returned, actor=returned.pi, data={"specific_aims": "Aim 1 only."}
    )
    services.attachment_add(
        proposal=returned,
        actor=returned.pi,
        kind=AttachmentKind.LETTER_OF_SUPPORT,
        uploaded_file=pdf_upload("letter.pdf"),
    )

    returned.refresh_from_db()
    assert returned.specific_aims == "Aim 1 only."
    assert returned.attachments.count() == 2


def test_proposal_resubmit_after_return_submits_and_mails_receipt(
    mailoutbox, django_capture_on_commit_callbacks
):
    submitted = make_submitted_proposal()
    pi = submitted.pi
    admin = make_admin()
    returned = services.proposal_return(proposal=submitted, actor=admin, reason="Fix aims")

    with django_capture_on_commit_callbacks(execute=True):
        resubmitted = services.proposal_submit(proposal=returned, actor=pi)

    assert resubmitted.status == ProposalStatus.SUBMITTED
    assert _history(submitted) == [
        ("", ProposalStatus.DRAFT, pi, ""),
        (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, pi, ""),
        (ProposalStatus.SUBMITTED, ProposalStatus.RETURNED, admin, "Fix aims"),
        (ProposalStatus.RETURNED, ProposalStatus.SUBMITTED, pi, ""),
    ]
    assert [m.subject for m in mailoutbox] == [f"[Center of Excellence] Received: {TITLE}"]


def test_proposal_resubmit_after_return_still_checks_deadline():
    proposal = make_proposal(call=make_call(closes_at=DEADLINE))
    submitted = services.proposal_submit(proposal=proposal, actor=proposal.pi)
    returned = services.proposal_return(proposal=submitted, actor=make_admin(), reason="Fix")

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=returned, actor=returned.pi, now=DEADLINE)

    assert [b.field for b in exc.value.blockers] == ["call"]
    assert _status_in_db(proposal) == ProposalStatus.RETURNED


def test_latest_return_reason_after_two_returns_is_the_second():
    submitted = make_submitted_proposal()
    admin = make_admin()
    returned = services.proposal_return(proposal=submitted, actor=admin, reason="First reason")
    resubmitted = services.proposal_submit(proposal=returned, actor=returned.pi)

    services.proposal_return(proposal=resubmitted, actor=admin, reason="Second reason")

    assert selectors.latest_return_reason(submitted) == "Second reason"


# ---- withdraw --------------------------------------------------------------------------------


def test_proposal_withdraw_draft_records_reason():
    proposal = make_proposal()
    pi = proposal.pi

    withdrawn = services.proposal_withdraw(proposal=proposal, actor=pi, reason="Changed plans")

    assert withdrawn.status == ProposalStatus.WITHDRAWN
    assert _status_in_db(proposal) == ProposalStatus.WITHDRAWN
    assert _history(proposal) == [
        ("", ProposalStatus.DRAFT, pi, ""),
        (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN, pi, "Changed plans"),
    ]


def test_proposal_withdraw_submitted_proposal():
    submitted = make_submitted_proposal()

    services.proposal_withdraw(proposal=submitted, actor=submitted.pi)

    assert _status_in_db(submitted) == ProposalStatus.WITHDRAWN
    assert _history(submitted)[-1] == (
        ProposalStatus.SUBMITTED,
        ProposalStatus.WITHDRAWN,
        submitted.pi,
        "",
    )


def test_proposal_withdraw_by_administrator_denied():
    submitted = make_submitted_proposal()

    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=submitted, actor=make_admin())

    assert _status_in_db(submitted) == ProposalStatus.SUBMITTED


def test_proposal_withdraw_twice_denied():
    proposal = make_proposal()
    services.proposal_withdraw(proposal=proposal, actor=proposal.pi)

    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, actor=proposal.pi)

    assert len(_history(proposal)) == 2


def test_proposal_update_withdrawn_proposal_denied():
    proposal = make_proposal()
    services.proposal_withdraw(proposal=proposal, actor=proposal.pi)

    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=proposal, actor=proposal.pi, data={"title": "Back"})


# ---- the transitions tables ------------------------------------------------------------------

# Written out from DESIGN.md rather than imported, so that a change to the table shows up here.
PROPOSAL_ALLOWED = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"returned", "in_review", "withdrawn"},
    "returned": {"submitted", "withdrawn"},
    "in_review": {
        "funded",
        "not_funded",
        "waitlisted",
        "withdrawn",
        "nominated",
        "not_nominated",
    },
    "waitlisted": {"funded", "not_funded", "nominated", "not_nominated"},
    "funded": set(),
    "not_funded": set(),
    "withdrawn": set(),
    # A limited submission's outcomes (issue #19).
    "nominated": {"withdrawn"},
    "not_nominated": set(),
}
PROPOSAL_PATH = {
    "draft": [],
    "submitted": ["submitted"],
    "returned": ["submitted", "returned"],
    "in_review": ["submitted", "in_review"],
    "waitlisted": ["submitted", "in_review", "waitlisted"],
    "funded": ["submitted", "in_review", "funded"],
    "not_funded": ["submitted", "in_review", "not_funded"],
    "withdrawn": ["withdrawn"],
    "nominated": ["submitted", "in_review", "nominated"],
    "not_nominated": ["submitted", "in_review", "not_nominated"],
}


@pytest.mark.parametrize("start", list(PROPOSAL_ALLOWED))
@pytest.mark.parametrize("target", [s.value for s in ProposalStatus])
def test_proposal_transition_follows_table(start, target):
    admin = make_admin()
    proposal = make_proposal(complete=False)
    for step in PROPOSAL_PATH[start]:
        services.proposal_transition(proposal=proposal, to=step, actor=admin)
    rows_before = len(_history(proposal))

    if target in PROPOSAL_ALLOWED[start]:
        services.proposal_transition(proposal=proposal, to=target, actor=admin, reason="why")
        assert _status_in_db(proposal) == target
        assert _history(proposal)[-1] == (start, target, admin, "why")
        assert len(_history(proposal)) == rows_before + 1
    else:
        with pytest.raises(InvalidTransition):
            services.proposal_transition(proposal=proposal, to=target, actor=admin)
        assert _status_in_db(proposal) == start
        assert len(_history(proposal)) == rows_before


def test_proposal_transition_refusal_message_names_both_states():
    proposal = make_proposal(complete=False)
    services.proposal_withdraw(proposal=proposal, actor=proposal.pi)

    with pytest.raises(InvalidTransition) as exc:
        services.proposal_transition(
            proposal=proposal, to=ProposalStatus.FUNDED, actor=make_admin()
        )

    assert str(exc.value) == "A proposal that is withdrawn cannot become funded."


def test_proposal_transition_full_review_path_history():
    submitted = make_submitted_proposal()
    pi = submitted.pi
    admin = make_admin()

    for to in (ProposalStatus.IN_REVIEW, ProposalStatus.WAITLISTED, ProposalStatus.FUNDED):
        services.proposal_transition(proposal=submitted, to=to, actor=admin)

    assert _history(submitted) == [
        ("", "draft", pi, ""),
        ("draft", "submitted", pi, ""),
        ("submitted", "in_review", admin, ""),
        ("in_review", "waitlisted", admin, ""),
        ("waitlisted", "funded", admin, ""),
    ]


def test_proposal_transition_to_submitted_stamps_submitted_at():
    proposal = make_proposal(complete=False)
    before = timezone.now()

    services.proposal_transition(proposal=proposal, to=ProposalStatus.SUBMITTED, actor=proposal.pi)

    proposal.refresh_from_db()
    assert before <= proposal.submitted_at <= timezone.now()


CALL_ALLOWED = {
    "draft": {"open"},
    "open": {"closed", "draft"},
    "closed": {"in_review", "open"},
    "in_review": {"decided"},
    "decided": {"archived"},
    "archived": set(),
}
CALL_PATH = {
    "draft": [],
    "open": ["open"],
    "closed": ["open", "closed"],
    "in_review": ["open", "closed", "in_review"],
    "decided": ["open", "closed", "in_review", "decided"],
    "archived": ["open", "closed", "in_review", "decided", "archived"],
}


@pytest.mark.parametrize("start", list(CALL_ALLOWED))
@pytest.mark.parametrize("target", [s.value for s in CallStatus])
def test_call_transition_follows_table(start, target):
    admin = make_admin()
    call = make_call(status=CallStatus.DRAFT)
    for step in CALL_PATH[start]:
        services.call_transition(call=call, to=step, actor=admin)
    rows_before = len(_history(call))

    if target in CALL_ALLOWED[start]:
        services.call_transition(call=call, to=target, actor=admin, reason="why")
        call.refresh_from_db()
        assert call.status == target
        assert _history(call)[-1] == (start, target, admin, "why")
        assert len(_history(call)) == rows_before + 1
    else:
        with pytest.raises(InvalidTransition) as exc:
            services.call_transition(call=call, to=target, actor=admin)
        assert str(exc.value) == f"A call cannot go from {start} to {target}."
        call.refresh_from_db()
        assert call.status == start
        assert len(_history(call)) == rows_before


def test_call_transition_full_lifecycle_history():
    admin = make_admin()
    call = make_call(status=CallStatus.DRAFT)

    for to in CALL_PATH["archived"]:
        services.call_transition(call=call, to=to, actor=admin)

    assert _history(call) == [
        ("draft", "open", admin, ""),
        ("open", "closed", admin, ""),
        ("closed", "in_review", admin, ""),
        ("in_review", "decided", admin, ""),
        ("decided", "archived", admin, ""),
    ]


def test_call_transition_history_separate_from_proposal_with_same_pk():
    admin = make_admin()
    call = make_call(status=CallStatus.DRAFT)
    services.call_transition(call=call, to=CallStatus.OPEN, actor=admin)
    proposal = make_proposal(call=call, complete=False)

    assert _history(call) == [("draft", "open", admin, "")]
    assert _history(proposal) == [("", "draft", proposal.pi, "")]


# ---- team ------------------------------------------------------------------------------------


def test_team_member_add_user_mails_invitation(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    colleague = make_user()

    with django_capture_on_commit_callbacks(execute=True):
        member = services.team_member_add(
            proposal=proposal,
            actor=proposal.pi,
            role=TeamRole.CO_PI,
            user=colleague,
            full_name="ignored",
            email="ignored@example.org",
        )

    assert member.user == colleague
    assert member.full_name == ""
    assert member.email == ""
    assert member.name == colleague.display_name
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [colleague.email]
    assert mailoutbox[0].subject == "[Center of Excellence] You were added to a proposal team"
    assert "co-principal investigator" in mailoutbox[0].body
    detail_url = settings.SITE_URL + reverse("grants:proposal_detail", args=[proposal.pk])
    assert detail_url in mailoutbox[0].body


def test_team_member_add_outside_person_mails_their_address(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()

    with django_capture_on_commit_callbacks(execute=True):
        member = services.team_member_add(
            proposal=proposal,
            actor=proposal.pi,
            role=TeamRole.COMMUNITY_PARTNER,
            full_name="  Rosa Díaz ",
            email=" rosa@example.org ",
            organisation=" Clínica del Valle ",
        )

    assert (member.user, member.full_name, member.email, member.organisation) == (
        None,
        "Rosa Díaz",
        "rosa@example.org",
        "Clínica del Valle",
    )
    assert [m.to for m in mailoutbox] == [["rosa@example.org"]]
    # An outside person with an address is invited to join (issue 16), not told "no action".
    assert "/accounts/invitation/" in mailoutbox[0].body


def test_team_member_add_outside_person_without_email_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()

    with django_capture_on_commit_callbacks(execute=True):
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, full_name="Ana Ruiz"
        )

    assert proposal.team.count() == 1
    assert mailoutbox == []


def test_team_member_add_pi_refused():
    proposal = make_proposal()

    with pytest.raises(ValidationError) as exc:
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.CO_PI, user=proposal.pi
        )

    assert exc.value.message_dict == {
        "user": ["The principal investigator is already on the team."]
    }
    assert proposal.team.count() == 0


def test_team_member_add_duplicate_user_refused():
    proposal = make_proposal()
    colleague = make_user("ana")
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_INVESTIGATOR, user=colleague
    )

    with pytest.raises(ValidationError) as exc:
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=colleague
        )

    assert exc.value.message_dict == {"user": [f"{colleague.display_name} is already on the team."]}
    assert proposal.team.count() == 1


def test_team_member_add_two_outside_people_with_same_name_allowed():
    proposal = make_proposal()
    for _ in range(2):
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, full_name="J. Smith"
        )

    assert proposal.team.count() == 2


def test_team_member_add_mentor_without_account_refused():
    proposal = make_proposal()

    with pytest.raises(ValidationError) as exc:
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.MENTOR, full_name="Dr. Outside"
        )

    # Without an account a mentor can only be invited, by e-mail (issue 16).
    assert exc.value.message_dict == {
        "email": [
            "A mentor needs an account here to endorse the proposal: choose them, or give "
            "their e-mail address so we can invite them."
        ]
    }


@pytest.mark.parametrize("full_name", ["", "   "])
def test_team_member_add_outside_person_without_name_refused(full_name):
    proposal = make_proposal()

    with pytest.raises(ValidationError) as exc:
        services.team_member_add(
            proposal=proposal,
            actor=proposal.pi,
            role=TeamRole.COLLABORATOR,
            full_name=full_name,
            email="someone@example.org",
        )

    assert exc.value.message_dict == {"full_name": ["Give the person's name, or choose a user."]}


def test_team_member_add_unknown_role_refused():
    proposal = make_proposal()

    with pytest.raises(ValidationError) as exc:
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role="sidekick", user=make_user()
        )

    assert exc.value.message_dict == {"role": ["Choose a role."]}


def test_team_member_add_by_team_member_denied():
    proposal = make_proposal()
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_PI, user=colleague
    )

    with pytest.raises(PermissionDenied):
        services.team_member_add(
            proposal=proposal, actor=colleague, role=TeamRole.COLLABORATOR, full_name="Friend"
        )


def test_team_member_remove_mentor_deletes_endorsement():
    proposal, student, mentor = make_trainee_proposal(endorsed=True)
    member = proposal.team.get(user=mentor)

    services.team_member_remove(member=member, actor=student)

    assert TeamMember.objects.filter(proposal=proposal).count() == 0
    assert Endorsement.objects.filter(proposal=proposal).count() == 0
    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=student)
    assert exc.value.message_dict == {
        "endorsement": ["Trainee proposals need a faculty mentor on the team."]
    }


# ---- budget ----------------------------------------------------------------------------------


def test_budget_line_save_creates_and_updates_line():
    proposal = make_proposal(complete=False)
    line = services.budget_line_save(
        proposal=proposal,
        actor=proposal.pi,
        category=BudgetCategory.SUPPLIES,
        description="Printing",
        amount=Decimal("120.00"),
    )

    services.budget_line_save(
        proposal=proposal,
        actor=proposal.pi,
        category=BudgetCategory.TRAVEL,
        description="Site visits",
        amount=Decimal("80.50"),
        line=line,
    )

    assert list(
        BudgetLine.objects.filter(proposal=proposal).values_list(
            "category", "description", "amount"
        )
    ) == [(BudgetCategory.TRAVEL, "Site visits", Decimal("80.50"))]


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00")])
def test_budget_line_save_non_positive_amount_refused(amount):
    proposal = make_proposal(complete=False)

    with pytest.raises(ValidationError) as exc:
        services.budget_line_save(
            proposal=proposal,
            actor=proposal.pi,
            category=BudgetCategory.SUPPLIES,
            description="Nothing",
            amount=amount,
        )

    assert list(exc.value.message_dict) == ["amount"]
    assert proposal.budget_lines.count() == 0


def test_budget_line_save_unknown_category_refused():
    proposal = make_proposal(complete=False)

    with pytest.raises(ValidationError) as exc:
        services.budget_line_save(
            proposal=proposal,
            actor=proposal.pi,
            category="yacht",
            description="Boat",
            amount=Decimal("10.00"),
        )

    assert list(exc.value.message_dict) == ["category"]


def test_budget_line_save_line_of_another_proposal_denied():
    mine = make_proposal()
    theirs = make_proposal()
    their_line = theirs.budget_lines.first()

    with pytest.raises(PermissionDenied):
        services.budget_line_save(
            proposal=mine,
            actor=mine.pi,
            category=BudgetCategory.OTHER,
            description="Hijacked",
            amount=Decimal("1.00"),
            line=their_line,
        )

    their_line.refresh_from_db()
    assert (their_line.proposal_id, their_line.description, their_line.amount) == (
        theirs.pk,
        "Promotora, 20% effort",
        Decimal("12000.00"),
    )


# ---- attachments -----------------------------------------------------------------------------


def test_attachment_add_stores_checked_pdf_under_server_name():
    proposal = make_proposal(complete=False)
    data = pdf_bytes("Letter")
    upload = SimpleUploadedFile("Dr Smith's letter (FINAL).pdf", data, content_type="text/plain")

    attachment = services.attachment_add(
        proposal=proposal,
        actor=proposal.pi,
        kind=AttachmentKind.LETTER_OF_SUPPORT,
        uploaded_file=upload,
    )

    attachment.refresh_from_db()
    assert re.fullmatch(rf"proposals/{proposal.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert "Smith" not in attachment.file.name
    assert attachment.original_name == "Dr Smith's letter (FINAL).pdf"
    assert attachment.size == len(data)
    assert attachment.pages == 1
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.uploaded_by == proposal.pi
    with attachment.file.open("rb") as stored:
        assert stored.read() == data


def test_attachment_add_path_in_user_file_name_not_used():
    proposal = make_proposal(complete=False)
    upload = SimpleUploadedFile("../../../etc/passwd.pdf", pdf_bytes())

    attachment = services.attachment_add(
        proposal=proposal, actor=proposal.pi, kind=AttachmentKind.OTHER, uploaded_file=upload
    )

    assert attachment.original_name == "passwd.pdf"
    assert re.fullmatch(rf"proposals/{proposal.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)


def test_attachment_add_two_uploads_get_different_names():
    proposal = make_proposal(complete=False)

    first, second = (
        services.attachment_add(
            proposal=proposal,
            actor=proposal.pi,
            kind=AttachmentKind.OTHER,
            uploaded_file=pdf_upload("same.pdf"),
        )
        for _ in range(2)
    )

    assert first.file.name != second.file.name


def _assert_upload_refused(proposal, upload, message):
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            proposal=proposal,
            actor=proposal.pi,
            kind=AttachmentKind.BIOSKETCH,
            uploaded_file=upload,
        )
    assert exc.value.message_dict == {"file": [message]}
    assert Attachment.objects.filter(proposal=proposal).count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_attachment_add_png_renamed_pdf_refused():
    proposal = make_proposal(complete=False)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
    upload = SimpleUploadedFile("scan.pdf", png, content_type="application/pdf")

    _assert_upload_refused(
        proposal,
        upload,
        "This file is not a PDF (whatever its name says). Save or export it as PDF.",
    )


def test_attachment_add_empty_file_refused():
    proposal = make_proposal(complete=False)

    _assert_upload_refused(proposal, SimpleUploadedFile("empty.pdf", b""), "The file is empty.")


def test_attachment_add_oversized_file_refused(settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 100
    proposal = make_proposal(complete=False)
    data = pdf_bytes()

    _assert_upload_refused(
        proposal,
        SimpleUploadedFile("big.pdf", data),
        f"The file is {len(data)}\xa0bytes; the limit is 100\xa0bytes.",
    )


def test_attachment_add_garbage_with_pdf_header_refused():
    proposal = make_proposal(complete=False)
    garbage = b"%PDF-1.7\nthis is not really a PDF at all\n" + b"\x00\xff" * 50

    _assert_upload_refused(
        proposal,
        SimpleUploadedFile("broken.pdf", garbage),
        "This PDF is damaged and cannot be read. Export it again and re-upload.",
    )


def test_attachment_add_encrypted_pdf_refused():
    proposal = make_proposal(complete=False)

    _assert_upload_refused(
        proposal,
        SimpleUploadedFile("locked.pdf", encrypted_pdf("secret")),
        "This PDF is password-protected; upload a copy without a password.",
    )


def test_attachment_add_unknown_kind_refused():
    proposal = make_proposal(complete=False)

    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            proposal=proposal, actor=proposal.pi, kind="selfie", uploaded_file=pdf_upload()
        )

    assert exc.value.message_dict == {"kind": ["Choose the type of document."]}
    assert Attachment.objects.filter(proposal=proposal).count() == 0


def test_attachment_add_by_team_member_denied():
    proposal = make_proposal(complete=False)
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_PI, user=colleague
    )

    with pytest.raises(PermissionDenied):
        services.attachment_add(
            proposal=proposal,
            actor=colleague,
            kind=AttachmentKind.OTHER,
            uploaded_file=pdf_upload(),
        )


def test_attachment_remove_deletes_row_and_file_after_commit(django_capture_on_commit_callbacks):
    proposal = make_proposal(complete=False)
    attachment = services.attachment_add(
        proposal=proposal, actor=proposal.pi, kind=AttachmentKind.OTHER, uploaded_file=pdf_upload()
    )
    stored = Path(attachment.file.path)
    assert stored.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=attachment, actor=proposal.pi)

    assert Attachment.objects.filter(proposal=proposal).count() == 0
    assert stored.exists() is False


# ---- mentor endorsement ----------------------------------------------------------------------


def test_endorsement_request_mails_mentor(mailoutbox, django_capture_on_commit_callbacks):
    proposal, student, mentor = make_trainee_proposal(endorsed=False)

    with django_capture_on_commit_callbacks(execute=True):
        endorsement = services.endorsement_request(proposal=proposal, actor=student)

    assert endorsement.mentor == mentor
    assert endorsement.status == EndorsementStatus.REQUESTED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [mentor.email]
    assert mailoutbox[0].subject == (
        f"[Center of Excellence] Please endorse {student.display_name}’s proposal"
    )
    respond_url = settings.SITE_URL + reverse(
        "grants:endorsement_respond", args=[endorsement.token]
    )
    assert respond_url in mailoutbox[0].body


def test_endorsement_request_again_issues_fresh_token_and_resets():
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    first = services.endorsement_request(proposal=proposal, actor=student)
    first_token = first.token
    services.endorsement_respond(endorsement=first, actor=mentor, endorse=False, statement="No.")

    second = services.endorsement_request(proposal=proposal, actor=student)

    second.refresh_from_db()
    assert second.pk == first.pk
    assert second.token != first_token
    assert (second.status, second.statement, second.responded_at) == (
        EndorsementStatus.REQUESTED,
        "",
        None,
    )


def test_endorsement_request_without_mentor_refused():
    student = make_user(applicant_type=ApplicantType.PHD_STUDENT)
    proposal = make_proposal(pi=student)

    with pytest.raises(ValidationError) as exc:
        services.endorsement_request(proposal=proposal, actor=student)

    assert exc.value.message_dict == {
        "endorsement": ["Add your faculty mentor to the team first (role: Mentor)."]
    }


def test_endorsement_respond_endorse_records_history_and_mails_pi(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = services.endorsement_request(proposal=proposal, actor=student)

    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_respond(
            endorsement=endorsement, actor=mentor, endorse=True, statement="  Ready.  "
        )

    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.ENDORSED
    assert endorsement.statement == "Ready."
    assert endorsement.responded_at is not None
    assert _history(proposal)[-1] == ("draft", "draft", mentor, "Mentor endorsed the proposal.")
    assert [m.to for m in mailoutbox] == [[student.email]]
    assert mailoutbox[0].subject == f"[Center of Excellence] Your mentor has responded: {TITLE}"
    assert "Ready." in mailoutbox[0].body


def test_endorsement_respond_decline_records_history():
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = services.endorsement_request(proposal=proposal, actor=student)

    services.endorsement_respond(
        endorsement=endorsement, actor=mentor, endorse=False, statement="Needs work."
    )

    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.DECLINED
    assert _history(proposal)[-1] == ("draft", "draft", mentor, "Mentor declined the proposal.")


@pytest.mark.parametrize("who", ["pi", "admin", "other_faculty", "co_investigator"])
def test_endorsement_respond_by_someone_other_than_mentor_denied(who):
    proposal, student, _mentor = make_trainee_proposal(endorsed=False)
    co_investigator = make_user()
    services.team_member_add(
        proposal=proposal, actor=student, role=TeamRole.CO_INVESTIGATOR, user=co_investigator
    )
    endorsement = services.endorsement_request(proposal=proposal, actor=student)
    actor = {
        "pi": student,
        "admin": make_admin(),
        "other_faculty": make_user(applicant_type=ApplicantType.FULL_PROFESSOR),
        "co_investigator": co_investigator,
    }[who]

    with pytest.raises(PermissionDenied):
        services.endorsement_respond(
            endorsement=endorsement, actor=actor, endorse=True, statement="Looks great."
        )

    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.REQUESTED


@pytest.mark.parametrize("statement", ["", "   "])
def test_endorsement_respond_without_statement_refused(statement):
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = services.endorsement_request(proposal=proposal, actor=student)

    with pytest.raises(ValidationError) as exc:
        services.endorsement_respond(
            endorsement=endorsement, actor=mentor, endorse=True, statement=statement
        )

    assert exc.value.message_dict == {"statement": ["Write a short statement for the committee."]}
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.REQUESTED


def test_endorsement_respond_after_submission_refused():
    proposal, student, mentor = make_trainee_proposal(endorsed=True)
    services.proposal_submit(proposal=proposal, actor=student)
    endorsement = Endorsement.objects.get(proposal=proposal)

    with pytest.raises(ValidationError) as exc:
        services.endorsement_respond(
            endorsement=endorsement, actor=mentor, endorse=False, statement="Changed my mind."
        )

    assert exc.value.messages == ["This proposal can no longer be endorsed."]
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.ENDORSED


def test_trainee_full_history_includes_endorsement_and_submission():
    proposal, student, mentor = make_trainee_proposal(endorsed=True)

    services.proposal_submit(proposal=proposal, actor=student)

    assert _history(proposal) == [
        ("", "draft", student, ""),
        ("draft", "draft", mentor, "Mentor endorsed the proposal."),
        ("draft", "submitted", student, ""),
    ]
