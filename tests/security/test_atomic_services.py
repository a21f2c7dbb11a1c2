"""Every service that writes more than one row does it in one transaction: a failure half-way
leaves nothing of that call behind.

Each test arranges real data through the services, injects a failure into a late step of the
service under test (the audit row, the last of several creates, the final state change), and
checks that every table of the project holds exactly what it held before — and that no mail
was queued. The injection is the only stand-in here: it plays the part of a crash, a full disk
or a lost connection.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import User
from grants import services as grant_services
from grants.choices import AwardStatus, CallStatus, DecisionOutcome, ProposalStatus, TeamRole
from grants.models import Award, Proposal, TeamMember
from grants.services import awards as award_services
from grants.services import calls as call_services
from grants.services import decisions as decision_services
from grants.services import history as history_services
from grants.services import proposals as proposal_services
from reporting import services as reporting_services
from reporting.choices import ProgressReportKind
from reporting.models import ProgressReport
from reporting.services import imports as import_services
from reporting.services import progress as progress_services
from reviews import services as review_services
from reviews.choices import ConflictReason, ReviewPhase
from reviews.models import Assignment, Criterion, CriterionScore, FinalScore, PanelEntry
from reviews.services import assignments as assignment_services
from reviews.services import committees as committee_services
from reviews.services import panel as panel_services
from reviews.services import reviewing as reviewing_services
from tests.api.support import call_in_review
from tests.factories import (
    complete_review_data,
    make_admin,
    make_call,
    make_committee,
    make_proposal,
    make_review_setup,
    make_reviewer,
    make_submitted_proposal,
    make_trainee_proposal,
    make_user,
    move_review_to,
    submit_review,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "grants", "reviews", "reporting")


class Injected(Exception):
    """The failure injected half-way through a service."""


def db_state() -> dict[str, list[dict]]:
    """Every row of every table of the project's apps, and who holds which role."""
    state = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model._default_manager.order_by("pk").values())
    state["roles"] = list(User.groups.through.objects.order_by("pk").values())
    return state


def fail(
    monkeypatch,
    target,
    name: str,
    *,
    on_call: int = 1,
    when: Callable[..., bool] | None = None,
) -> dict:
    """Make ``target.<name>`` raise ``Injected`` on its ``on_call``-th call (or on the first
    call for which ``when(*args, **kwargs)`` holds); the calls before go through, and must
    succeed (``through`` counts them)."""
    original = getattr(target, name)
    seen = {
        "calls": 0,
        "through": 0,
        "raised": False,
        "expected_through": None if when is not None else on_call - 1,
    }

    def failing(*args, **kwargs):
        seen["calls"] += 1
        due = when(*args, **kwargs) if when is not None else seen["calls"] >= on_call
        if due:
            seen["raised"] = True
            raise Injected(f"{name} failed on call {seen['calls']}")
        result = original(*args, **kwargs)
        seen["through"] += 1
        return result

    monkeypatch.setattr(target, name, failing)
    return seen


@pytest.fixture
def nothing_left_behind(django_capture_on_commit_callbacks):
    """Call ``check(action, seen)``: runs the action, which must fail with ``Injected`` after
    its earlier steps ran, and asserts that the database is as before and no mail is queued."""

    def check(action: Callable[[], object], seen: dict) -> None:
        before = db_state()
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Injected):
            action()
        assert seen["raised"] is True
        if seen["expected_through"] is not None:
            assert seen["through"] == seen["expected_through"]
        assert db_state() == before
        assert callbacks == []

    return check


# ---- Shared arrangements ---------------------------------------------------------------------


@pytest.fixture
def released_awards():
    """Two funded proposals whose decisions are released, the awards half-way through their
    year (only the calendar is moved by hand): (call, [awards], admin)."""
    call, proposals, admin = call_in_review(2, total_budget="40000")
    for proposal in proposals:
        grant_services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED
        )
    grant_services.decisions_release(call=call, actor=admin)
    today = timezone.localdate()
    Award.objects.filter(call=call).update(
        start_date=today - timedelta(days=200), end_date=today + timedelta(days=165)
    )
    awards = list(Award.objects.filter(call=call).select_related("proposal").order_by("pk"))
    return call, awards, admin


@pytest.fixture
def staffed():
    """Three proposals in independent review, three reviewers each (auto-assigned)."""
    setup = make_review_setup(proposals=3, members=3, reviewers_per_proposal=3)
    review_services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    return setup


def assignments_of(proposal) -> list[Assignment]:
    return list(
        Assignment.objects.filter(proposal=proposal)
        .select_related("reviewer", "proposal")
        .order_by("pk")
    )


@pytest.fixture
def read_phase(staffed):
    """Every review submitted (the first proposal best, the others weaker), in the read
    phase, nothing triaged yet."""
    for index, proposal in enumerate(staffed.proposals):
        for assignment in assignments_of(proposal):
            submit_review(assignment, impact=2 if index == 0 else 5 + index)
    move_review_to(staffed, ReviewPhase.READ_PHASE)
    return staffed


@pytest.fixture
def in_panel(read_phase):
    """The panel under way, every committee member's final score given on the first
    proposal."""
    move_review_to(read_phase, ReviewPhase.PANEL)
    best = read_phase.proposals[0]
    for member in [read_phase.chair, *read_phase.members]:
        review_services.final_score_record(proposal=best, actor=member, score=2)
    return read_phase


# ---- grants ----------------------------------------------------------------------------------


def test_proposal_create_leaves_nothing_when_its_history_row_fails(
    monkeypatch, nothing_left_behind
):
    call, applicant = make_call(), make_user()
    seen = fail(monkeypatch, proposal_services, "record_state_change")

    nothing_left_behind(lambda: grant_services.proposal_create(call=call, actor=applicant), seen)


def test_proposal_submit_leaves_a_draft_and_mails_nothing_when_its_history_row_fails(
    monkeypatch, nothing_left_behind
):
    proposal = make_proposal()
    seen = fail(monkeypatch, proposal_services, "record_state_change")

    nothing_left_behind(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi), seen
    )
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT


def test_proposal_return_leaves_it_submitted_when_its_history_row_fails(
    monkeypatch, nothing_left_behind
):
    proposal, admin = make_submitted_proposal(), make_admin()
    seen = fail(monkeypatch, proposal_services, "record_state_change")

    nothing_left_behind(
        lambda: grant_services.proposal_return(proposal=proposal, actor=admin, reason="Fix it."),
        seen,
    )


def test_call_begin_review_moves_no_proposal_when_the_last_one_fails(
    monkeypatch, nothing_left_behind
):
    call, admin = make_call(), make_admin()
    for _ in range(3):
        make_submitted_proposal(call=call)
    seen = fail(monkeypatch, call_services, "proposal_transition", on_call=3)

    nothing_left_behind(lambda: grant_services.call_begin_review(call=call, actor=admin), seen)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert set(call.proposals.values_list("status", flat=True)) == {ProposalStatus.SUBMITTED}


def test_decision_record_creates_no_decision_or_award_when_its_history_row_fails(
    monkeypatch, nothing_left_behind
):
    call, proposals, admin = call_in_review(1)
    seen = fail(monkeypatch, history_services, "record_state_change")

    nothing_left_behind(
        lambda: grant_services.decision_record(
            proposal=proposals[0], actor=admin, outcome=DecisionOutcome.FUNDED
        ),
        seen,
    )


def test_decisions_release_releases_nothing_when_the_call_cannot_move_on(
    monkeypatch, nothing_left_behind
):
    call, proposals, admin = call_in_review(2, total_budget="40000")
    for proposal, outcome in zip(
        proposals, [DecisionOutcome.FUNDED, DecisionOutcome.NOT_FUNDED], strict=True
    ):
        grant_services.decision_record(proposal=proposal, actor=admin, outcome=outcome)
    seen = fail(monkeypatch, decision_services, "call_transition")

    nothing_left_behind(lambda: grant_services.decisions_release(call=call, actor=admin), seen)
    assert set(call.proposals.values_list("status", flat=True)) == {ProposalStatus.IN_REVIEW}


def test_award_transition_keeps_the_old_end_date_when_its_history_row_fails(
    monkeypatch, nothing_left_behind, released_awards
):
    _, awards, admin = released_awards
    award = awards[0]
    seen = fail(monkeypatch, award_services, "record_state_change")

    nothing_left_behind(
        lambda: grant_services.award_transition(
            award=award,
            to=AwardStatus.NO_COST_EXTENSION,
            actor=admin,
            new_end_date=award.end_date + timedelta(days=180),
        ),
        seen,
    )


def test_endorsement_respond_records_no_answer_when_its_history_row_fails(
    monkeypatch, nothing_left_behind
):
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = grant_services.endorsement_request(proposal=proposal, actor=student)
    seen = fail(monkeypatch, history_services, "record_state_change")

    nothing_left_behind(
        lambda: grant_services.endorsement_respond(
            endorsement=endorsement, actor=mentor, endorse=True, statement="Yes."
        ),
        seen,
    )


def test_team_member_remove_keeps_the_endorsement_when_removing_the_member_fails(
    monkeypatch, nothing_left_behind
):
    proposal, student, _ = make_trainee_proposal(endorsed=True)
    member = TeamMember.objects.get(proposal=proposal, role=TeamRole.MENTOR)
    seen = fail(monkeypatch, TeamMember, "delete")

    nothing_left_behind(
        lambda: grant_services.team_member_remove(member=member, actor=student), seen
    )


# ---- reviews ---------------------------------------------------------------------------------


def test_committee_create_leaves_no_committee_or_roles_when_the_last_role_fails(
    monkeypatch, nothing_left_behind
):
    admin, chair = make_admin(), make_reviewer()
    members = [make_reviewer(), make_reviewer()]
    # chair: chair role, reviewer role; then one reviewer role per member — the last fails.
    seen = fail(monkeypatch, committee_services, "role_grant", on_call=4)

    nothing_left_behind(
        lambda: review_services.committee_create(
            actor=admin, name="Panel", chair=chair, members=members
        ),
        seen,
    )


def test_committee_attach_to_call_leaves_no_setup_when_a_criterion_fails(
    monkeypatch, nothing_left_behind
):
    call, _, admin = call_in_review(1)
    committee = make_committee(admin=admin)
    seen = fail(monkeypatch, Criterion.objects, "create", on_call=3)

    nothing_left_behind(
        lambda: review_services.committee_attach_to_call(
            committee=committee, call=call, actor=admin
        ),
        seen,
    )


def test_criteria_create_defaults_creates_none_when_one_fails(monkeypatch, nothing_left_behind):
    call = make_call()
    seen = fail(monkeypatch, Criterion.objects, "create", on_call=3)

    nothing_left_behind(lambda: review_services.criteria_create_defaults(call=call), seen)


def test_auto_assign_assigns_nobody_when_it_fails_half_way(monkeypatch, nothing_left_behind):
    setup = make_review_setup(proposals=3, members=3, reviewers_per_proposal=3)
    seen = fail(monkeypatch, assignment_services, "audit", on_call=5)  # of nine

    nothing_left_behind(
        lambda: review_services.auto_assign(call=setup.call, actor=setup.chair), seen
    )
    assert not Assignment.objects.filter(proposal__call=setup.call).exists()


def test_review_save_draft_saves_neither_text_nor_scores_when_a_score_fails(
    monkeypatch, nothing_left_behind, staffed
):
    assignment = assignments_of(staffed.proposals[0])[0]
    review_services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)
    seen = fail(monkeypatch, CriterionScore, "save", on_call=2)

    nothing_left_behind(
        lambda: review_services.review_save_draft(
            assignment=assignment,
            actor=assignment.reviewer,
            data=complete_review_data(staffed.call),
            expected_version=0,
        ),
        seen,
    )


def test_review_submit_leaves_a_draft_when_its_audit_row_fails(
    monkeypatch, nothing_left_behind, staffed
):
    assignment = assignments_of(staffed.proposals[0])[0]
    review_services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)
    review_services.review_save_draft(
        assignment=assignment,
        actor=assignment.reviewer,
        data=complete_review_data(staffed.call),
    )
    seen = fail(monkeypatch, reviewing_services, "audit")

    nothing_left_behind(
        lambda: review_services.review_submit(assignment=assignment, actor=assignment.reviewer),
        seen,
    )


def test_review_reopen_leaves_it_submitted_when_its_audit_row_fails(
    monkeypatch, nothing_left_behind, staffed
):
    assignment = assignments_of(staffed.proposals[0])[0]
    review = submit_review(assignment)
    seen = fail(monkeypatch, reviewing_services, "audit")

    nothing_left_behind(
        lambda: review_services.review_reopen(review=review, actor=staffed.chair, reason="Redo."),
        seen,
    )


def test_conflict_declare_keeps_the_assignment_when_its_audit_row_fails(
    monkeypatch, nothing_left_behind, staffed
):
    assignment = assignments_of(staffed.proposals[0])[0]
    review_services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)
    review_services.review_save_draft(
        assignment=assignment, actor=assignment.reviewer, data={"overall_paragraph": "Draft."}
    )
    seen = fail(monkeypatch, assignment_services, "audit")

    nothing_left_behind(
        lambda: review_services.conflict_declare(
            proposal=assignment.proposal,
            reviewer=assignment.reviewer,
            actor=assignment.reviewer,
            reason=ConflictReason.SAME_LAB,
        ),
        seen,
    )


def test_assignment_swap_keeps_the_old_reviewer_when_its_audit_row_fails(
    monkeypatch, nothing_left_behind, staffed
):
    assignment = assignments_of(staffed.proposals[0])[0]
    newcomer = make_reviewer()
    review_services.committee_member_add(
        committee=staffed.committee, user=newcomer, actor=staffed.admin
    )
    seen = fail(monkeypatch, assignment_services, "audit")

    nothing_left_behind(
        lambda: review_services.assignment_swap(
            assignment=assignment, reviewer=newcomer, actor=staffed.chair
        ),
        seen,
    )


def test_moving_to_the_panel_creates_no_entries_when_the_phase_audit_fails(
    monkeypatch, nothing_left_behind, read_phase
):
    seen = fail(
        monkeypatch, panel_services, "audit", when=lambda **kw: kw["to_state"] == ReviewPhase.PANEL
    )

    nothing_left_behind(
        lambda: review_services.review_phase_transition(
            call=read_phase.call, to=ReviewPhase.PANEL, actor=read_phase.chair
        ),
        seen,
    )
    assert seen["through"] >= 3  # the entries' audit rows were written, then rolled back
    assert not PanelEntry.objects.filter(proposal__call=read_phase.call).exists()


def test_triage_default_creates_no_entry_when_the_results_fail(
    monkeypatch, nothing_left_behind, read_phase
):
    seen = fail(monkeypatch, panel_services, "recompute_results")

    nothing_left_behind(
        lambda: review_services.triage_default(call=read_phase.call, actor=read_phase.chair),
        seen,
    )
    assert not PanelEntry.objects.filter(proposal__call=read_phase.call).exists()


def test_final_score_record_keeps_the_old_vote_when_its_audit_row_fails(
    monkeypatch, nothing_left_behind, in_panel
):
    seen = fail(monkeypatch, panel_services, "audit")

    nothing_left_behind(
        lambda: review_services.final_score_record(
            proposal=in_panel.proposals[0], actor=in_panel.members[0], score=4
        ),
        seen,
    )


def test_panel_finalize_finalizes_nothing_when_its_audit_row_fails(
    monkeypatch, nothing_left_behind, in_panel
):
    seen = fail(monkeypatch, panel_services, "audit")

    nothing_left_behind(
        lambda: review_services.panel_finalize(
            proposal=in_panel.proposals[0],
            actor=in_panel.chair,
            resume_of_discussion="A clear, strong pilot.",
        ),
        seen,
    )
    assert PanelEntry.objects.get(proposal=in_panel.proposals[0]).finalized_at is None


def test_recompute_results_writes_no_audit_row_when_saving_the_scores_fails(
    monkeypatch, nothing_left_behind, in_panel
):
    best = in_panel.proposals[0]
    review_services.panel_finalize(
        proposal=best, actor=in_panel.chair, resume_of_discussion="A clear, strong pilot."
    )
    # Arrange a change for recompute_results to record: every vote becomes a 4.
    FinalScore.objects.filter(entry__proposal=best).update(score=4)
    seen = fail(monkeypatch, PanelEntry.objects, "bulk_update")

    nothing_left_behind(
        lambda: panel_services.recompute_results(best.call_id, actor=in_panel.chair), seen
    )


# ---- reporting -------------------------------------------------------------------------------


def test_publications_import_commit_saves_none_when_one_fails(
    monkeypatch, nothing_left_behind, released_awards
):
    _, awards, _ = released_awards
    award = awards[0]
    published = award.start_date + timedelta(days=40)
    records = [
        {
            "title": f"Paper {n}",
            "doi": f"10.1000/paper.{n}",
            "journal": "J Health Equity",
            "year": published.year,
            "published_on": published.isoformat(),
            "authors": ["Tester A"],
        }
        for n in range(3)
    ]
    seen = fail(monkeypatch, import_services, "publication_create", on_call=2)

    nothing_left_behind(
        lambda: reporting_services.publications_import_commit(
            award=award, records=records, actor=award.proposal.pi
        ),
        seen,
    )


def test_award_change_keeps_the_award_when_its_reports_cannot_be_rescheduled(
    monkeypatch, nothing_left_behind, released_awards
):
    _, awards, admin = released_awards
    award = awards[0]
    progress_services.progress_reports_schedule(award=award)
    seen = fail(monkeypatch, progress_services, "progress_reports_schedule")

    nothing_left_behind(
        lambda: reporting_services.award_change(
            award=award,
            to=AwardStatus.NO_COST_EXTENSION,
            actor=admin,
            new_end_date=award.end_date + timedelta(days=180),
        ),
        seen,
    )


def test_progress_report_submit_leaves_it_due_when_its_history_row_fails(
    monkeypatch, nothing_left_behind, released_awards
):
    _, awards, _ = released_awards
    award = awards[0]
    progress_services.progress_reports_schedule(award=award)
    report = ProgressReport.objects.get(award=award, kind=ProgressReportKind.INTERIM)
    seen = fail(monkeypatch, progress_services, "record_state_change")

    nothing_left_behind(
        lambda: reporting_services.progress_report_submit(
            report=report,
            actor=award.proposal.pi,
            objectives_accomplishments="Enrolled 60 families.",
            barriers_resolutions="None.",
        ),
        seen,
    )


def test_progress_reports_schedule_creates_neither_report_when_the_second_fails(
    monkeypatch, nothing_left_behind, released_awards
):
    _, awards, _ = released_awards
    seen = fail(monkeypatch, ProgressReport.objects, "create", on_call=2)

    nothing_left_behind(lambda: progress_services.progress_reports_schedule(award=awards[0]), seen)


@pytest.mark.parametrize(
    "schedule",
    [
        lambda awards: reporting_services.progress_reports_schedule_missing([a.pk for a in awards]),
        lambda awards: reporting_services.progress_reports_schedule_all(),
    ],
    ids=["missing", "all"],
)
def test_scheduling_many_awards_schedules_none_when_the_last_fails(
    monkeypatch, nothing_left_behind, released_awards, schedule
):
    _, awards, _ = released_awards
    seen = fail(monkeypatch, progress_services, "progress_reports_schedule", on_call=2)

    nothing_left_behind(lambda: schedule(awards), seen)


def test_reminders_send_sends_nothing_when_a_reminder_fails_half_way(
    monkeypatch, nothing_left_behind, released_awards
):
    _, awards, _ = released_awards
    long_after = max(a.end_date for a in awards) + timedelta(days=365)  # every report overdue
    seen = fail(monkeypatch, progress_services, "_remind_once", on_call=3)  # of four

    nothing_left_behind(lambda: reporting_services.reminders_send(today=long_after), seen)
