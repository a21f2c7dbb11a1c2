"""What issue 16 found wrong, checked in the browser so it fails if it comes back: an overdue
report reads "Overdue" to its awardee, and the chair's assignment board names a declared
conflict, never offers that reviewer, preselects nobody, and offers no start to a review
nobody is assigned to."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reporting import services as reporting_services
from reporting.models import ProgressReport
from reviews import services as review_services
from reviews.choices import ConflictReason
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, make_review_setup
from tests.reporting.support import simple_award

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def test_an_overdue_report_says_overdue_to_its_awardee(page):
    today = timezone.localdate()
    award, _admin = simple_award(start=today - timedelta(days=200), end=today + timedelta(days=200))
    reporting_services.progress_reports_schedule(award=award)
    ProgressReport.objects.filter(award=award, kind="interim").update(
        due_date=today - timedelta(days=30)
    )
    pi = with_password(award.proposal.pi)

    sign_in(page, pi.username, PASSWORD)
    dashboard = page.locator("main").inner_text()
    page.goto(f"/awards/{award.pk}/")
    award_page = page.locator("main").inner_text()

    assert "overdue since" in dashboard and "Overdue" in award_page
    assert not re.search(r"Interim progress report\s+Due", award_page)
    check_accessibility(page, "award with an overdue report")


def test_the_assignment_board_names_conflicts_and_preselects_nothing(page):
    setup = make_review_setup(proposals=2, members=3)
    first = setup.proposals[0]
    declares = setup.members[0]
    review_services.conflict_declare(
        proposal=first, reviewer=declares, actor=declares, reason=ConflictReason.COLLABORATOR
    )
    with_password(setup.chair)

    sign_in(page, setup.chair.username, PASSWORD)
    page.goto(f"/review/calls/{setup.call.pk}/")
    row = page.locator("tr", has_text=f"NS-{first.pk} ")
    add = row.locator("select").first

    assert declares.display_name in row.inner_text()
    assert declares.display_name not in add.inner_text()
    assert add.input_value() == ""  # nothing chosen until the chair chooses
    assert page.get_by_role("button", name="Move to independent review").count() == 0
    assert "no proposal has a reviewer yet" in page.locator("main").inner_text()
    check_accessibility(page, "assignment board with a declared conflict")
