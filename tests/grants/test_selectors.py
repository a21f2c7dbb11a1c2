"""Reads of calls and proposals: who sees what, list shapes, and the submission checklist."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from accounts.choices import ApplicantType, Role
from accounts.models import User
from grants import selectors, services
from grants.choices import BudgetCategory, CallStatus, EndorsementStatus, ProposalStatus, TeamRole
from grants.models import Proposal
from grants.selectors import Blocker
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_submitted_proposal,
    make_trainee_proposal,
    make_user,
)

pytestmark = pytest.mark.django_db


def _pks(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


# ---- calls -----------------------------------------------------------------------------------


def test_calls_open_only_open_calls_inside_their_window_soonest_deadline_first():
    now = timezone.now()
    later = make_call(closes_at=now + timedelta(days=30), title="Later")
    sooner = make_call(closes_at=now + timedelta(days=5), title="Sooner")
    make_call(status=CallStatus.DRAFT, title="Draft")
    make_call(status=CallStatus.CLOSED, title="Closed")
    make_call(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9), title="Future")
    make_call(opens_at=now - timedelta(days=9), closes_at=now - timedelta(seconds=1), title="Past")

    titles = [call.title for call in selectors.calls_open(now=now)]

    assert titles == [sooner.title, later.title]


def test_calls_open_boundaries_opens_inclusive_closes_exclusive():
    now = timezone.now()
    call = make_call(opens_at=now, closes_at=now + timedelta(hours=1))

    assert list(selectors.calls_open(now=now)) == [call]
    assert list(selectors.calls_open(now=now + timedelta(hours=1))) == []
    assert list(selectors.calls_open(now=now - timedelta(microseconds=1))) == []


def test_calls_visible_to_administrator_includes_drafts():
    draft = make_call(status=CallStatus.DRAFT)
    open_call = make_call()

    assert _pks(selectors.calls_visible_to(make_admin())) == {draft.pk, open_call.pk}


def test_calls_visible_to_applicant_excludes_drafts():
    make_call(status=CallStatus.DRAFT)
    open_call = make_call()
    closed = make_call(status=CallStatus.CLOSED)

    assert _pks(selectors.calls_visible_to(make_user())) == {open_call.pk, closed.pk}


# ---- proposals_visible_to --------------------------------------------------------------------


@pytest.fixture
def two_proposals():
    """A proposal with a co-investigator and a mentor, and an unrelated proposal."""
    call = make_call(one_per_applicant=False)
    proposal = make_proposal(call=call)
    co_investigator = make_user()
    mentor = make_user(applicant_type=ApplicantType.FULL_PROFESSOR)
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_INVESTIGATOR, user=co_investigator
    )
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.MENTOR, user=mentor
    )
    other = make_proposal(call=call)
    return {
        "proposal": proposal,
        "other": other,
        "pi": proposal.pi,
        "co_investigator": co_investigator,
        "mentor": mentor,
    }


def test_proposals_visible_to_pi_sees_own_only(two_proposals):
    visible = selectors.proposals_visible_to(two_proposals["pi"])

    assert _pks(visible) == {two_proposals["proposal"].pk}


@pytest.mark.parametrize("member", ["co_investigator", "mentor"])
def test_proposals_visible_to_team_member_sees_that_proposal(two_proposals, member):
    visible = selectors.proposals_visible_to(two_proposals[member])

    assert _pks(visible) == {two_proposals["proposal"].pk}


def test_proposals_visible_to_administrator_sees_all(two_proposals):
    visible = selectors.proposals_visible_to(make_admin())

    assert _pks(visible) == {two_proposals["proposal"].pk, two_proposals["other"].pk}


def test_proposals_visible_to_superuser_sees_all(two_proposals):
    superuser = User.objects.create_superuser("root", "root@example.edu", "x")

    visible = selectors.proposals_visible_to(superuser)

    assert _pks(visible) == {two_proposals["proposal"].pk, two_proposals["other"].pk}


@pytest.mark.parametrize("roles", [(), (Role.REVIEWER,), (Role.CHAIR,)])
def test_proposals_visible_to_stranger_sees_none(two_proposals, roles):
    stranger = make_user(roles=roles)

    assert list(selectors.proposals_visible_to(stranger)) == []


def test_proposals_visible_to_anonymous_sees_none(two_proposals):
    assert list(selectors.proposals_visible_to(AnonymousUser())) == []


def test_proposals_visible_to_team_member_on_one_proposal_does_not_leak_others():
    pi = make_user()
    colleague = make_user()
    call = make_call(one_per_applicant=False)
    shared = make_proposal(call=call, pi=pi, complete=False)
    make_proposal(call=call, pi=pi, complete=False)
    services.team_member_add(proposal=shared, actor=pi, role=TeamRole.CO_PI, user=colleague)

    assert _pks(selectors.proposals_visible_to(colleague)) == {shared.pk}


def test_proposals_visible_to_removed_team_member_sees_none():
    proposal = make_proposal(complete=False)
    colleague = make_user()
    member = services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_PI, user=colleague
    )
    services.team_member_remove(member=member, actor=proposal.pi)

    assert list(selectors.proposals_visible_to(colleague)) == []


@pytest.mark.parametrize("count", [1, 3])
def test_proposals_visible_to_list_is_one_query(django_assert_num_queries, count):
    admin = make_admin()
    call = make_call(one_per_applicant=False)
    for _ in range(count):
        make_proposal(call=call, complete=False)
    qs = selectors.proposals_visible_to(admin)  # role lookup happens here

    with django_assert_num_queries(1):
        rows = [(p.call.program.name, p.pi.display_name, p.pi.profile.applicant_type) for p in qs]

    assert len(rows) == count


# ---- proposal_for_page -----------------------------------------------------------------------


def test_proposal_for_page_stranger_gets_404():
    proposal = make_proposal(complete=False)

    with pytest.raises(Http404):
        selectors.proposal_for_page(user=make_user(), pk=proposal.pk)


def test_proposal_for_page_pi_gets_proposal_with_endorsement():
    proposal, student, mentor = make_trainee_proposal(endorsed=True)

    page = selectors.proposal_for_page(user=student, pk=proposal.pk)

    assert page.pk == proposal.pk
    assert page.endorsement_or_none.mentor == mentor
    assert page.endorsement_or_none.status == EndorsementStatus.ENDORSED


def test_proposal_for_page_without_endorsement_is_none():
    proposal = make_proposal(complete=False)

    page = selectors.proposal_for_page(user=proposal.pi, pk=proposal.pk)

    assert page.endorsement_or_none is None


@pytest.mark.parametrize("team_size", [1, 3])
def test_proposal_for_page_fixed_number_of_queries(django_assert_num_queries, team_size):
    proposal = make_proposal()
    for _ in range(team_size):
        services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=make_user()
        )
    admin = make_admin()
    admin.has_role(Role.ADMINISTRATOR)  # warm the role cache, as a request would

    # proposal, team (+users), budget lines, attachments, endorsement
    with django_assert_num_queries(5):
        page = selectors.proposal_for_page(user=admin, pk=proposal.pk)
        names = [member.name for member in page.team.all()]
        amounts = [line.amount for line in page.budget_lines.all()]
        kinds = [attachment.kind for attachment in page.attachments.all()]
        header = (page.call.program.name, page.pi.profile.applicant_type)

    assert len(names) == team_size
    assert amounts == [Decimal("12000.00"), Decimal("3000.00")]
    assert kinds == ["biosketch"]
    assert header == ("Center of Excellence", ApplicantType.ASSISTANT_PROFESSOR)


# ---- lists -----------------------------------------------------------------------------------


def test_proposals_of_applicant_led_and_member_with_budget_totals():
    me = make_user()
    call = make_call(one_per_applicant=False)
    mine = make_proposal(call=call, pi=me)
    empty = make_proposal(call=call, pi=me, complete=False)
    theirs = make_proposal(call=call, complete=False)
    services.team_member_add(proposal=theirs, actor=theirs.pi, role=TeamRole.CO_PI, user=me)
    make_proposal(call=call, complete=False)  # not mine at all

    totals = {p.pk: p.budget_total for p in selectors.proposals_of_applicant(me)}

    assert totals == {
        mine.pk: Decimal("15000.00"),
        empty.pk: Decimal("0.00"),
        theirs.pk: Decimal("0.00"),
    }


def test_proposals_of_applicant_newest_update_first():
    me = make_user()
    call = make_call(one_per_applicant=False)
    first = make_proposal(call=call, pi=me, complete=False)
    second = make_proposal(call=call, pi=me, complete=False)
    services.proposal_update(proposal=first, actor=me, data={"title": "Touched last"})

    assert [p.pk for p in selectors.proposals_of_applicant(me)] == [first.pk, second.pk]


def test_proposals_of_call_for_admin_handed_in_only_in_submission_order():
    admin = make_admin()
    call = make_call(one_per_applicant=False)
    pi = make_user()
    first = make_submitted_proposal(call=call, pi=pi)
    second = make_submitted_proposal(call=call, pi=pi)
    returned = make_submitted_proposal(call=call, pi=pi)
    services.proposal_return(proposal=returned, actor=admin, reason="Fix")
    make_proposal(call=call, pi=pi)  # draft
    withdrawn = make_submitted_proposal(call=call, pi=pi)
    services.proposal_withdraw(proposal=withdrawn, actor=pi)
    make_submitted_proposal()  # another call

    rows = [(p.pk, p.budget_total) for p in selectors.proposals_of_call_for_admin(call)]

    assert rows == [
        (first.pk, Decimal("15000.00")),
        (second.pk, Decimal("15000.00")),
        (returned.pk, Decimal("15000.00")),
    ]


def test_call_proposal_counts_by_status():
    call = make_call(one_per_applicant=False)
    pi = make_user()
    make_proposal(call=call, pi=pi, complete=False)
    make_proposal(call=call, pi=pi, complete=False)
    make_submitted_proposal(call=call, pi=pi)
    withdrawn = make_proposal(call=call, pi=pi, complete=False)
    services.proposal_withdraw(proposal=withdrawn, actor=pi)

    assert selectors.call_proposal_counts(call) == {
        ProposalStatus.DRAFT: 2,
        ProposalStatus.SUBMITTED: 1,
        ProposalStatus.WITHDRAWN: 1,
    }


def test_call_proposal_counts_empty_call():
    assert selectors.call_proposal_counts(make_call()) == {}


def test_endorsements_pending_for_only_unanswered_requests_to_that_mentor():
    pending, student, mentor = make_trainee_proposal(endorsed=False)
    services.endorsement_request(proposal=pending, actor=student)
    make_trainee_proposal(endorsed=True)  # answered, by someone else
    answered, other_student, _ = make_trainee_proposal(endorsed=False)
    services.team_member_remove(member=answered.team.get(), actor=other_student)
    services.team_member_add(
        proposal=answered, actor=other_student, role=TeamRole.MENTOR, user=mentor
    )
    endorsement = services.endorsement_request(proposal=answered, actor=other_student)
    services.endorsement_respond(
        endorsement=endorsement, actor=mentor, endorse=True, statement="Yes."
    )

    assert [e.proposal_id for e in selectors.endorsements_pending_for(mentor)] == [pending.pk]


# ---- history ---------------------------------------------------------------------------------


def test_latest_return_reason_empty_when_never_returned():
    assert selectors.latest_return_reason(make_submitted_proposal()) == ""


def test_state_history_only_this_objects_rows_in_order():
    pi = make_user()
    call = make_call(one_per_applicant=False)
    proposal = make_proposal(call=call, pi=pi, complete=False)
    other = make_proposal(call=call, pi=pi, complete=False)
    services.proposal_withdraw(proposal=other, actor=pi, reason="Duplicate")
    services.proposal_withdraw(proposal=proposal, actor=pi, reason="Changed plans")

    rows = [(c.from_state, c.to_state, c.reason) for c in selectors.state_history(proposal)]

    assert rows == [("", "draft", ""), ("draft", "withdrawn", "Changed plans")]


# ---- applicant_has_other_proposal and eligibility --------------------------------------------


def test_applicant_has_other_proposal_cases():
    pi = make_user()
    call = make_call(one_per_applicant=False)
    other_call = make_call()
    proposal = make_proposal(call=call, pi=pi, complete=False)
    make_proposal(call=other_call, pi=pi, complete=False)

    assert selectors.applicant_has_other_proposal(call=call, pi=pi) is True
    assert selectors.applicant_has_other_proposal(call=call, pi=pi, exclude_pk=proposal.pk) is False
    assert selectors.applicant_has_other_proposal(call=call, pi=make_user()) is False


def test_applicant_has_other_proposal_ignores_withdrawn():
    pi = make_user()
    call = make_call()
    proposal = make_proposal(call=call, pi=pi, complete=False)
    services.proposal_withdraw(proposal=proposal, actor=pi)

    assert selectors.applicant_has_other_proposal(call=call, pi=pi) is False


def test_eligibility_problem_open_to_anyone_when_no_types_listed():
    call = make_call(eligible_applicant_types=[])

    assert selectors.eligibility_problem(call=call, user=make_user()) == ""


def test_eligibility_problem_listed_type_allowed():
    call = make_call(eligible_applicant_types=[ApplicantType.POSTDOC, ApplicantType.FELLOW])
    fellow = make_user(applicant_type=ApplicantType.FELLOW)

    assert selectors.eligibility_problem(call=call, user=fellow) == ""


def test_eligibility_problem_unlisted_type_named():
    call = make_call(eligible_applicant_types=[ApplicantType.POSTDOC])
    student = make_user(applicant_type=ApplicantType.PATHWAY_STUDENT)

    assert selectors.eligibility_problem(call=call, user=student) == (
        "This call is not open to applicants whose position is "
        "“Undergraduate / post-baccalaureate pathway student”."
    )


def test_eligibility_problem_user_without_profile_asked_to_complete_it():
    user = User.objects.create_user("noprofile", "noprofile@example.edu", "x")

    assert selectors.eligibility_problem(call=make_call(), user=user) == (
        "Complete your profile (your position) so we can check your eligibility."
    )


# ---- proposal_blockers -----------------------------------------------------------------------


def test_proposal_blockers_complete_proposal_has_none():
    proposal = make_proposal()

    assert selectors.proposal_blockers(proposal) == []


def test_proposal_blockers_endorsed_trainee_proposal_has_none():
    proposal, _student, _mentor = make_trainee_proposal(endorsed=True)

    assert selectors.proposal_blockers(proposal) == []


def test_proposal_blockers_call_not_yet_open():
    proposal = make_proposal()

    blockers = selectors.proposal_blockers(
        proposal, now=proposal.call.opens_at - timedelta(seconds=1)
    )

    assert blockers == [Blocker("call", "This call is not open for submissions.")]


def test_proposal_blockers_no_lines_does_not_also_report_mismatch():
    call = make_call(required_sections=[], required_attachments=[])
    proposal = make_proposal(call=call, complete=False)
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"requested_amount": Decimal("100.00")}
    )

    assert selectors.proposal_blockers(proposal) == [
        Blocker("budget", "Add at least one budget line.")
    ]


def test_proposal_blockers_lines_added_up_to_the_cent():
    call = make_call(required_sections=[], required_attachments=[])
    proposal = make_proposal(call=call, complete=False)
    for amount in ("0.10", "0.20"):
        services.budget_line_save(
            proposal=proposal,
            actor=proposal.pi,
            category=BudgetCategory.SUPPLIES,
            description="Pens",
            amount=Decimal(amount),
        )
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"requested_amount": "0.30"}
    )

    assert selectors.proposal_blockers(proposal) == []


def test_proposal_blockers_unknown_position_reported():
    proposal = make_proposal(pi=make_user(applicant_type=""))

    assert selectors.proposal_blockers(proposal) == [
        Blocker(
            "eligibility",
            "Complete your profile (your position) so we can check your eligibility.",
        )
    ]


def test_proposal_blockers_faculty_pi_needs_no_endorsement():
    proposal = make_proposal(pi=make_user(applicant_type=ApplicantType.INSTRUCTOR))

    assert selectors.proposal_blockers(proposal) == []


def test_proposal_blockers_does_not_change_the_proposal():
    proposal = make_proposal(complete=False)

    selectors.proposal_blockers(proposal)

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT
    assert len(selectors.state_history(proposal)) == 1
