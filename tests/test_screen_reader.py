"""Defects found by listening to the journeys with Orca (docs/screen-reader.md), each pinned by
the markup that fixes it."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with ``element_id``."""
    match = re.search(rf'<[a-z]+[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def describedby(html: str, element_id: str) -> list[str]:
    match = re.search(r'aria-describedby="([^"]*)"', tag(html, element_id))
    return match.group(1).split() if match else []


def test_the_header_says_signed_in_as_then_a_space_then_the_name():
    # Orca read "Signed in asElena Ramírez": Chromium drops a plain space at either edge of a
    # visually hidden span, so the span ends with a no-break space.
    user = make_user("elena")
    html = signed_in(user).get(reverse("dashboard")).content.decode()

    assert f'<span class="visually-hidden">Signed in as&nbsp;</span>{user.display_name}' in html
