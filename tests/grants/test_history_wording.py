"""Histories say states as people read them: "Active → No-cost extension", never the stored
"active → no_cost_extension"."""

import pytest
from django.test import Client
from django.urls import reverse

from grants import selectors, services
from grants.choices import AwardStatus
from tests.factories import make_submitted_proposal
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db


def test_the_award_page_names_the_states_of_a_no_cost_extension():
    award, admin = simple_award()
    services.award_transition(
        award=award,
        to=AwardStatus.NO_COST_EXTENSION,
        actor=admin,
        new_end_date=award.end_date.replace(year=award.end_date.year + 1),
    )
    client = Client()
    client.force_login(admin)

    body = client.get(reverse("reporting:award_detail", args=[award.pk])).content.decode()

    assert "Active → No-cost extension" in body
    assert "active → no_cost_extension" not in body
    end, new_end = award.end_date, award.end_date.replace(year=award.end_date.year + 1)
    assert f"Extended from {end:%b} {end.day}, {end.year} to {new_end:%b} {new_end.day}," in body


def test_the_proposal_history_names_its_states():
    proposal = make_submitted_proposal()
    client = Client()
    client.force_login(proposal.pi)

    body = client.get(reverse("grants:proposal_detail", args=[proposal.pk])).content.decode()

    assert "Draft → Submitted" in body
    assert "created as Draft" in body


def test_labels_come_from_the_subjects_choices_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    proposal = make_submitted_proposal()
    history = list(selectors.state_history(proposal))

    with django_assert_max_num_queries(1):
        labels = [(h.from_label, h.to_label) for h in history]

    assert labels == [("", "Draft"), ("Draft", "Submitted")]
