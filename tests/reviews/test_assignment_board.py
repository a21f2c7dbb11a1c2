"""The chair's assignment board tells who may not review a proposal and offers only those
who may; nothing consequential is preselected or one stray click away."""

import re

import pytest
from django.urls import reverse

from grants.choices import TeamRole
from grants.models import TeamMember
from reviews import services
from reviews.choices import ConflictReason
from tests.factories import make_review_setup
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def board(setup):
    return signed_in(setup.chair).get(reverse("reviews:call_manage", args=[setup.call.pk]))


def row_of(html: str, proposal) -> str:
    return re.search(rf"<tr>\s*<td>NS-{proposal.pk} .*?</tr>", html, re.S).group(0)


def options(select_html: str) -> list[str]:
    return re.findall(r'<option value="(\d*)"', select_html)


@pytest.fixture
def setup():
    setup = make_review_setup(proposals=2, members=3)
    first = setup.proposals[0]
    on_team, declares, free = setup.members
    # A committee member on the proposal's team (an automatic conflict, never declared; the
    # team is frozen once submitted, so the row is written directly) ...
    TeamMember.objects.create(proposal=first, user=on_team, role=TeamRole.CO_INVESTIGATOR)
    # ... and one who declared a conflict.
    services.conflict_declare(
        proposal=first, reviewer=declares, actor=declares, reason=ConflictReason.COLLABORATOR
    )
    setup.on_team, setup.declares, setup.free = on_team, declares, free
    return setup


def test_the_conflicts_column_names_automatic_and_declared_conflicts(setup):
    html = board(setup).content.decode()
    row = row_of(html, setup.proposals[0])

    assert f"{setup.on_team.display_name} (member of the proposal" in row
    assert f"{setup.declares.display_name} (" in row
    assert "None known" in row_of(html, setup.proposals[1])


def test_the_add_list_offers_only_members_without_a_conflict_and_preselects_none(setup):
    html = board(setup).content.decode()
    add = re.search(r'<select id="add-\d+".*?</select>', row_of(html, setup.proposals[0]), re.S)

    offered = options(add.group(0))
    assert offered[0] == "" and str(setup.free.pk) in offered
    assert str(setup.on_team.pk) not in offered and str(setup.declares.pk) not in offered
    assert '<option value="" selected>' in add.group(0)
    assert "required" in add.group(0)


def test_an_empty_choice_assigns_nobody(setup):
    client = signed_in(setup.chair)
    proposal = setup.proposals[1]

    client.post(
        reverse("reviews:assignment_add", args=[setup.call.pk, proposal.pk]), {"reviewer": ""}
    )

    assert proposal.review_assignments.count() == 0


def test_moving_to_independent_review_asks_first_and_counts_the_unstaffed(setup):
    services.assignment_create(proposal=setup.proposals[1], reviewer=setup.free, actor=setup.chair)
    html = board(setup).content.decode()

    assert "1 proposal has no reviewer yet." in html
    form = re.search(
        r'<form[^>]*data-confirm="Move this call.s review to independent review[^"]*"', html
    )
    assert form and "1 proposal still has no reviewer." in form.group(0)


def test_the_conflict_form_chooses_no_reason_in_advance(setup):
    from reviews.forms import ConflictForm

    field = ConflictForm().fields["reason"]
    assert field.choices[0][0] == "" and field.initial is None
