"""Several funding decisions at once ("fund ranks 1–3 as requested") from the compact ranking,
with a confirmation that shows the money; all or none, on the page and the API."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from grants import services as grant_services
from grants.choices import DecisionOutcome, TeamRole
from grants.models import Award, Decision, TeamMember
from reviews import selectors
from reviews.choices import ReviewPhase
from tests.factories import make_admin, move_review_to
from tests.reviews.test_views import finalize, flashed, review_all, review_setup, staffed_by_hand
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def ranked():
    """Four proposals of $15,000 each, ranked in the order created (final scores 2, 3, 4, 5),
    under a $50,000 budget: three fit, the fourth does not. The review is closed."""
    setup = staffed_by_hand(review_setup(proposals=4, members=3, total_budget=Decimal("50000")))
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    for score, proposal in enumerate(setup.proposals, start=2):
        finalize(setup, proposal, [score, score])
    move_review_to(setup, ReviewPhase.CLOSED)
    return setup


def confirm_url(setup) -> str:
    return reverse("reviews:decide_many", args=[setup.call.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


# ---- The ranking page ------------------------------------------------------------------------


def test_the_ranking_is_one_compact_row_per_proposal_with_what_is_left(ranked):
    first = ranked.proposals[0]
    grant_services.decision_record(proposal=first, actor=ranked.admin, outcome="funded")

    response = signed_in(ranked.admin).get(reverse("reviews:ranking", args=[ranked.call.pk]))

    content = text(response)
    # No form per row: one batch form, a checkbox per row, a Decide link per row.
    assert 'class="decision-form"' not in content and 'name="amount"' not in content
    assert content.count('id="decide-many"') == 1
    assert content.count('form="decide-many"') == 4
    assert content.count(">Decide<") == 3 and content.count(">Change<") == 1
    rows = response.context["ranking"].rows
    assert [row.budget_left for row in rows] == [
        Decimal("35000.00"),
        Decimal("20000.00"),
        Decimal("5000.00"),
        Decimal("-10000.00"),
    ]
    assert "over by $10,000.00" in content
    assert "Decided to fund</dt><dd>$15,000.00" in content


def test_the_chair_sees_the_ranking_but_no_way_to_decide(ranked):
    content = text(signed_in(ranked.chair).get(reverse("reviews:ranking", args=[ranked.call.pk])))

    assert 'id="decide-many"' not in content and ">Decide<" not in content
    assert signed_in(ranked.chair).get(confirm_url(ranked)).status_code == 404


# ---- The confirmation shows the money --------------------------------------------------------


def test_a_rank_range_is_confirmed_with_the_money_before_and_after(ranked):
    response = signed_in(ranked.admin).get(
        confirm_url(ranked), {"outcome": "funded", "rank_from": 1, "rank_to": 3}
    )

    content = text(response)
    assert response.status_code == 200
    assert "Committed now</dt><dd>$0.00" in content
    assert "These awards</dt><dd>$45,000.00" in content
    assert "Remaining after</dt><dd><strong>$5,000.00" in content
    assert "Record 3 decisions: fund $45,000.00" in content
    assert not Decision.objects.exists()  # a GET records nothing


def test_confirming_records_them_all_and_says_what_remains(ranked):
    client = signed_in(ranked.admin)
    chosen = ranked.proposals[:3]

    response = client.post(
        confirm_url(ranked),
        {
            "outcome": "funded",
            "proposal": [p.pk for p in chosen],
            "confirmed_total": "45000.00",
        },
    )

    assert response.status_code == 302
    assert flashed(response) == [
        "3 decisions recorded. $45,000.00 of the $50,000.00 budget is committed; $5,000.00 "
        "remains. Nothing is released yet."
    ]
    assert set(Decision.objects.values_list("proposal_id", "outcome", "amount")) == {
        (p.pk, "funded", Decimal("15000.00")) for p in chosen
    }
    assert Award.objects.count() == 3
    assert not Decision.objects.filter(released_at__isnull=False).exists()


def test_over_the_budget_the_confirmation_offers_no_button_and_a_post_saves_nothing(ranked):
    client = signed_in(ranked.admin)

    page = client.get(confirm_url(ranked), {"outcome": "funded", "rank_from": 1, "rank_to": 4})
    refused = client.post(
        confirm_url(ranked),
        {"outcome": "funded", "proposal": [p.pk for p in ranked.proposals]},
    )

    assert "over the budget by $10,000.00" in text(page)
    assert "Record 4 decisions" not in text(page)
    assert refused.status_code == 200
    assert "would exceed the call's budget" in text(refused)
    assert not Decision.objects.exists() and not Award.objects.exists()


def test_a_total_changed_since_the_confirmation_is_refused(ranked):
    response = signed_in(ranked.admin).post(
        confirm_url(ranked),
        {
            "outcome": "funded",
            "proposal": [ranked.proposals[0].pk],
            "confirmed_total": "10000.00",
        },
    )

    assert "now add up to $15,000.00, not the $10,000.00 you confirmed" in text(response)
    assert not Decision.objects.exists()


def test_proposals_already_so_decided_are_left_as_they_are(ranked):
    first = ranked.proposals[0]
    grant_services.decision_record(
        proposal=first, actor=ranked.admin, outcome="funded", amount=Decimal("12000"), reason="Cut"
    )

    batch = selectors.decision_batch(
        ranked.call, user=ranked.admin, outcome="funded", rank_from=1, rank_to=2
    )

    assert [row.skipped for row in batch.rows] == ["Already decided: funded.", ""]
    assert batch.to_record == [ranked.proposals[1]]
    assert batch.committed_after == Decimal("27000.00")  # the reduced award is kept
    signed_in(ranked.admin).post(
        confirm_url(ranked), {"outcome": "funded", "proposal": [first.pk, ranked.proposals[1].pk]}
    )
    assert Decision.objects.get(proposal=first).amount == Decimal("12000.00")


def test_changing_waitlisted_to_not_funded_frees_nothing_and_costs_nothing(ranked):
    for proposal in ranked.proposals[2:]:
        grant_services.decision_record(proposal=proposal, actor=ranked.admin, outcome="waitlisted")

    batch = selectors.decision_batch(
        ranked.call, user=ranked.admin, outcome=DecisionOutcome.NOT_FUNDED, rank_from=3, rank_to=4
    )

    assert len(batch.to_record) == 2
    assert (batch.funded_total, batch.committed_after) == (Decimal("0.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    "query, message",
    [
        ({"outcome": "funded"}, "Choose the proposals: tick them in the ranking"),
        ({"outcome": "funded", "rank_from": 3, "rank_to": 1}, "Give ranks from 1 to 4"),
        ({"outcome": "funded", "rank_from": 1, "rank_to": 9}, "Give ranks from 1 to 4"),
        ({"outcome": "funded", "rank_from": "one"}, "Give the first rank as a whole number"),
        ({"outcome": "", "rank_from": 1, "rank_to": 2}, "Choose the decision"),
        ({"outcome": "funded", "proposal": ["x"]}, "Choose again."),
        ({"outcome": "funded", "proposal": [999999]}, "not in this ranking"),
    ],
)
def test_a_bad_choice_is_explained_and_records_nothing(ranked, query, message):
    client = signed_in(ranked.admin)

    shown = client.get(confirm_url(ranked), query)
    posted = client.post(confirm_url(ranked), query)

    assert shown.status_code == posted.status_code == 200
    assert message in text(shown) and message in text(posted)
    assert not Decision.objects.exists()


def test_a_proposal_hidden_from_a_conflicted_administrator_cannot_be_chosen(ranked):
    hidden = ranked.proposals[0]
    conflicted = make_admin()
    # On the proposal's team (written directly: a submitted team is frozen).
    TeamMember.objects.create(proposal=hidden, user=conflicted, role=TeamRole.CO_INVESTIGATOR)
    client = signed_in(conflicted)

    by_id = client.post(confirm_url(ranked), {"outcome": "funded", "proposal": [hidden.pk]})
    by_rank = selectors.decision_batch(
        ranked.call, user=conflicted, outcome="funded", rank_from=1, rank_to=1
    )
    form = client.get(reverse("reviews:decision_form", args=[ranked.call.pk, hidden.pk]))

    assert "not in this ranking" in text(by_id)
    assert by_rank.to_record == [ranked.proposals[1]]  # rank 1 of what they see
    assert form.status_code == 404
    assert not Decision.objects.exists()


def test_nothing_can_be_decided_while_the_committee_is_reviewing():
    setup = staffed_by_hand(review_setup(proposals=2, members=3))
    client = signed_in(setup.admin)

    page = client.get(confirm_url(setup), {"outcome": "funded", "rank_from": 1, "rank_to": 2})
    client.post(confirm_url(setup), {"outcome": "funded", "proposal": [setup.proposals[0].pk]})

    assert "The committee is still reviewing this call" in text(page)
    assert not re.search(r"<button[^>]*>Record", text(page))
    assert not Decision.objects.exists()


# ---- The API ---------------------------------------------------------------------------------


def test_the_api_dry_run_shows_the_money_and_the_real_run_records(ranked):
    client = signed_in(ranked.admin)
    url = f"{API}/calls/{ranked.call.pk}/decisions/"
    body = {"outcome": "funded", "rank_from": 1, "rank_to": 2}

    dry = client.post(url, {**body, "dry_run": True}, content_type="application/json")
    assert Decision.objects.count() == 0
    real = client.post(
        url,
        {**body, "confirmed_total": dry.json()["funded_total"]},
        content_type="application/json",
    )

    assert dry.status_code == 200
    assert (dry.json()["funded_total"], dry.json()["remaining_after"]) == ("30000.00", "20000.00")
    assert [row["rank"] for row in dry.json()["rows"]] == [1, 2]
    assert dry.json()["recorded"] == []
    assert real.status_code == 200
    assert real.json()["recorded"] == [p.pk for p in ranked.proposals[:2]]
    assert real.json()["committed_after"] == "30000.00"
    assert Decision.objects.count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"outcome": "maybe", "rank_from": 1}, "outcome"),
        ({"outcome": "funded"}, "proposals"),
        ({"outcome": "funded", "proposals": ["a"]}, "proposals"),
        ({"outcome": "funded", "rank_from": 0}, "rank_from"),
        ({"outcome": "funded", "rank_from": 1, "rank_to": 4}, "proposals"),  # over the budget
    ],
)
def test_the_api_answers_bad_input_with_400_and_the_field(ranked, body, field):
    response = signed_in(ranked.admin).post(
        f"{API}/calls/{ranked.call.pk}/decisions/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Decision.objects.exists()
