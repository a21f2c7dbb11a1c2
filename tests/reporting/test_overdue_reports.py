"""A progress report whose due date has passed says "Overdue" wherever its awardee or the
program office reads about it — never "Due", as if it were still ahead."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.models import ProgressReport
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def late_report():
    """An award whose interim report was due a month ago and one whose final report is ahead."""
    today = timezone.localdate()
    award, admin = simple_award(start=today - timedelta(days=200), end=today + timedelta(days=200))
    services.progress_reports_schedule(award=award)
    interim = ProgressReport.objects.get(award=award, kind="interim")
    ProgressReport.objects.filter(pk=interim.pk).update(due_date=today - timedelta(days=30))
    interim.refresh_from_db()
    return interim, admin


def test_the_report_knows_it_is_overdue_and_a_future_one_is_due(late_report):
    interim, _ = late_report
    final = ProgressReport.objects.get(award=interim.award, kind="final")

    assert (interim.standing, final.standing) == ("Overdue", "Due")


def test_a_submitted_report_past_its_due_date_is_submitted_not_overdue(late_report):
    interim, _ = late_report
    ProgressReport.objects.filter(pk=interim.pk).update(status="submitted")
    interim.refresh_from_db()

    assert interim.standing == "Submitted"


def test_the_awardees_pages_say_overdue(late_report):
    interim, _ = late_report
    award = interim.award
    client = client_for(award.proposal.pi)

    dashboard = client.get(reverse("dashboard")).content.decode()
    award_page = client.get(reverse("reporting:award_detail", args=[award.pk])).content.decode()
    report_page = client.get(
        reverse("reporting:progress_report", args=[award.pk, interim.pk])
    ).content.decode()
    award_list = client.get(reverse("reporting:award_list")).content.decode()

    assert "<strong>overdue</strong> since" in dashboard
    assert "<strong>Overdue</strong>" in award_page
    assert "<strong>Overdue</strong>" in report_page
    assert "<strong>Overdue</strong>" in award_list


def test_report_titles_do_not_say_progress_report_twice(late_report):
    interim, _ = late_report
    award = interim.award
    client = client_for(award.proposal.pi)

    pages = [
        client.get(reverse("dashboard")),
        client.get(reverse("reporting:progress_report", args=[award.pk, interim.pk])),
    ]

    assert all(b"progress report progress report" not in p.content for p in pages)
    assert b"Interim progress report for" in pages[0].content


def test_the_administrators_dashboard_counts_the_overdue_reports(late_report):
    _, admin = late_report

    response = client_for(admin).get(reverse("dashboard"))

    assert response.context["overdue_reports"] == 1
    assert "1 progress report overdue" in response.content.decode()


def test_nothing_overdue_shows_no_overdue_line(late_report):
    interim, admin = late_report
    ProgressReport.objects.filter(pk=interim.pk).update(
        due_date=timezone.localdate() + timedelta(days=5)
    )

    response = client_for(admin).get(reverse("dashboard"))

    assert response.context["overdue_reports"] == 0
    assert "overdue" not in response.content.decode()
