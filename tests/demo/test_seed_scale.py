"""``manage.py seed_scale``: the benchmark data set, at a small N. What the benchmark signs in
as and opens, the invariants the services keep, the HRSA report, reproducibility, refusals."""

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import escape
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Count, Sum
from django.test.utils import override_settings
from django.urls import reverse

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES, Role
from accounts.models import Demographics, Profile, User
from demo.scale import COUNTED_MODELS
from grants.choices import (
    SUBMITTED_STATES,
    AwardStatus,
    CallStatus,
    DecisionOutcome,
    EndorsementStatus,
    ProposalStatus,
    TeamRole,
    nimhd_domains_of,
)
from grants.models import (
    Award,
    BudgetLine,
    Decision,
    Endorsement,
    FundingCall,
    Proposal,
    StateChange,
    TeamMember,
)
from grants.selectors import proposals_of_applicant
from grants.services import nimhd_cells_validate
from reporting import services as reporting_services
from reporting.choices import ENROLLMENT_CELLS, EnrollmentKind
from reporting.enrollment import TOTAL_KEYS, totals
from reporting.hrsa import build_report, parse_period
from reporting.models import (
    EnrollmentReport,
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    TraineeOutcome,
)
from reporting.validators import outcome_date_problem
from reviews import scoring
from reviews.choices import (
    REVIEW_STATES,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from reviews.models import (
    Assignment,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)
from reviews.selectors import ranking_for, reviewer_queue
from tests.factories import make_proposal

N = 240
TODAY = date(2026, 10, 5)
# Everything seeded happened before midnight starting TODAY in the program's zone.
NOW = datetime(2026, 10, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))
PASSWORD = "scale-test-password"
JSON_KEYS = [
    "proposals",
    "reviews",
    "outcomes",
    "users",
    "seconds",
    "ranking_call_id",
    "review_call_id",
    "open_call_id",
    "report_period",
    "password",
    "accounts",
    "counts",
]
ACCOUNTS = {
    "admin": "scale-admin",
    "chair": "scale-chair",
    "reviewer": "scale-reviewer",
    "applicant": "scale-applicant",
}
OUTCOMES = [Publication, Presentation, FollowOnFunding, TraineeOutcome, Partnership]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def summary_of(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def sign_in(client, username: str) -> None:
    """Through the sign-in page, with the seeded password, as the benchmark's people do."""
    answer = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert answer.status_code == 302, username


@pytest.fixture(scope="class")
def scale(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the class (each test runs in its own savepoint); rolled back after."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True,
            MEDIA_ROOT=tmp_path_factory.mktemp("scale-media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield summary_of(
            seed(
                f"--proposals={N}",
                "--seed=3",
                f"--password={PASSWORD}",
                f"--today={TODAY}",
                "--json",
            )
        )
        transaction.set_rollback(True)


def calls(summary: dict) -> dict[str, FundingCall]:
    return {
        role: FundingCall.objects.get(pk=summary[f"{role}_call_id"])
        for role in ("ranking", "review", "open")
    }


@pytest.mark.django_db
class TestSeededScale:
    # ---- The summary and the counts -----------------------------------------------------------

    def test_seed_scale_json_summary_matches_the_database(self, scale):
        assert list(scale) == JSON_KEYS
        assert scale["counts"] == {m._meta.label: m.objects.count() for m in COUNTED_MODELS}
        assert scale["proposals"] == Proposal.objects.count() == N
        assert scale["reviews"] == Review.objects.count()
        assert scale["outcomes"] == sum(m.objects.count() for m in OUTCOMES)
        assert scale["users"] == User.objects.count()
        assert scale["report_period"] == "2025-2026"
        assert scale["password"] == PASSWORD
        assert scale["accounts"] == ACCOUNTS
        assert scale["seconds"] >= 0

    def test_seed_scale_counts_scale_with_the_number_of_proposals(self, scale):
        reviewed = Proposal.objects.filter(status__in=REVIEW_STATES)
        submitted_reviews = Review.objects.filter(status=ReviewStatus.SUBMITTED)

        # 3 or 4 reviewers per reviewed proposal; every review of a decided call submitted.
        assert 3 <= Assignment.objects.count() / reviewed.count() <= 3.5
        assert 2.5 <= Review.objects.count() / reviewed.count() <= 3.5
        for proposal in reviewed.exclude(status=ProposalStatus.IN_REVIEW).annotate(
            n=Count("review_assignments__review")
        ):
            assert proposal.n == proposal.call.reviewers_per_proposal
        assert submitted_reviews.exclude(
            assignment__proposal__status=ProposalStatus.IN_REVIEW
        ).count() == (Assignment.objects.exclude(proposal__status=ProposalStatus.IN_REVIEW).count())
        # Ten outcome records per proposal, give or take the per-award minimums.
        assert abs(scale["outcomes"] - 10 * N) <= N
        assert all(m.objects.exists() for m in OUTCOMES)
        assert User.objects.count() >= N / 3
        assert Demographics.objects.count() == Profile.objects.count() == User.objects.count()

    def test_seed_scale_calls_span_the_years_in_every_status(self, scale):
        by_role = calls(scale)
        statuses = Counter(FundingCall.objects.values_list("status", flat=True))

        assert statuses[CallStatus.OPEN] == 1 and statuses[CallStatus.IN_REVIEW] == 1
        assert statuses[CallStatus.DECIDED] >= 3
        assert by_role["open"].is_accepting(NOW) is True
        assert by_role["review"].call_review.phase == ReviewPhase.INDEPENDENT_REVIEW
        assert by_role["ranking"].call_review.phase == ReviewPhase.CLOSED
        assert by_role["ranking"].status == CallStatus.DECIDED
        allowed = {
            CallStatus.OPEN: {"draft", "submitted", "returned", "withdrawn"},
            CallStatus.IN_REVIEW: {"draft", "returned", "withdrawn", "in_review"},
            CallStatus.DECIDED: {"draft", "returned", "withdrawn", *REVIEW_STATES} - {"in_review"},
        }
        for call in FundingCall.objects.all():
            found = set(call.proposals.values_list("status", flat=True))
            assert found <= allowed[call.status], call.title
            assert call.proposals.exists()
        assert {ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN, ProposalStatus.RETURNED} <= set(
            Proposal.objects.values_list("status", flat=True)
        )
        first_opens = FundingCall.objects.order_by("opens_at").first().opens_at
        assert not User.objects.filter(date_joined__gte=first_opens).exists()
        assert not Proposal.objects.filter(created_at__lt=first_opens).exists()

    # ---- The accounts the benchmark signs in as -----------------------------------------------

    def test_seed_scale_fixed_accounts_sign_in_with_the_password(self, scale, client):
        users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS.values())}

        assert set(users) == set(ACCOUNTS.values())
        for username in ACCOUNTS.values():
            sign_in(client, username)
            client.logout()
        admin = users["scale-admin"]
        assert (admin.is_staff, admin.has_role(Role.ADMINISTRATOR)) == (True, True)
        assert users["scale-chair"].has_role(Role.CHAIR) is True
        assert calls(scale)["ranking"].call_review.committee.chair == users["scale-chair"]
        assert users["scale-reviewer"].has_role(Role.REVIEWER) is True
        assert users["scale-applicant"].profile.applicant_type in FACULTY_TYPES

    def test_scale_reviewer_queue_holds_fifteen_assignments_in_every_state(self, scale, client):
        reviewer = User.objects.get(username="scale-reviewer")
        queue = list(reviewer_queue(reviewer))

        sign_in(client, "scale-reviewer")
        page = client.get(reverse("reviews:queue"))

        assert page.status_code == 200
        assert len(page.context["assignments"]) == len(queue) == 15
        assert {a.proposal.call_id for a in queue} == {scale["review_call_id"]}
        states = Counter(
            "not opened"
            if a.certified_no_conflict_at is None
            else (a.review_or_none.status if a.review_or_none else "certified")
            for a in queue
        )
        assert states == {"not opened": 5, ReviewStatus.DRAFT: 5, ReviewStatus.SUBMITTED: 5}

    def test_scale_applicant_dashboard_lists_their_proposals_and_award(self, scale, client):
        applicant = User.objects.get(username="scale-applicant")
        led = Proposal.objects.filter(pi=applicant)
        mine = list(proposals_of_applicant(applicant))

        sign_in(client, "scale-applicant")
        page = client.get(reverse("dashboard"))

        assert page.status_code == 200
        assert len(page.context["my_proposals"]) == len(mine)
        content = page.content.decode()
        for proposal in mine:
            assert escape(proposal.title) in content
        assert led.count() >= 4 and led.values("call").distinct().count() == led.count()
        assert {ProposalStatus.DRAFT, ProposalStatus.IN_REVIEW, ProposalStatus.FUNDED} <= set(
            led.values_list("status", flat=True)
        )
        member_of = TeamMember.objects.filter(user=applicant)
        assert member_of.count() >= 3
        award = Award.objects.get(proposal__pi=applicant)
        assert award.progress_reports.filter(status="submitted").exists()
        assert award.publications.exists() or award.presentations.exists()

    def test_scale_admin_ranking_page_shows_the_ranking_call_with_its_pay_line(self, scale, client):
        call = calls(scale)["ranking"]
        admin = User.objects.get(username="scale-admin")

        sign_in(client, "scale-admin")
        page = client.get(reverse("reviews:ranking", args=[call.pk]))

        assert page.status_code == 200
        shown = page.context["ranking"]
        assert shown.page.paginator.count == call.proposals.count() == min(N // 2, 2000)
        rows = ranking_for(call, user=admin).rows
        assert len(rows) == shown.page.paginator.count
        funded = [row.rank for row in rows if row.decision.outcome == DecisionOutcome.FUNDED]
        assert funded == list(range(1, len(funded) + 1))
        assert 0.15 <= len(funded) / len(rows) <= 0.26
        # Every proposal is decided and what was funded fits: for the administrator the running
        # total is what was awarded, and no pay line is crossed.
        assert shown.pay_line_rank is None
        assert rows[-1].running_total == shown.committed <= call.total_budget
        # The committee, who see requests and not decisions, see the money run out past the
        # funded proposals.
        chair = call.call_review.committee.chair
        committee_rows = ranking_for(call, user=chair).rows
        line = ranking_for(call, user=chair).pay_line_rank
        assert len(funded) < line
        assert call.total_budget < committee_rows[line - 1].running_total

    # ---- The invariants the services keep -----------------------------------------------------

    def test_seed_scale_budgets_add_up_within_the_call_maximum(self, scale):
        totals = dict(
            BudgetLine.objects.values("proposal")
            .annotate(t=Sum("amount"))
            .values_list("proposal", "t")
        )
        for proposal in Proposal.objects.select_related("call"):
            if proposal.pk in totals:
                assert proposal.requested_amount == totals[proposal.pk]
                assert proposal.requested_amount <= proposal.call.max_award
            else:
                assert proposal.requested_amount is None
                assert proposal.status in (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN)
        counts = Counter(BudgetLine.objects.values_list("proposal", flat=True)).values()
        assert min(counts) >= 2 and max(counts) <= 8
        assert not Proposal.objects.filter(
            status__in=SUBMITTED_STATES, requested_amount=None
        ).exists()

    def test_seed_scale_submitted_proposals_were_complete_and_endorsed(self, scale):
        handed_in = Proposal.objects.filter(status__in=SUBMITTED_STATES).select_related(
            "pi__profile", "call"
        )
        for proposal in handed_in:
            for section in proposal.call.required_sections:
                assert getattr(proposal, section), (proposal.pk, section)
            assert proposal.submitted_at < proposal.call.closes_at
            assert proposal.pi.profile.applicant_type in proposal.call.eligible_applicant_types
            if proposal.pi.profile.applicant_type in TRAINEE_TYPES:
                endorsement = Endorsement.objects.get(proposal=proposal)
                assert endorsement.status == EndorsementStatus.ENDORSED
                assert TeamMember.objects.filter(
                    proposal=proposal, role=TeamRole.MENTOR, user=endorsement.mentor
                ).exists()
        pis = Proposal.objects.values("call", "pi").annotate(n=Count("pk")).filter(n__gt=1)
        assert not pis.exists()  # one proposal per applicant and call
        sizes = Counter(
            1 + n for n in Proposal.objects.annotate(n=Count("team")).values_list("n", flat=True)
        )
        assert min(sizes) >= 1 and max(sizes) <= 8 and sizes[1] + sizes[2] > sizes[5] + sizes[6]

    def test_seed_scale_reviews_are_complete_and_panels_computed(self, scale):
        criteria = {
            c: list(Criterion.objects.filter(call_id=c))
            for c in FundingCall.objects.values_list("pk", flat=True)
        }
        for review in Review.objects.filter(status=ReviewStatus.SUBMITTED).select_related(
            "assignment__proposal"
        ):
            call_id = review.assignment.proposal.call_id
            scores = {s.criterion_id: s for s in review.scores.all()}
            assert review.overall_impact and review.submitted_at and review.overall_paragraph
            for criterion in criteria[call_id]:
                score = scores[criterion.pk]
                if criterion.kind == CriterionKind.SCORE:
                    assert 1 <= score.score <= 9
                else:
                    assert score.sufficient is not None
                    assert score.sufficient or score.explanation
        for call in FundingCall.objects.filter(status=CallStatus.DECIDED):
            entries = list(PanelEntry.objects.filter(proposal__call=call))
            discussed = [e for e in entries if e.disposition == PanelDisposition.DISCUSSED]
            assert len(entries) == call.proposals.filter(status__in=REVIEW_STATES).count()
            assert abs(len(discussed) - len(entries) / 2) <= len(entries) / 4
            finals = {}
            for entry in discussed:
                votes = list(FinalScore.objects.filter(entry=entry).values_list("score", flat=True))
                assert entry.final_impact_score == scoring.final_impact_score(votes)
                finals[entry.pk] = entry.final_impact_score
            percentiles = scoring.percentiles(finals)
            for entry in entries:
                assert entry.percentile == percentiles.get(entry.pk)
                if entry.percentile is not None:
                    assert 1 <= entry.percentile <= 100
        # A conflicted member is never assigned and never votes.
        for conflict in calls(scale)["ranking"].proposals.first().conflicts.all():
            assert not Assignment.objects.filter(
                proposal=conflict.proposal, reviewer=conflict.reviewer
            ).exists()

    def test_seed_scale_decisions_fund_within_budget_with_awards(self, scale):
        for proposal in Proposal.objects.filter(status__in=REVIEW_STATES - {"in_review"}):
            decision = Decision.objects.get(proposal=proposal)
            assert decision.outcome == proposal.status
            assert decision.released_at is not None
            if decision.outcome == DecisionOutcome.FUNDED:
                award = Award.objects.get(proposal=proposal)
                assert award.amount == decision.amount <= proposal.requested_amount
                assert award.start_date > decision.decided_at.date()
            else:
                assert not Award.objects.filter(proposal=proposal).exists()
        for call in FundingCall.objects.filter(status=CallStatus.DECIDED):
            awarded = call.awards.aggregate(t=Sum("amount"))["t"]
            assert Decimal(0) < awarded <= call.total_budget
        statuses = set(Award.objects.values_list("status", flat=True))
        assert {AwardStatus.ACTIVE, AwardStatus.CLOSED} <= statuses

    def test_seed_scale_progress_reports_follow_the_award_dates(self, scale):
        past_due = Counter()
        for report in ProgressReport.objects.select_related("award__proposal"):
            award = report.award
            if report.kind == "final":
                assert report.due_date == award.effective_end + timedelta(days=60)
            else:
                assert award.start_date < report.due_date < award.end_date
            if report.status == "submitted":
                assert report.submitted_by_id == award.proposal.pi_id
                assert report.submitted_at < NOW and report.objectives_accomplishments
            if report.due_date < TODAY - timedelta(days=30):
                past_due[report.status] += 1
        # Most reports due a month ago or more are in.
        assert past_due["submitted"] > 2 * past_due["due"]

    def test_seed_scale_outcomes_fall_inside_their_awards_and_never_in_the_future(self, scale):
        for model, field in ((Publication, "published_on"), (Presentation, "presented_on")):
            for item in model.objects.prefetch_related("awards"):
                day = getattr(item, field)
                if day is not None:
                    assert day < TODAY
                    assert outcome_date_problem(day, item.awards.all()) == ""
        for item in FollowOnFunding.objects.prefetch_related("awards"):
            for day in (item.applied_on, item.decided_on):
                assert day is None or (
                    day < TODAY and outcome_date_problem(day, item.awards.all()) == ""
                )
        for record in TraineeOutcome.objects.select_related("award__proposal", "trainee__profile"):
            on_award = (
                record.trainee_id == record.award.proposal.pi_id
                or TeamMember.objects.filter(
                    proposal=record.award.proposal, user=record.trainee
                ).exists()
            )
            assert on_award and record.trainee.profile.applicant_type in TRAINEE_TYPES
            assert (
                record.completion_date is None
                or record.completion_date <= record.recorded_on < TODAY
            )
        assert not StateChange.objects.filter(at__gte=NOW).exists()

    # ---- The NIMHD portfolio and inclusion enrollment ------------------------------------------

    def test_seed_scale_proposals_have_one_to_three_cells_stored_as_the_app_stores_them(
        self, scale
    ):
        complete = list(
            Proposal.objects.exclude(specific_aims="").values_list("nimhd_cells", "nimhd_domains")
        )
        unfinished = Proposal.objects.filter(specific_aims="").values_list("nimhd_cells", flat=True)

        assert len(complete) > N // 2
        for cells, domains in complete:
            assert 1 <= len(cells) <= 3
            assert nimhd_cells_validate(cells) == cells  # known cells, each once, grid order
            assert domains == nimhd_domains_of(cells)
        assert all(
            cells
            for cells in Proposal.objects.exclude(submitted_at=None).values_list(
                "nimhd_cells", flat=True
            )
        )
        assert Counter(len(cells) for cells, _ in complete).keys() == {1, 2, 3}
        assert len({cell for cells, _ in complete for cell in cells}) >= 12
        assert all(cells == [] for cells in unfinished)  # drafts that never reached the grid

    def test_seed_scale_portfolio_grid_counts_every_decided_proposal_in_a_cell(self, scale, client):
        sign_in(client, "scale-admin")
        answer = client.get(reverse("api-portfolio-nimhd"))
        page = client.get(reverse("reporting:portfolio"))

        assert answer.status_code == 200 and page.status_code == 200
        grid = answer.json()
        released = Decision.objects.exclude(released_at=None)
        assert grid["total"]["funded"] == released.filter(outcome="funded").count() > 0
        assert grid["total"]["not_funded"] == released.filter(outcome="not_funded").count() > 0
        assert Decimal(grid["total"]["dollars"]) == Award.objects.aggregate(t=Sum("amount"))["t"]
        assert grid["unclassified"] == {"funded": 0, "dollars": "0.00", "not_funded": 0}
        assert page.context["grid"].total.funded == grid["total"]["funded"]

    def test_seed_scale_enrollment_tables_are_whole_cumulative_and_dated(self, scale):
        planned = {r.award_id: r for r in EnrollmentReport.objects.filter(kind="planned")}
        cumulative = defaultdict(list)
        for table in EnrollmentReport.objects.filter(kind="cumulative").order_by("as_of", "pk"):
            cumulative[table.award_id].append(table)
        awards = Award.objects.count()

        assert 0.6 * awards <= len(planned) < awards
        assert {r.enrolls_humans for r in planned.values()} == {True, False}
        reported = set(
            ProgressReport.objects.filter(status="submitted").values_list("award_id", flat=True)
        )
        enrolling = {pk for pk, r in planned.items() if r.enrolls_humans}
        assert set(cumulative) >= enrolling & reported and len(cumulative) >= 3
        for table in planned.values():
            assert sorted(table.counts) == sorted(ENROLLMENT_CELLS)  # jsonb keeps no key order
            assert all(type(n) is int and n >= 0 for n in table.counts.values())
            assert table.total > 0 if table.enrolls_humans else table.total == 0
        decreases = 0
        for award_id, tables in cumulative.items():
            plan = planned[award_id]
            assert plan.enrolls_humans and 1 <= len(tables) <= 3
            assert plan.created_at < tables[0].created_at
            previous = None
            for table in tables:
                assert sorted(table.counts) == sorted(ENROLLMENT_CELLS)  # jsonb keeps no key order
                assert all(type(n) is int and n >= 0 for n in table.counts.values())
                assert table.as_of < TODAY and table.created_at < NOW
                assert totals(table.counts)["all"] == table.total
                if previous is not None:
                    assert table.as_of > previous.as_of
                    fell = [k for k in ENROLLMENT_CELLS if table.count(k) < previous.count(k)]
                    assert bool(fell) == bool(table.reason_for_decrease)
                    decreases += bool(fell)
                    if not fell:
                        assert table.total >= previous.total
                else:
                    assert table.reason_for_decrease == ""
                previous = table
        assert decreases < len(cumulative) / 5
        # A cumulative table comes with each submitted progress report of an enrolling award.
        for award_id in cumulative:
            days = {
                report.submitted_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
                for report in ProgressReport.objects.filter(award_id=award_id, status="submitted")
            }
            assert days <= {table.as_of for table in cumulative[award_id]}

    def test_seed_scale_enrollment_tables_pass_the_services_checks(self, scale):
        """Each award's tables, removed and entered again in order through the services (every
        total stated), are accepted and come out the same."""
        tables = defaultdict(list)
        for table in EnrollmentReport.objects.select_related("award__proposal").order_by(
            "as_of", "pk"
        ):
            tables[table.award].append(table)

        def shape(rows):
            return [
                (r.kind, r.enrolls_humans, r.as_of, r.counts, r.reason_for_decrease) for r in rows
            ]

        for award, rows in tables.items():
            rows.sort(key=lambda r: r.kind != EnrollmentKind.PLANNED)  # planned first
            before = shape(rows)
            pi = award.proposal.pi
            EnrollmentReport.objects.filter(award=award).delete()
            for kind, enrolls, as_of, counts, reason in before:
                sums = totals(counts)
                data = {"counts": counts, "totals": {key: sums[key] for key in TOTAL_KEYS}}
                if kind == EnrollmentKind.PLANNED:
                    reporting_services.enrollment_planned_save(
                        actor=pi, award=award, data={**data, "enrolls_humans": enrolls}
                    )
                else:
                    reporting_services.enrollment_cumulative_submit(
                        actor=pi,
                        award=award,
                        data={**data, "as_of": as_of, "reason_for_decrease": reason},
                    )
            after = EnrollmentReport.objects.filter(award=award).order_by("as_of", "pk")
            assert sorted(shape(after), key=lambda r: r[0] != "planned") == before

    def test_seed_scale_program_enrollment_page_adds_up_the_latest_tables(self, scale, client):
        latest = {}
        for table in EnrollmentReport.objects.filter(kind="cumulative").order_by("as_of", "pk"):
            latest[table.award_id] = table
        planned = EnrollmentReport.objects.filter(kind="planned")

        sign_in(client, "scale-admin")
        page = client.get(reverse("reporting:enrollment_program"))

        assert page.status_code == 200
        summary = page.context["summary"]
        assert summary["awards"] == Award.objects.count()
        assert summary["with_plan"] == planned.count()
        assert summary["reporting"] == len(latest) > 0
        assert sum(summary["actual"].values()) == sum(t.total for t in latest.values())
        assert sum(summary["planned"].values()) == sum(t.total for t in planned)

    def test_seed_scale_rows_pass_field_validation(self, scale):
        for model in [
            User,
            Profile,
            Demographics,
            FundingCall,
            Proposal,
            BudgetLine,
            TeamMember,
            Review,
            CriterionScore,
            Award,
            *OUTCOMES,
        ]:
            relations = [
                f.name
                for f in model._meta.fields
                if isinstance(f, models.ForeignKey | models.OneToOneField)
            ]
            for item in model.objects.all():
                item.clean_fields(exclude=[*relations, "password"])

    def test_seed_scale_history_shows_submission_and_decision(self, scale):
        history = StateChange.objects.filter(content_type__model="proposal")
        decided = Proposal.objects.filter(status__in=REVIEW_STATES - {"in_review"})

        submitted_ids = set(
            history.filter(to_state="submitted").values_list("object_id", flat=True)
        )
        assert (
            set(Proposal.objects.exclude(submitted_at=None).values_list("pk", flat=True))
            <= submitted_ids
        )
        released = set(
            history.filter(reason="Decision released.").values_list("object_id", flat=True)
        )
        assert set(decided.values_list("pk", flat=True)) <= released

    def test_seed_scale_tables_keep_taking_new_rows_through_the_services(self, scale):
        applicant = User.objects.get(username="scale-applicant")
        award = Award.objects.get(proposal__pi=applicant)
        before = Publication.objects.count()

        publication = reporting_services.publication_create(
            actor=applicant,
            awards=[award],
            data={
                "title": "A new paper",
                "doi": "10.5555/new.paper",
                "published_on": award.start_date,
            },
        )

        assert Publication.objects.count() == before + 1
        assert list(publication.awards.all()) == [award]

    def test_seed_scale_hrsa_report_for_the_period_has_people_and_outcomes(self, scale):
        report = build_report(parse_period(scale["report_period"]))

        assert not report.failed
        for key in ("projects", "lr1", "lr2", "dv1", "dv2"):
            assert report.table(key).rows, key
        assert report.table("lr1").cell("Total", "total") > 0
        assert report.table("dv1").cell("Total", "total") > 0
        assert report.table("summary").cell("Publications", "value") > 0
        assert report.table("summary").cell("Presentations", "value") > 0
        assert report.table("pc10_counts").cell("Total", "total") > 0


# ---- Reproducibility, refusals --------------------------------------------------------------


def digest() -> str:
    """Everything seeded, by natural keys (usernames, call titles), never by id."""
    key = ("call__title", "pi__username")
    queries = [
        User.objects.values_list(
            "username",
            "first_name",
            "last_name",
            "date_joined",
            "profile__applicant_type",
            "profile__orcid",
            "demographics__race_ethnicity",
            "demographics__sex",
            "demographics__birth_year",
        ),
        FundingCall.objects.values_list(
            "title", "status", "opens_at", "closes_at", "total_budget", "max_award"
        ),
        Proposal.objects.values_list(
            *key,
            "title",
            "status",
            "requested_amount",
            "created_at",
            "submitted_at",
            "updated_at",
            "abstract",
        ),
        BudgetLine.objects.values_list(
            "proposal__call__title", "proposal__pi__username", "category", "amount"
        ),
        TeamMember.objects.values_list(
            "proposal__call__title", "proposal__pi__username", "user__username", "role", "full_name"
        ),
        Review.objects.values_list(
            "assignment__proposal__call__title",
            "assignment__proposal__pi__username",
            "assignment__reviewer__username",
            "assignment__role",
            "status",
            "overall_impact",
            "submitted_at",
        ),
        CriterionScore.objects.values_list(
            "review__assignment__proposal__pi__username",
            "review__assignment__reviewer__username",
            "criterion__call__title",
            "criterion__name",
            "score",
            "sufficient",
        ),
        PanelEntry.objects.values_list(
            "proposal__call__title",
            "proposal__pi__username",
            "disposition",
            "final_impact_score",
            "percentile",
        ),
        Decision.objects.values_list(
            "proposal__call__title",
            "proposal__pi__username",
            "outcome",
            "amount",
            "decided_at",
            "released_at",
        ),
        Award.objects.values_list(
            "proposal__call__title",
            "proposal__pi__username",
            "amount",
            "start_date",
            "end_date",
            "status",
            "ended_on",
        ),
        ProgressReport.objects.values_list(
            "award__proposal__call__title",
            "award__proposal__pi__username",
            "kind",
            "due_date",
            "status",
            "submitted_at",
        ),
        Publication.objects.values_list(
            "title", "doi", "pmid", "journal", "published_on", "awards__proposal__pi__username"
        ),
        Presentation.objects.values_list(
            "title", "venue", "presented_on", "level", "awards__proposal__pi__username"
        ),
        FollowOnFunding.objects.values_list(
            "sponsor", "mechanism", "amount", "status", "applied_on", "decided_on"
        ),
        TraineeOutcome.objects.values_list(
            "trainee__username", "recorded_on", "position", "practicing_underserved"
        ),
        Partnership.objects.values_list(
            "award__proposal__pi__username", "organisation", "partner_type", "purpose"
        ),
        StateChange.objects.values_list(
            "content_type__model", "from_state", "to_state", "actor__username", "reason", "at"
        ),
    ]
    hashed = hashlib.sha256()
    for query in queries:
        for row in sorted(map(repr, query)):
            hashed.update(row.encode())
    return hashed.hexdigest()


def seeded_digest(*args: str) -> str:
    """Seed, take the digest, and roll the seed back."""
    with transaction.atomic():
        seed("--proposals=120", f"--today={TODAY}", "--json", *args)
        result = digest()
        transaction.set_rollback(True)
    return result


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_seed_scale_same_seed_and_day_give_the_same_data(debug):
    first = seeded_digest("--seed=7")

    assert Proposal.objects.count() == 0
    assert seeded_digest("--seed=7") == first
    assert seeded_digest("--seed=8") != first


@pytest.mark.django_db
def test_seed_scale_refuses_a_database_that_holds_proposals(debug):
    make_proposal()

    with pytest.raises(CommandError, match="already holds proposals"):
        seed("--proposals=120")

    assert Proposal.objects.count() == 1


@pytest.mark.django_db
def test_seed_scale_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed("--proposals=120")

    assert User.objects.count() == 0


@pytest.mark.django_db
def test_seed_scale_refuses_too_few_proposals_and_a_bad_day(debug):
    with pytest.raises(CommandError, match="at least 100"):
        seed("--proposals=99")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        seed("--proposals=120", "--today=5 October")


@pytest.mark.django_db
def test_seed_scale_prints_a_short_summary_without_json(debug):
    output = seed("--proposals=120", f"--today={TODAY}")

    assert output.startswith("Seeded in ")
    assert "120 proposals" in output
    assert "scale-admin" in output
