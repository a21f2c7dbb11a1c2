"""The seeded demo's NIH inclusion enrollment and pilot outcomes (issue #18): each award's planned
table and a cumulative table with each progress report, on the award's page (its PI) and the
program's (the administrator), and the program dashboard's pilot outcomes, which the earlier
rounds' ended awards fill."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.content import load_demo
from demo.management.commands.seed_demo import OPEN_CALL_TITLE
from grants.models import Award
from reporting.choices import EnrollmentKind, ProgressReportStatus
from reporting.enrollment import totals
from reporting.hrsa import current_period
from reporting.models import EnrollmentReport, ProgressReport
from reporting.pilot_outcomes import pilot_outcomes
from reporting.selectors import enrollment_for_award, enrollment_program
from tests.demo.conftest import decided_call

DEMO = load_demo()
PREVIOUS = current_period().previous
DECIDED_CALL_TITLE = f"{PREVIOUS.first_year} {OPEN_CALL_TITLE}"


def enrollment_of(call_spec, pi: str):
    """The data file's enrollment plan of ``pi``'s award in that call."""
    return next(p for p in call_spec.proposals if p.pi == pi).award.enrollment


def comparison_row(label: str, planned: int, actual: int) -> str:
    """A row of the planned-against-actual table as the pages print it."""
    sign = "+" if actual > planned else ""
    return (
        f'<th scope="row">{label}</th><td class="num">{planned}</td>'
        f'<td class="num">{actual}</td><td class="num">{sign}{actual - planned}</td>'
    )


@pytest.mark.django_db
class TestSeededEnrollmentAndPilotOutcomes:
    def test_every_award_has_a_planned_table_and_a_cumulative_one_with_each_report(self, demo):
        awards = list(Award.objects.select_related("proposal__pi"))

        assert len(awards) == 13
        for award in awards:
            planned, cumulative = enrollment_for_award(award)
            submitted = ProgressReport.objects.filter(
                award=award, status=ProgressReportStatus.SUBMITTED
            )
            assert planned is not None, award
            assert planned.created_by == award.proposal.pi
            if not planned.enrolls_humans:
                assert (planned.total, cumulative) == (0, [])
                continue
            assert planned.total > 0
            # Dated as of the day each report was submitted, newest first.
            assert [table.as_of for table in cumulative] == sorted(
                (timezone.localtime(r.submitted_at).date() for r in submitted), reverse=True
            )
            assert {table.created_by for table in cumulative} <= {award.proposal.pi}
        nobody = EnrollmentReport.objects.filter(kind=EnrollmentKind.PLANNED, enrolls_humans=False)
        assert [t.award.proposal.title for t in nobody] == [
            DEMO.topics["indoor_air_buildings"].title
        ]

    def test_the_pi_sees_planned_against_actual_on_the_awards_enrollment_page(self, demo, client):
        faculty1 = User.objects.get(username="faculty1")
        award = Award.objects.get(call__title=DECIDED_CALL_TITLE, proposal__pi=faculty1)
        plan = enrollment_of(DEMO.calls["past"], "faculty1")
        planned, (actual, _) = totals(plan.planned), plan.cumulative["interim"]
        actual = totals(actual)
        client.force_login(faculty1)

        page = client.get(reverse("reporting:award_enrollment", args=[award.pk]))

        html = page.content.decode()
        assert page.status_code == 200
        assert page.context["planned"].total == planned["all"] == 60
        assert page.context["latest"].total == actual["all"] == 35
        assert comparison_row("Total", 60, 35) in html
        # A study of Latina women: most of those planned and enrolled are Hispanic or Latino.
        hispanic = (planned["ethnicity:hispanic"], actual["ethnicity:hispanic"])
        assert comparison_row("Hispanic or Latino", *hispanic) in html
        assert hispanic[0] > planned["all"] / 2 and hispanic[1] > actual["all"] / 2
        as_of = page.context["latest"].as_of
        assert f"As of {as_of:%b} {as_of.day}, {as_of.year}: 35 enrolled" in html

    def test_a_decrease_is_shown_with_its_reason_and_an_unenrolling_project_says_so(
        self, demo, client
    ):
        student1 = User.objects.get(username="student1")
        award = Award.objects.get(call__title=DECIDED_CALL_TITLE, proposal__pi=student1)
        (_, reason) = enrollment_of(DEMO.calls["past"], "student1").cumulative["final"]
        faculty3 = User.objects.get(username="faculty3")
        air = Award.objects.get(proposal__title=DEMO.topics["indoor_air_buildings"].title)

        client.force_login(student1)
        wounds = client.get(reverse("reporting:award_enrollment", args=[award.pk]))
        client.force_login(faculty3)
        nobody = client.get(reverse("reporting:award_enrollment", args=[air.pk]))

        assert [t.total for t in wounds.context["cumulative"]] == [148, 85]
        assert f"(decrease: {reason})" in wounds.content.decode()
        assert nobody.status_code == 200
        assert nobody.context["comparison_caption"] == (
            "Planned (enrolls nobody) against cumulative actual (none submitted yet)"
        )

    def test_the_program_enrollment_page_adds_up_the_awards_for_the_administrator(
        self, demo, client
    ):
        plans = [
            plan.award.enrollment
            for call in DEMO.decided_calls()
            for plan in call.proposals
            if plan.award
        ]
        planned = sum(sum(p.planned.values()) for p in plans)
        # Each award's latest table: the final one when there is one.
        latest = [p.cumulative.get("final", p.cumulative.get("interim")) for p in plans]
        actual = sum(sum(table[0].values()) for table in latest if table)
        client.force_login(User.objects.get(username="admin"))

        page = client.get(reverse("reporting:enrollment_program"))

        html = page.content.decode()
        summary = page.context["summary"]
        assert page.status_code == 200
        assert summary == enrollment_program()
        assert (summary["awards"], summary["with_plan"], summary["reporting"]) == (13, 13, 11)
        assert sum(summary["planned"].values()) == planned > 0
        assert sum(summary["actual"].values()) == actual > 0
        assert "13 awards, 13 with a planned table, 11 with a cumulative table." in html
        assert comparison_row("Total", planned, actual) in html

    def test_the_dashboard_shows_the_pilot_outcomes_of_the_ended_awards(self, demo, client):
        expected = pilot_outcomes(timezone.localdate())
        client.force_login(User.objects.get(username="admin"))

        page = client.get(reverse("reporting:dashboard"))

        html = page.content.decode()
        assert page.status_code == 200
        assert page.context["pilot"].as_dict() == expected.as_dict()
        one, two, three = expected.overall.cells
        assert one.awards >= two.awards >= three.awards > 0
        assert 0 < one.publication_share < 100 and 0 < one.funding_share < 100
        assert one.ratio > 0 and two.publication_share > 0
        # Every award of the earlier rounds ended at least a year ago, whatever today is.
        for spec in (r.call for r in DEMO.earlier):
            row = expected.row("call", str(decided_call(spec).pk))
            assert row.cells[0].awards == len([p for p in spec.proposals if p.award])
        section = html.split('id="pilot-heading"')[1].split("</section>")[0]
        for years, cell in zip((1, 2, 3), expected.overall.cells, strict=True):
            ago = f"{years} year{'s' if years > 1 else ''} ago"
            assert (
                f'<th scope="row">{ago}</th><td class="num">{cell.awards}</td>'
                f'<td class="num">{cell.publication_share}%</td>'
            ) in section
        assert section.count('<table class="pilot-table">') == 3
        assert "No award ended at least a year ago." not in section

    def test_the_pilot_outcomes_workbook_has_the_same_rows(self, demo, client):
        from openpyxl import load_workbook

        expected = pilot_outcomes(timezone.localdate())
        client.force_login(User.objects.get(username="admin"))

        response = client.get(reverse("reporting:pilot_outcomes_xlsx"))

        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content))["Pilot outcomes"]
        rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
        overall = rows["All awards"]
        assert [overall[2], overall[6], overall[10]] == [c.awards for c in expected.overall.cells]
