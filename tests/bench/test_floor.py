"""The framework-floor view that ``make bench`` compares every page against."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from config.floor import MAX_ROWS, floor
from tests.factories import make_admin, make_proposal, make_user

pytestmark = pytest.mark.django_db


def get(user, **query):
    request = RequestFactory().get("/_bench/floor/", query)
    request.user = user
    return floor(request)


def test_floor_is_not_mounted_unless_the_benchmark_asks():
    with pytest.raises(Resolver404):
        resolve("/_bench/floor/")


def test_floor_returns_the_asked_number_of_proposal_rows_as_json():
    proposals = [make_proposal() for _ in range(3)]

    two = json.loads(get(make_admin(), rows="2").content)
    many = json.loads(get(make_admin(), rows=str(MAX_ROWS * 10)).content)
    garbage = json.loads(get(make_admin(), rows="lots").content)

    assert two["count"] == 2
    assert [row["id"] for row in two["results"]] == [p.pk for p in proposals[:2]]
    assert set(two["results"][0]) == {"id", "title", "status", "submitted_at"}
    assert many["count"] == 3  # capped at MAX_ROWS, and there are three
    assert garbage["count"] == 3  # the default of 25


def test_floor_shows_nothing_to_anyone_but_administrators():
    make_proposal()

    anonymous = get(AnonymousUser())

    assert anonymous.status_code == 302  # to the sign-in page
    with pytest.raises(Http404):
        get(make_user())
