"""A call's shape (blind review, a letter-of-intent stage) is chosen while it is a draft
(docs/invariants.md, "A call's shape is chosen before it opens"): the admin offers it on a
draft and shows it read-only after."""

import pytest
from django.urls import reverse

from grants.choices import CallStatus
from grants.models import FundingCall
from tests.factories import make_call
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(django_user_model):
    return django_user_model.objects.create_superuser("office", "office@example.edu", "x")


def change_form(office, call):
    return signed_in(office).get(reverse("admin:grants_fundingcall_change", args=(call.pk,)))


def posted(office, call) -> dict:
    """The change form as the browser posts it back, unchanged."""
    form = change_form(office, call).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = value
    for name in ("opens_at", "closes_at"):
        moment = getattr(call, name)
        data.pop(name, None)
        data[f"{name}_0"] = moment.strftime("%Y-%m-%d")
        data[f"{name}_1"] = moment.strftime("%H:%M:%S")
    return data


def post_without_blind(office, call):
    data = {k: v for k, v in posted(office, call).items() if k != "blind_review"}
    return signed_in(office).post(reverse("admin:grants_fundingcall_change", args=(call.pk,)), data)


def test_a_draft_call_offers_the_setting_and_unticking_it_saves(office):
    call = make_call(status=CallStatus.DRAFT, blind_review=True)

    form = change_form(office, call).context["adminform"].form
    response = post_without_blind(office, call)

    assert "blind_review" in form.fields
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert FundingCall.objects.get(pk=call.pk).blind_review is False


@pytest.mark.parametrize(
    "status", [CallStatus.OPEN, CallStatus.CLOSED, CallStatus.IN_REVIEW, CallStatus.DECIDED]
)
def test_past_draft_the_setting_is_read_only_and_a_posted_change_is_ignored(office, status):
    call = make_call(status=status, blind_review=True)
    response = change_form(office, call)

    saved = post_without_blind(office, call)

    assert "blind_review" not in response.context["adminform"].form.fields
    assert "Blind review" in response.content.decode()
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert FundingCall.objects.get(pk=call.pk).blind_review is True


def test_an_open_two_stage_call_cannot_be_made_one_stage_and_a_draft_can(office):
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.now() + timedelta(hours=1)
    open_call = make_call(status=CallStatus.OPEN, letter_of_intent=True, letters_close_at=due)
    draft = make_call(status=CallStatus.DRAFT, letter_of_intent=True, letters_close_at=due)

    open_form = change_form(office, open_call).context["adminform"].form
    draft_form = change_form(office, draft).context["adminform"].form

    assert "letter_of_intent" not in open_form.fields
    assert "letter_of_intent" in draft_form.fields
    assert "letters_close_at" in open_form.fields  # a deadline may still move
