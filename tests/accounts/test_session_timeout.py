"""The warning before the idle sign-out (WCAG 2.2.1): its keep-alive endpoint and the dialog
every signed-in page carries. tests/e2e/test_session_timeout.py drives it in Chromium."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

URL = "/accounts/session/keep-alive/"


def test_keep_alive_answers_the_time_the_session_now_has(settings):
    settings.SESSION_COOKIE_AGE = 900
    client = signed_in(make_user())

    response = client.post(URL, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"expires_in": 900}
    assert response["Cache-Control"].startswith("max-age=0")


def test_keep_alive_after_the_session_ended_says_signed_out():
    from django.test import Client

    response = Client().post(URL, HTTP_ACCEPT="application/json")

    assert response.status_code == 401
    assert response.json() == {"detail": "You have been signed out."}


def test_without_the_script_the_button_returns_to_the_page():
    client = signed_in(make_user())

    response = client.post(URL, {"next": "/accounts/profile/"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/profile/")


def test_keep_alive_does_not_send_people_to_other_sites():
    client = signed_in(make_user())

    response = client.post(URL, {"next": "https://evil.example/"})

    assert response["Location"] == reverse("dashboard")


def test_keep_alive_is_post_only():
    assert signed_in(make_user()).get(URL).status_code == 405


def test_signed_in_pages_carry_the_warning_with_the_idle_time(settings):
    settings.SESSION_COOKIE_AGE = 1200
    html = signed_in(make_user()).get(reverse("dashboard")).content.decode()

    assert 'id="session-timeout"' in html
    assert 'data-seconds="1200"' in html
    assert "js/session-timeout.js" in html


def test_the_sign_in_page_has_no_warning():
    from django.test import Client

    html = Client().get(reverse("login")).content.decode()

    assert "session-timeout" not in html
