"""``manage.py seed_demo``: the demo people and calls, the decided call with its awards and
outcomes (the HRSA report's data), the demo journeys, re-runs, and its guard."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES, ApplicantType, Role
from accounts.models import Demographics, User
from demo.content import load_demo
from demo.management.commands.seed_demo import (
    OPEN_CALL_TITLE,
    PASSWORD,
    PROGRAM_NAME,
    REVIEW_CALL_TITLE,
)
from grants import services
from grants.choices import (
    AwardStatus,
    CallStatus,
    DecisionOutcome,
    EndorsementStatus,
    ProposalStatus,
)
from grants.models import (
    Attachment,
    Award,
    BudgetLine,
    Decision,
    Endorsement,
    FundingCall,
    LetterOfIntent,
    Program,
    Proposal,
    StateChange,
    TeamMember,
)
from grants.selectors import proposal_blockers
from reporting.choices import CheckStatus, ProgressReportStatus
from reporting.hrsa import XlsxExporter, build_report, current_period
from reporting.hrsa.people import awards_active_in
from reporting.models import (
    EnrollmentReport,
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)
from reviews import services as review_services
from reviews.choices import PanelDisposition, ReviewPhase, ReviewStatus
from reviews.conflicts import conflicted_ids_by_proposal
from reviews.models import (
    Assignment,
    CallReview,
    CriterionScore,
    FinalScore,
    LetterRating,
    PanelEntry,
    Review,
)
from reviews.selectors import ranking_for, summary_statement
from tests.demo.conftest import seed
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_proposal

# The demo's decided call falls in the previous academic year (2025-2026 when today is in
# 2026-2027); its awards run on into the current one.
CURRENT = current_period()
PREVIOUS = CURRENT.previous
# The decided call is the previous round of the open call, e.g. "2025 Health Equity Pilot Awards".
DECIDED_CALL_TITLE = f"{PREVIOUS.first_year} {OPEN_CALL_TITLE}"
# Every table HRSA.md asks to have rows in the demo, by key.
REPORT_TABLES = ["projects", "lr1", "lr2", "dv1", "dv2", "outcomes", "indgen_py", "pc10_counts"]

DEMO_LOGINS = [
    "admin",
    "chair",
    "reviewer1",
    "reviewer2",
    "reviewer3",
    "faculty1",
    "faculty2",
    "student1",
    "student2",
    "mentor1",
    "fellow1",
    "coordinator1",
]


def counts() -> dict[str, int]:
    models = [
        User,
        Demographics,
        Program,
        FundingCall,
        Proposal,
        TeamMember,
        BudgetLine,
        Attachment,
        Endorsement,
        StateChange,
        Decision,
        LetterOfIntent,
        LetterRating,
        Award,
        ProgressReport,
        Publication,
        Presentation,
        FollowOnFunding,
        TraineeOutcome,
        Partnership,
        ReportingPeriodNarrative,
        EnrollmentReport,
        CallReview,
        Assignment,
        Review,
        CriterionScore,
        PanelEntry,
        FinalScore,
    ]
    return {model.__name__: model.objects.count() for model in models}


def has_a_count(table) -> bool:
    """Whether any number in the table (past the label column) is above zero."""
    return any(
        isinstance(value, int | Decimal) and not isinstance(value, bool) and value > 0
        for row in table.rows
        for value in row.cells[1:]
    )


def sheet_values(sheet) -> list[list]:
    """Every cell value of a worksheet, the Summary's generated-at time left out."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    for row in rows:
        if row and row[0] == "Generated at":
            row[1] = None
    return rows


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


DOMAINS = [
    "biological",
    "behavioral",
    "physical_environment",
    "sociocultural",
    "health_care_system",
]


@pytest.mark.django_db
class TestSeededDemo:
    """What the demo holds and the journeys it is built for, on one seeded database."""

    def test_seed_demo_creates_the_demo_logins_with_the_demo_password(self, demo):
        users = {user.username: user for user in User.objects.all()}

        assert set(DEMO_LOGINS) <= set(users)
        assert all(users[name].check_password(PASSWORD) for name in DEMO_LOGINS)
        for name in DEMO_LOGINS:
            assert name in demo
        assert f"password: {PASSWORD}" in demo

    def test_seed_demo_gives_each_account_its_role(self, demo):
        def user(name):
            return User.objects.select_related("profile").get(username=name)

        admin = user("admin")
        assert (admin.is_staff, admin.is_superuser, admin.has_role(Role.ADMINISTRATOR)) == (
            True,
            True,
            True,
        )
        chair = user("chair")
        assert (chair.has_role(Role.CHAIR), chair.has_role(Role.REVIEWER)) == (True, True)
        assert chair.profile.is_faculty is True
        for name in ["reviewer1", "reviewer2", "reviewer3"]:
            reviewer = user(name)
            assert reviewer.has_role(Role.REVIEWER) is True
            assert reviewer.profile.is_faculty is True
            assert reviewer.profile.keywords != []
        assert user("faculty1").profile.is_faculty is True
        assert user("faculty2").profile.is_faculty is True
        assert user("student1").profile.applicant_type == ApplicantType.MEDICAL_STUDENT
        assert user("student2").profile.applicant_type == ApplicantType.PHD_STUDENT
        assert user("mentor1").profile.applicant_type == ApplicantType.FULL_PROFESSOR
        assert user("fellow1").profile.applicant_type == ApplicantType.FELLOW
        assert user("coordinator1").profile.applicant_type == ApplicantType.STAFF
        assert User.objects.filter(is_superuser=True).count() == 1
        researchers = User.objects.filter(
            profile__applicant_type__in=[*FACULTY_TYPES, *TRAINEE_TYPES]
        ).exclude(groups__name__in=[Role.CHAIR, Role.REVIEWER])
        assert researchers.count() == 13

    def test_seed_demo_profiles_and_demographics_are_valid(self, demo):
        for user in User.objects.select_related("profile"):
            user.profile.full_clean()
        for demographics in Demographics.objects.all():
            demographics.full_clean()
        # Everyone but admin, postdoc1 and coordinator1 answered.
        assert Demographics.objects.count() == 16
        assert not Demographics.objects.filter(
            user__username__in=["admin", "postdoc1", "coordinator1"]
        ).exists()
        assert User.objects.exclude(profile__orcid="").count() == 3

    def test_seed_demo_proposals_carry_nimhd_cells_and_the_portfolio_has_rows(self, demo):
        from grants.models import Proposal
        from reporting.portfolio import portfolio_grid

        written = Proposal.objects.exclude(specific_aims="")  # a partial draft: not yet
        cells = Proposal.objects.get(title__startswith="Familias Sanas").nimhd_cells

        assert all(p.nimhd_cells for p in written)
        assert all(
            p.nimhd_domains == sorted({c.split(":")[0] for c in p.nimhd_cells}, key=DOMAINS.index)
            for p in written
        )
        assert "behavioral:interpersonal" in cells
        assert portfolio_grid().total.funded > 0

    def test_seed_demo_open_call_is_accepting(self, demo):
        call = FundingCall.objects.get(title=OPEN_CALL_TITLE)

        assert call.is_accepting() is True
        assert call.program.name == PROGRAM_NAME
        assert call.status == CallStatus.OPEN
        assert (call.max_award, call.total_budget) == (Decimal("25000.00"), Decimal("150000.00"))
        assert call.one_per_applicant is True
        assert set(call.eligible_applicant_types) == {str(t) for t in FACULTY_TYPES | TRAINEE_TYPES}
        assert timedelta(days=20) < call.closes_at - timezone.now() < timedelta(days=23)

    def test_seed_demo_review_call_holds_twelve_proposals_in_review(self, demo):
        call = FundingCall.objects.get(title=REVIEW_CALL_TITLE)
        proposals = list(call.proposals.select_related("pi"))

        assert call.status == CallStatus.IN_REVIEW
        assert call.closes_at < timezone.now() - timedelta(days=13)
        assert len(proposals) == 12
        assert {p.status for p in proposals} == {ProposalStatus.IN_REVIEW}
        assert {"faculty1", "faculty2"} <= {p.pi.username for p in proposals}
        # Submitted before the deadline, as the history shows.
        assert all(p.submitted_at < call.closes_at for p in proposals)

    def test_seed_demo_proposals_are_in_every_early_state_with_consistent_budgets(self, demo):
        proposals = Proposal.objects.prefetch_related("budget_lines")

        # Decided: the previous year's call (6 funded, 4 not) and the two earlier rounds (3 and
        # 1, 4 and 1).
        assert Counter(p.status for p in proposals) == {
            # The call in review's twelve and the limited submission's five.
            ProposalStatus.IN_REVIEW: 17,
            # The open call's four and the full proposal started from its letter.
            ProposalStatus.DRAFT: 5,
            ProposalStatus.SUBMITTED: 3,
            ProposalStatus.RETURNED: 1,
            ProposalStatus.WITHDRAWN: 1,
            ProposalStatus.FUNDED: 13,
            ProposalStatus.NOT_FUNDED: 6,
        }
        for proposal in proposals:
            lines = list(proposal.budget_lines.all())
            if lines:
                assert proposal.requested_amount == sum(line.amount for line in lines)
                assert proposal.requested_amount <= proposal.call.max_award
        # Every trainee proposal that was handed in carries its mentor's endorsement.
        handed_in = Proposal.objects.filter(
            pi__profile__applicant_type__in=TRAINEE_TYPES,
            status__in=[ProposalStatus.SUBMITTED, ProposalStatus.IN_REVIEW],
        )
        assert handed_in.count() == 6
        assert {p.endorsement.status for p in handed_in} == {EndorsementStatus.ENDORSED}

    def test_faculty1_can_submit_a_complete_proposal_to_the_open_call_after_seeding(self, demo):
        call = FundingCall.objects.get(title=OPEN_CALL_TITLE)
        faculty1 = User.objects.get(username="faculty1")
        assert call.proposals.filter(pi=faculty1).count() == 0

        proposal = make_proposal(call=call, pi=faculty1)
        proposal = services.proposal_submit(proposal=proposal, actor=faculty1)

        assert proposal.status == ProposalStatus.SUBMITTED

    def test_student1_can_submit_once_mentor1_endorses_after_seeding(self, demo):
        student1 = User.objects.get(username="student1")
        mentor1 = User.objects.get(username="mentor1")
        proposal = Proposal.objects.get(call__title=OPEN_CALL_TITLE, pi=student1)
        assert [b.field for b in proposal_blockers(proposal)] == ["endorsement"]

        endorsement = services.endorsement_request(proposal=proposal, actor=student1)
        services.endorsement_respond(
            endorsement=endorsement, actor=mentor1, endorse=True, statement="A strong project."
        )
        proposal = services.proposal_submit(proposal=proposal, actor=student1)

        assert proposal.status == ProposalStatus.SUBMITTED

    def test_mentor1_has_an_endorsement_request_waiting_after_seeding(self, demo):
        pending = Endorsement.objects.filter(
            mentor__username="mentor1", status=EndorsementStatus.REQUESTED
        )

        assert [e.proposal.pi.username for e in pending] == ["resident1"]

    def test_seed_demo_twice_creates_nothing_new(self, demo):
        before = counts()

        output = seed()

        assert counts() == before
        assert "Demo data already present; nothing to create." in output

    def test_seed_demo_reopens_the_open_call_when_its_deadline_has_passed(self, demo):
        call = FundingCall.objects.get(title=OPEN_CALL_TITLE)
        FundingCall.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(days=1))

        output = seed()

        call.refresh_from_db()
        assert call.is_accepting() is True
        assert "The open call's deadline had passed or was two days away" in output

    # ---- The decided call, its awards and outcomes: the HRSA report's data ----------------------

    def test_seed_demo_decided_call_was_reviewed_decided_and_released_last_year(self, demo):
        call = FundingCall.objects.get(title=DECIDED_CALL_TITLE)
        proposals = list(call.proposals.select_related("decision", "pi"))

        assert call.status == CallStatus.DECIDED
        assert PREVIOUS.contains_moment(call.closes_at)
        assert Counter(p.status for p in proposals) == {
            ProposalStatus.FUNDED: 6,
            ProposalStatus.NOT_FUNDED: 4,
        }
        assert all(p.submitted_at < call.closes_at for p in proposals)
        assert all(PREVIOUS.contains_moment(p.decision.released_at) for p in proposals)
        # Decided before the release, but for the waitlisted one, decided when the list closed.
        late = [p.pi.username for p in proposals if p.decision.decided_at > p.decision.released_at]
        assert late == ["faculty5"]
        reduced = [
            p.decision
            for p in proposals
            if p.decision.outcome == DecisionOutcome.FUNDED
            and p.decision.amount < p.requested_amount
        ]
        assert len(reduced) == 1 and reduced[0].reason
        waitlisted = StateChange.objects.filter(
            object_id__in=[p.pk for p in proposals],
            content_type__model="proposal",
            to_state=ProposalStatus.WAITLISTED,
            from_state=ProposalStatus.IN_REVIEW,
        )
        assert [p.pi.username for p in proposals if p.pk == waitlisted.get().object_id] == [
            "faculty5"
        ]
        assert Proposal.objects.get(pk=waitlisted.get().object_id).status == (
            ProposalStatus.NOT_FUNDED
        )
        # Trainees and faculty, with co-investigators and mentors who have accounts, and
        # community partners as outside people.
        team = TeamMember.objects.filter(proposal__call=call)
        assert team.filter(role="mentor", user__isnull=False).count() == 4
        assert team.filter(role="co_investigator", user__isnull=False).count() == 3
        assert team.filter(role="community_partner", user__isnull=True).count() == 10

    # ---- The decided call's committee review ----------------------------------------------------

    def test_seed_demo_decided_call_was_reviewed_by_the_committee_and_closed(self, demo):
        call = FundingCall.objects.get(title=DECIDED_CALL_TITLE)
        reviews = Review.objects.filter(assignment__proposal__call=call)

        assert call.call_review.phase == ReviewPhase.CLOSED
        assert call.call_review.committee.name == load_demo().committee["name"]
        assert call.committee_review_open is False
        assert reviews.count() == 30  # three reviewers for each of the ten proposals
        assert set(reviews.values_list("status", flat=True)) == {ReviewStatus.SUBMITTED}
        assert CriterionScore.objects.filter(review__in=reviews).count() == 30 * 4
        for review in reviews:
            assert review.overall_paragraph and review.comments_to_applicant
            for score in review.scores.all():
                assert score.strengths and score.weaknesses
        # Critiques differ from one proposal (and reviewer) to the next.
        assert len(set(reviews.values_list("overall_paragraph", flat=True))) > 20
        assert Counter(
            PanelEntry.objects.filter(proposal__call=call).values_list("disposition", flat=True)
        ) == {PanelDisposition.DISCUSSED: 9, PanelDisposition.NOT_DISCUSSED: 1}

    def test_seed_demo_decided_call_ranking_scores_every_discussed_proposal(self, demo):
        call = FundingCall.objects.get(title=DECIDED_CALL_TITLE)
        admin = User.objects.get(username="admin")

        rows = ranking_for(call, user=admin).rows

        assert len(rows) == 10
        discussed = [row for row in rows if row.disposition == PanelDisposition.DISCUSSED]
        assert len(discussed) == 9
        assert all(row.final_impact_score is not None for row in discussed)
        assert all(row.percentile is not None for row in discussed)
        scores = [row.final_impact_score for row in discussed]
        assert scores == sorted(scores) and len(set(scores)) == 9
        # The funded six rank first, the waitlisted one (faculty5) next, the rest below, the
        # proposal the panel did not discuss last.
        outcomes = [
            (row.proposal.pi.username, row.decision.outcome == DecisionOutcome.FUNDED)
            for row in rows
        ]
        assert [funded for _, funded in outcomes] == [True] * 6 + [False] * 4
        assert outcomes[6][0] == "faculty5"
        assert rows[-1].disposition == PanelDisposition.NOT_DISCUSSED
        assert rows[-1].final_impact_score is None

    def test_seed_demo_decided_call_pay_line_falls_below_the_funded(self, demo):
        call = FundingCall.objects.get(title=DECIDED_CALL_TITLE)
        reviewer = User.objects.get(username="reviewer3")

        ranking = ranking_for(call, user=reviewer)

        # For a committee member the requests add up; the money runs out at the waitlisted one.
        assert ranking.pay_line_rank == 7
        assert ranking.rows[6].proposal.pi.username == "faculty5"

    def test_faculty1_summary_statement_shows_the_panels_scores(self, demo, client):
        faculty1 = User.objects.get(username="faculty1")
        proposal = Proposal.objects.get(call__title=DECIDED_CALL_TITLE, pi=faculty1)
        summary = summary_statement(proposal)
        client.force_login(faculty1)

        page = client.get(reverse("reviews:summary_statement", args=[proposal.pk]))

        assert proposal.status == ProposalStatus.FUNDED
        assert summary.final_impact_score == 20
        assert summary.percentile is not None
        assert summary.resume_of_discussion
        assert len(summary.critiques) == 3
        assert all(c.overall_impact for c in summary.critiques)
        assert page.status_code == 200
        html = page.content.decode()
        assert "has not scored" not in html
        assert f"Final impact score: <strong>{summary.final_impact_score}</strong>" in html
        assert f"Percentile: <strong>{summary.percentile}</strong>" in html
        assert "Reviewer 3" in html
        assert "Reviewer 4" not in html

    def test_seed_demo_no_conflicted_member_reviewed_or_scored(self, demo):
        proposals = list(Proposal.objects.filter(call__title=DECIDED_CALL_TITLE))
        conflicted = conflicted_ids_by_proposal(proposals)
        names = dict(User.objects.values_list("pk", "username"))

        for assignment in Assignment.objects.filter(proposal__in=proposals):
            assert assignment.reviewer_id not in conflicted[assignment.proposal_id]
        for score in FinalScore.objects.filter(entry__proposal__in=proposals):
            assert score.member_id not in conflicted[score.entry.proposal_id]
        # Meaningful: the chair mentors fellow1, reviewer1 is on faculty1's team.
        by_pi = {p.pi.username: {names[pk] for pk in conflicted[p.pk]} for p in proposals}
        assert "chair" in by_pi["fellow1"] and "reviewer1" in by_pi["faculty1"]
        fellow1 = next(p for p in proposals if p.pi.username == "fellow1")
        voters = FinalScore.objects.filter(entry__proposal=fellow1)
        assert sorted(names[v.member_id] for v in voters) == ["reviewer1", "reviewer2", "reviewer3"]

    def test_seed_demo_decided_call_was_reviewed_after_the_deadline_before_the_decisions(
        self, demo
    ):
        call = FundingCall.objects.get(title=DECIDED_CALL_TITLE)
        decided = min(Decision.objects.filter(call=call).values_list("decided_at", flat=True))
        assignments = Assignment.objects.filter(proposal__call=call)
        reviews = Review.objects.filter(assignment__proposal__call=call)
        times = [
            call.call_review.created_at,
            *assignments.values_list("created_at", flat=True),
            *assignments.values_list("certified_no_conflict_at", flat=True),
            *reviews.values_list("created_at", flat=True),
            *reviews.values_list("submitted_at", flat=True),
            *FinalScore.objects.filter(entry__proposal__call=call).values_list(
                "recorded_at", flat=True
            ),
            *PanelEntry.objects.filter(proposal__call=call, finalized_at__isnull=False).values_list(
                "finalized_at", flat=True
            ),
        ]
        history = StateChange.objects.filter(
            content_type__app_label="reviews",
            object_id__in=[
                call.call_review.pk,
                *assignments.values_list("pk", flat=True),
                *reviews.values_list("pk", flat=True),
            ],
        )

        assert all(call.closes_at < at < decided for at in times)
        assert PREVIOUS.contains_moment(decided)
        # Reviews came in by the due date; the panel met after all of them.
        due = call.call_review.review_due_at
        assert all(at <= due for at in reviews.values_list("submitted_at", flat=True))
        assert all(
            due < at
            for at in PanelEntry.objects.filter(proposal__call=call).values_list(
                "finalized_at", flat=True
            )
            if at is not None
        )
        assert history.exists()
        assert not history.filter(at__gt=timezone.now()).exists()

    def test_seed_demo_awards_are_active_in_both_years_extended_closed_and_terminated(self, demo):
        awards = Award.objects.filter(call__title=DECIDED_CALL_TITLE)

        assert Counter(a.status for a in awards) == {
            AwardStatus.ACTIVE: 2,
            AwardStatus.NO_COST_EXTENSION: 1,
            AwardStatus.CLOSED: 2,
            AwardStatus.TERMINATED: 1,
        }
        assert awards_active_in(PREVIOUS).count() == 6
        assert awards_active_in(CURRENT).count() == 3
        ended = [a for a in awards if PREVIOUS.contains(a.effective_end)]
        assert len(ended) == 3  # two closed on time, one terminated
        terminated = awards.get(status=AwardStatus.TERMINATED)
        assert terminated.effective_end < terminated.end_date
        history = StateChange.objects.filter(content_type__model="award", object_id=terminated.pk)
        assert history.get().reason
        assert all(a.amount <= a.call.max_award for a in awards)
        assert sum(a.amount for a in awards) <= awards[0].call.total_budget
        # Nothing of the seeded history lies in the future.
        now = timezone.now()
        assert not StateChange.objects.filter(at__gt=now).exists()
        assert not ProgressReport.objects.filter(submitted_at__gt=now).exists()

    def test_seed_demo_progress_reports_are_scheduled_some_submitted_one_overdue(self, demo):
        reports = ProgressReport.objects.filter(award__call__title=DECIDED_CALL_TITLE)
        today = timezone.localdate()

        assert reports.count() == 11  # the terminated award owes only its final report
        assert reports.filter(status=ProgressReportStatus.SUBMITTED).count() == 7
        # One report left overdue (others fall due later in the current academic year).
        overdue = reports.filter(status=ProgressReportStatus.DUE, due_date__lt=CURRENT.start)
        assert [(r.award.proposal.pi.username, r.kind) for r in overdue] == [
            ("resident1", "interim")
        ]
        assert overdue.get().is_overdue(today)
        for report in reports.filter(status=ProgressReportStatus.SUBMITTED):
            assert report.objectives_accomplishments and report.barriers_resolutions
            assert report.submitted_by == report.award.proposal.pi

    def test_seed_demo_records_every_kind_of_outcome(self, demo):
        publications = Publication.objects.all()
        funding = FollowOnFunding.objects.all()

        assert publications.exclude(doi="").exists() and publications.exclude(pmid="").exists()
        assert publications.filter(peer_reviewed=False).exists()
        assert publications.filter(disparities_focused=False).exists()
        assert publications.filter(awards__isnull=False).distinct().count() == publications.count()
        # Dated in both academic years, and one (in press) with a year only.
        dated = publications.exclude(published_on=None)
        assert dated.filter(published_on__gte=CURRENT.start).exists()
        assert dated.filter(
            published_on__gte=PREVIOUS.start, published_on__lte=PREVIOUS.end
        ).exists()
        assert publications.filter(published_on=None).count() == 1
        assert set(Presentation.objects.values_list("level", flat=True)) == {
            "local",
            "regional",
            "national",
            "international",
        }
        assert {"R01", "K23", "R21"} <= set(funding.values_list("mechanism", flat=True))
        assert set(funding.values_list("status", flat=True)) == {"applied", "awarded", "declined"}
        assert {"nih", "foundation", "internal"} <= set(
            funding.values_list("sponsor_type", flat=True)
        )
        assert TraineeOutcome.objects.filter(practicing_underserved="yes").exists()
        assert TraineeOutcome.objects.filter(practicing_rural="yes").exists()
        assert TraineeOutcome.objects.filter(practicing_primary_care="yes").exists()
        assert len(set(Partnership.objects.values_list("partner_type", flat=True))) == 8
        assert set(ReportingPeriodNarrative.objects.values_list("period", flat=True)) == {
            PREVIOUS.label,
            CURRENT.label,
        }

    @pytest.mark.parametrize("key", REPORT_TABLES)
    def test_seed_demo_gives_last_years_report_rows_in_every_table(self, demo, key):
        report = build_report(PREVIOUS)

        assert has_a_count(report.table(key)), key

    def test_seed_demo_report_checks_pass_but_warn_about_missing_demographics(self, demo):
        report = build_report(PREVIOUS)
        checks = {check.rule: check for check in report.checks}
        lr1, dv1 = report.table("lr1"), report.table("dv1")

        assert not report.failed
        assert checks["DV-1 totals equal LR-1 totals"].status == CheckStatus.PASS
        missing = checks["Participants with demographics"]
        assert (missing.status, missing.count) == (CheckStatus.WARNING, 2)
        assert checks["Narrative written for the period"].status == CheckStatus.PASS
        # Current participants and completers; multi-race, Hispanic and not reported people.
        assert lr1.cell("Total", "current") > 0 and lr1.cell("Total", "completers") > 0
        assert dv1.cell("More than one race", "total") > 0
        assert dv1.cell("Total", "current:hispanic") + dv1.cell("Total", "completers:hispanic")
        assert dv1.cell("Not reported", "total") > 0
        assert report.table("dv2").cell("Disadvantaged — yes, of which not URM", "total") > 0
        summary = report.table("summary")
        assert summary.cell("Proposals funded", "value") == 6
        assert (
            summary.cell("Return ratio (follow-on $ / $ of the awards it came from)", "value") > 0
        )

    def test_the_demo_reports_pdf_fits_its_pages_with_every_projects_column(self, demo):
        from reporting.hrsa import PdfExporter
        from tests.support.pdf_layout import overflowing_tables

        report = build_report(PREVIOUS)
        html = PdfExporter(report).html()

        assert overflowing_tables(html) == []
        for column in report.table("projects").columns:
            assert f'<th scope="col">{column.label}</th>' in html

    def test_seed_demo_report_lists_the_paid_trainees_and_the_program_setup(self, demo):
        report = build_report(PREVIOUS)

        setup = report.tables[0]
        indgen = report.table("indgen")
        assert setup.key == "program_setup"
        assert [row.cells[0] for row in setup.rows] == [
            "Health Equity Research Scholars",
            "Primary Care Research Fellowship",
            "Mentored pilot research",
        ]
        names = {u: User.objects.get(username=u).display_name for u in ("student1", "fellow1")}
        rows = {row.cells[0]: row.cells for row in indgen.rows}
        assert rows[names["student1"]][5:8] == ["Stipend; Travel", Decimal("3650.00"), "Enrolled"]
        assert rows[names["fellow1"]][5:8] == [
            "Stipend",
            Decimal("6000.00"),
            "Graduated / completed",
        ]
        assert rows["Total"][6] == Decimal("12150.00")
        unrecorded = next(c for c in report.checks if c.rule.startswith("People paid"))
        assert (unrecorded.status, unrecorded.count) == (CheckStatus.WARNING, 1)  # resident1

    def test_seed_demo_current_report_has_active_awards(self, demo):
        report = build_report(CURRENT)

        assert report.table("summary").cell("Active awards", "value") == 3
        assert report.table("lr1").cell("Total", "total") > 0
        assert has_a_count(report.table("indgen_py"))  # trainees who completed last year

    def test_command_line_export_writes_the_same_workbook_as_the_exporter(self, demo, tmp_path):
        from openpyxl import load_workbook

        output = tmp_path / "report.xlsx"
        call_command(
            "export_hrsa_report",
            "--period",
            PREVIOUS.label,
            "--format",
            "xlsx",
            "--output",
            str(output),
            stdout=StringIO(),
            stderr=StringIO(),
        )
        built = build_report(PREVIOUS, generated_by="manage.py export_hrsa_report")
        expected = load_workbook(BytesIO(XlsxExporter(built).render()))
        written = load_workbook(output)

        assert written.sheetnames == expected.sheetnames
        assert len(written.sheetnames) == 14
        for name in expected.sheetnames:
            assert sheet_values(written[name]) == sheet_values(expected[name]), name

    def test_admin_previews_the_current_report_and_exports_workbook_and_pdf(self, demo, client):
        client.force_login(User.objects.get(username="admin"))

        page = client.get(reverse("reporting:report"))
        assert page.status_code == 200
        assert CURRENT.label in page.content.decode()
        xlsx = client.get(reverse("reporting:report_export", args=["xlsx"]))
        assert xlsx.status_code == 200
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        pdf = client.get(reverse("reporting:report_export", args=["pdf"]))
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")

    def test_chair_can_auto_assign_the_review_call_after_seeding(self, demo):
        call = FundingCall.objects.get(title=REVIEW_CALL_TITLE)
        assert call.call_review.phase == ReviewPhase.ASSIGNMENT

        result = review_services.auto_assign(call=call, actor=User.objects.get(username="chair"))

        assert len(result.created) > 0


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert (User.objects.count(), Program.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_seed_demo_runs_when_debug_is_off_with_force(settings):
    settings.DEBUG = False

    seed(force=True)

    assert Program.objects.filter(name=PROGRAM_NAME).count() == 1
    # 31, the earlier rounds' 9 and a full proposal started from its letter of intent.
    assert Proposal.objects.count() == 46


@pytest.mark.django_db
def test_seed_demo_leaves_an_existing_account_alone(debug):
    # As if someone ran `manage.py createsuperuser` first.
    User.objects.create_superuser("admin", "root@example.edu", FACTORY_PASSWORD)

    output = seed()

    admin = User.objects.get(username="admin")
    assert admin.check_password(FACTORY_PASSWORD) is True
    assert admin.email == "root@example.edu"
    assert "already existed, left unchanged: admin" in output
    assert Proposal.objects.count() == 46
    assert Award.objects.count() == 13  # 6 of the decided call, 7 of the earlier rounds


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_no_mail_unless_asked(debug, mailoutbox):
    seed()

    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_the_queued_mail_with_send_mail(debug, mailoutbox):
    seed(send_mail=True)

    subjects = [message.subject for message in mailoutbox]
    # A receipt per submission: 27, and the earlier rounds' 9.
    assert len([s for s in subjects if "Received:" in s]) == 41  # the limited call's five too
