"""The seeded demo, shared by the demo's test modules."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from demo.clock import STORY_YEAR
from grants.models import FundingCall
from reporting.hrsa.periods import current_period, period_of


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for a class of tests (seeding takes seconds). Each test still runs in its own
    savepoint, and the seed itself is rolled back when the class is done."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True,
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


def decided_call(spec) -> FundingCall:
    """The loaded call of a decided round: its title names the first year of its academic year,
    the story's dates moved with the calendar as the loader moves them."""
    shift = current_period().previous.first_year - STORY_YEAR
    closes = spec.times["closes"]["on"]
    year = period_of(closes.replace(year=closes.year + shift)).first_year
    return FundingCall.objects.get(title=spec.title.format(year=year))
