"""Test clients signed in as someone."""

from django.test import Client


def signed_in(user) -> Client:
    """A browser session of ``user`` (no password, no two-factor step)."""
    client = Client()
    client.force_login(user)
    return client
