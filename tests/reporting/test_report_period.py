"""The HRSA report page opens on the last completed academic year, the one a report is filed
for; the current, unfinished year is marked as such when chosen."""

from datetime import date

import pytest
from django.urls import reverse

from reporting.hrsa.periods import current_period, last_completed_period
from tests.reporting.support import simple_award
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def test_the_last_completed_year_turns_over_on_july_first():
    assert last_completed_period(date(2026, 6, 30)).label == "2024-2025"
    assert last_completed_period(date(2026, 7, 1)).label == "2025-2026"


def test_the_page_opens_on_the_last_completed_year():
    _, admin = simple_award(start=date(2024, 9, 1), end=date(2026, 8, 31))

    response = signed_in(admin).get(reverse("reporting:report"))

    assert response.context["period"] == last_completed_period()
    assert response.context["form"]["period"].value() == last_completed_period().label
    assert "This academic year is not over" not in response.content.decode()


def test_choosing_the_current_year_says_it_is_unfinished():
    _, admin = simple_award(start=date(2024, 9, 1), end=date(2026, 8, 31))

    response = signed_in(admin).get(reverse("reporting:report"), {"period": current_period().label})

    assert "This academic year is not over" in response.content.decode()


def test_a_program_younger_than_a_year_opens_on_its_only_year():
    start = current_period().start
    _, admin = simple_award(start=start, end=date(start.year + 1, 6, 30))

    response = signed_in(admin).get(reverse("reporting:report"))

    assert response.context["period"] == current_period()
