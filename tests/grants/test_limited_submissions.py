"""Limited submissions (issue #19): an external sponsor accepts N applications from the
institution; the internal call nominates them (the ranking's line is N places, not money),
the released decision is nominated / not nominated, and the nominee's application to the
sponsor and its result are recorded, an award feeding the program's follow-on funding."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants import selectors, services
from grants.choices import CallStatus, DecisionOutcome, ProposalStatus
from grants.models import Award, Decision, FundingCall
from reporting.models import ExternalSubmission, FollowOnFunding
from reviews import selectors as review_selectors
from tests.api.support import API, api_as, move_to_review
from tests.factories import make_admin, make_call, make_submitted_proposal, make_user
from tests.grants.test_call_shape_fixed import posted
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

SPONSOR = {
    "sponsor": "NIH NIMHD",
    "sponsor_opportunity": "RFA-MD-27-004",
}


def limited_call(n_proposals: int = 4, *, allowed: int = 2, **fields):
    """A limited-submission call (the sponsor accepts ``allowed``) in review, its proposals
    in review in submission order. Returns (call, proposals, admin)."""
    admin = make_admin()
    call = make_call(
        one_per_applicant=False,
        total_budget=Decimal("100000"),
        max_award=Decimal("20000"),
        nominations_allowed=allowed,
        sponsor_deadline=(timezone.now() + timedelta(days=60)).date(),
        **SPONSOR,
        **fields,
    )
    proposals = [make_submitted_proposal(call=call) for _ in range(n_proposals)]
    move_to_review(call, admin)
    for proposal in proposals:
        proposal.refresh_from_db()
    return call, proposals, admin


def nominate(proposal, admin, outcome=DecisionOutcome.NOMINATED):
    return services.decision_record(proposal=proposal, actor=admin, outcome=outcome)


# ---- The call ------------------------------------------------------------------------------


def test_a_limited_submission_names_its_sponsor_opportunity_and_a_later_deadline():
    call = make_call()
    call.nominations_allowed = 2
    call.sponsor_deadline = call.local_closes_at().date()

    with pytest.raises(ValidationError) as exc:
        call.full_clean()

    assert exc.value.message_dict == {
        "sponsor": ["Name the external sponsor of a limited submission."],
        "sponsor_opportunity": ["Give the sponsor's opportunity number."],
        "sponsor_deadline": [
            "The sponsor's deadline must come after this call closes: the nominees apply in "
            "between."
        ],
    }


def test_the_admin_form_shows_the_missing_sponsor_at_its_field_and_saves_nothing(
    django_user_model,
):
    office = django_user_model.objects.create_superuser("office", "office@example.edu", "x")
    call = make_call(status=CallStatus.DRAFT)
    data = posted(office, call)
    data.update({"nominations_allowed": "2", "sponsor": "", "sponsor_opportunity": ""})

    response = signed_in(office).post(
        reverse("admin:grants_fundingcall_change", args=(call.pk,)), data
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["sponsor"] == ["Name the external sponsor of a limited submission."]
    assert errors["sponsor_deadline"] == ["Give the date applications are due at the sponsor."]
    call.refresh_from_db()
    assert call.nominations_allowed is None


def test_the_call_page_tells_applicants_it_is_a_limited_submission(client):
    call, _, _ = limited_call(0)
    client.force_login(make_user())

    page = client.get(f"/calls/{call.pk}/").content.decode()

    assert "Limited submission" in page
    assert "NIH NIMHD, RFA-MD-27-004: the sponsor accepts 2 applications" in page


# ---- Nominations ---------------------------------------------------------------------------


def test_the_ranking_line_falls_where_the_sponsors_places_run_out(client):
    call, proposals, admin = limited_call(4, allowed=2)

    ranking = review_selectors.ranking_for(call, user=admin)

    assert ranking.pay_line_rank == 3
    assert [row.places_taken for row in ranking.rows] == [1, 2, 3, 4]
    assert [row.within_budget for row in ranking.rows] == [True, True, False, False]
    # Declining the first frees a place: the line moves down one rank.
    nominate(proposals[0], admin, DecisionOutcome.NOT_NOMINATED)
    ranking = review_selectors.ranking_for(call, user=admin)
    assert ranking.pay_line_rank == 4
    assert (ranking.nominated, ranking.places_left) == (0, 2)
    page = signed_in(admin).get(f"/review/calls/{call.pk}/ranking/").content.decode()
    assert "Nomination line:</strong> the sponsor's 2 places run out here." in page
    assert "Places left" in page and "Running total" not in page
    assert "Decide several at once" not in page  # nominations are decided one at a time


def test_the_api_ranking_gives_the_places_and_the_line():
    call, _, admin = limited_call(3, allowed=2)

    body = api_as(admin).get(f"{API}/calls/{call.pk}/ranking/").json()

    assert (body["nominations_allowed"], body["nominated"]) == (2, 0)
    assert [row["places_taken"] for row in body["results"]] == [1, 2, 3]
    assert [row["pay_line_before"] for row in body["results"]] == [False, False, True]


def test_nominations_stop_at_the_sponsors_limit_on_the_service_page_and_api(client):
    call, (first, second, third, _fourth), admin = limited_call(4, allowed=2)
    nominate(first, admin)
    nominate(second, admin)
    expected = (
        f"NIH NIMHD accepts 2 applications from the institution and 2 are already nominated "
        f"(NS-{first.pk}, NS-{second.pk}). Decide one of them otherwise first."
    )

    with pytest.raises(ValidationError) as exc:
        nominate(third, admin)
    assert exc.value.message_dict == {"outcome": [expected]}

    page = signed_in(admin).post(
        f"/review/calls/{call.pk}/ranking/{third.pk}/decide/", {"outcome": "nominated"}
    )
    assert page.status_code == 200
    assert expected.replace("'", "&#x27;") in page.content.decode()

    api = api_as(admin).post(
        f"{API}/proposals/{third.pk}/decision/", {"outcome": "nominated"}, format="json"
    )
    assert (api.status_code, api.json()) == (400, {"outcome": [expected]})
    assert not Decision.objects.filter(proposal=third).exists()
    # Changing a nominee to an alternate frees its place.
    nominate(second, admin, DecisionOutcome.WAITLISTED)
    nominate(third, admin)
    assert [p.pk for p in selectors.call_nominees(call)] == [first.pk, third.pk]


def test_a_limited_call_nominates_and_an_ordinary_call_funds():
    call, (proposal,), admin = limited_call(1, allowed=1)
    ordinary = make_call(one_per_applicant=False, max_award=Decimal("20000"))
    other = make_submitted_proposal(call=ordinary)
    move_to_review(ordinary, admin)
    other.refresh_from_db()

    with pytest.raises(ValidationError) as limited_refusal:
        nominate(proposal, admin, DecisionOutcome.FUNDED)
    with pytest.raises(ValidationError) as ordinary_refusal:
        nominate(other, admin, DecisionOutcome.NOMINATED)

    assert "limited submission" in limited_refusal.value.message_dict["outcome"][0]
    assert ordinary_refusal.value.message_dict == {
        "outcome": ["Choose funded, not funded or waitlisted."]
    }


def test_the_decision_page_offers_nominations_and_no_amount(client):
    call, (proposal,), admin = limited_call(1, allowed=1)
    page = signed_in(admin).get(f"/review/calls/{call.pk}/ranking/{proposal.pk}/decision/")

    html = page.content.decode()
    assert [value for value, _ in page.context["form"].fields["outcome"].choices] == [
        "nominated",
        "waitlisted",
        "not_nominated",
    ]
    assert 'name="amount"' not in html
    assert "0 of the 1 NIH NIMHD accepts" in html


def test_batch_decisions_are_refused_on_a_limited_call():
    call, proposals, admin = limited_call(3)

    batch = review_selectors.decision_batch(
        call, user=admin, outcome=DecisionOutcome.NOMINATED, rank_from=1, rank_to=2
    )

    assert batch.problem == "A limited submission's nominations are decided one proposal at a time."
    assert batch.to_record == []


def test_released_nominations_reach_the_applicants_without_any_award(
    client, django_capture_on_commit_callbacks
):
    call, (first, second, third), admin = limited_call(3, allowed=1)
    nominate(first, admin)
    nominate(second, admin, DecisionOutcome.WAITLISTED)
    nominate(third, admin, DecisionOutcome.NOT_NOMINATED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decisions_release(call=call, actor=admin)

    for proposal, status in (
        (first, ProposalStatus.NOMINATED),
        (second, ProposalStatus.WAITLISTED),
        (third, ProposalStatus.NOT_NOMINATED),
    ):
        proposal.refresh_from_db()
        assert proposal.status == status
    assert not Award.objects.filter(call=call).exists()
    assert selectors.call_committed_amount(call) == Decimal("0.00")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Nomination decision: " in subjects[first.pi.email]
    assert "nominates you to NIH NIMHD for RFA-MD-27-004" in bodies[first.pi.email]
    assert "You are an alternate" in bodies[second.pi.email]
    client.force_login(first.pi)
    page = client.get(f"/proposals/{first.pk}/").content.decode()
    assert "Nomination decision: Nominated" in page
    assert "Submit your application to the sponsor by" in page


# ---- The application to the sponsor --------------------------------------------------------


def released_nominee(*, with_prior_award: bool = True):
    """A released nominee of a limited call; with a released award from an earlier call of
    the program held by the same PI when ``with_prior_award``."""
    call, (proposal,), admin = limited_call(1, allowed=1)
    prior = None
    if with_prior_award:
        pilot = make_call(one_per_applicant=False, max_award=Decimal("20000"))
        earlier = make_submitted_proposal(call=pilot, pi=proposal.pi)
        move_to_review(pilot, admin)
        earlier.refresh_from_db()
        services.decision_record(proposal=earlier, actor=admin, outcome=DecisionOutcome.FUNDED)
        services.decisions_release(call=pilot, actor=admin)
        prior = Award.objects.get(proposal=earlier)
    nominate(proposal, admin)
    services.decisions_release(call=call, actor=admin)
    proposal.refresh_from_db()
    return call, proposal, admin, prior


def put(client, call, proposal, **body):
    return client.put(f"{API}/calls/{call.pk}/nominations/{proposal.pk}/", body, format="json")


def test_an_external_award_becomes_follow_on_funding_on_the_nominees_award():
    call, proposal, admin, prior = released_nominee()
    today = timezone.localdate()
    client = api_as(admin)

    pending = put(client, call, proposal, submitted_on=str(today - timedelta(days=30)))
    awarded = put(
        client,
        call,
        proposal,
        submitted_on=str(today - timedelta(days=30)),
        result="awarded",
        decided_on=str(today),
        amount_awarded="412500.00",
        mechanism="R21",
    )

    assert pending.status_code == 200 and pending.json()["counted_as_follow_on"] is False
    assert awarded.status_code == 200 and awarded.json()["counted_as_follow_on"] is True
    funding = FollowOnFunding.objects.get()
    assert (funding.sponsor, funding.mechanism, funding.amount, funding.status) == (
        "NIH NIMHD",
        "R21",
        Decimal("412500.00"),
        "awarded",
    )
    assert list(funding.awards.all()) == [prior]
    assert (funding.applied_on, funding.decided_on) == (today - timedelta(days=30), today)
    # A correction to "not awarded" takes it out of follow-on funding again.
    put(
        client,
        call,
        proposal,
        submitted_on=str(today - timedelta(days=30)),
        result="not_awarded",
        decided_on=str(today),
    )
    assert not FollowOnFunding.objects.exists()
    assert ExternalSubmission.objects.get().result == "not_awarded"


def test_an_award_to_a_nominee_without_a_program_award_is_recorded_not_counted(client):
    call, proposal, admin, _ = released_nominee(with_prior_award=False)
    client = signed_in(admin)
    today = timezone.localdate()

    response = client.post(
        f"/calls/{call.pk}/nominations/{proposal.pk}/",
        {
            "submitted_on": str(today - timedelta(days=3)),
            "result": "awarded",
            "decided_on": str(today),
            "amount_awarded": "50000",
            "sponsor_type": "nih",
        },
        follow=True,
    )

    assert "Not added to follow-on funding" in response.content.decode()
    assert ExternalSubmission.objects.get().amount_awarded == Decimal("50000")
    assert not FollowOnFunding.objects.exists()
    listing = client.get(f"/calls/{call.pk}/nominations/").content.decode()
    assert "Not counted: the nominee holds no award from the program" in listing


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"submitted_on": ["This field is required."]}),
        (
            {"submitted_on": "2099-01-01"},
            {"submitted_on": ["The application cannot be submitted in the future."]},
        ),
        (
            {"submitted_on": "2026-01-10", "result": "awarded"},
            {
                "decided_on": ["Give the date of the sponsor's decision."],
                "amount_awarded": ["Give the amount the sponsor awarded."],
            },
        ),
        (
            {"submitted_on": "2026-01-10", "decided_on": "2026-02-01"},
            {"decided_on": ["An application awaiting the sponsor has no decision date."]},
        ),
        (
            {
                "submitted_on": "2026-01-10",
                "result": "not_awarded",
                "decided_on": "2026-01-01",
                "amount_awarded": "10",
            },
            {
                "decided_on": ["The decision cannot come before the submission."],
                "amount_awarded": ["Only an awarded application has an amount awarded."],
            },
        ),
        (
            {
                "submitted_on": "2026-01-10",
                "result": "awarded",
                "decided_on": "2026-02-01",
                "amount_awarded": "0",
            },
            {"amount_awarded": ["Enter an amount above zero."]},
        ),
        (
            {"submitted_on": "2026-01-10", "result": "maybe"},
            {"result": ['"maybe" is not a valid choice.']},
        ),
    ],
)
def test_bad_applications_are_400_at_their_fields_and_save_nothing(body, errors):
    call, proposal, admin, _ = released_nominee(with_prior_award=False)

    response = put(api_as(admin), call, proposal, **body)

    assert (response.status_code, response.json()) == (400, errors)
    assert not ExternalSubmission.objects.exists()


def test_the_page_keeps_what_was_typed_and_shows_the_error_at_its_field(client):
    call, proposal, admin, _ = released_nominee(with_prior_award=False)
    response = signed_in(admin).post(
        f"/calls/{call.pk}/nominations/{proposal.pk}/",
        {
            "submitted_on": "2026-01-10",
            "result": "awarded",
            "sponsor_type": "nih",
            "sponsor_reference": "R21MD0001",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["amount_awarded"] == ["Give the amount the sponsor awarded."]
    assert 'value="R21MD0001"' in response.content.decode()
    assert not ExternalSubmission.objects.exists()


def test_only_a_released_nominee_has_an_application_recorded():
    call, (first, second), admin = limited_call(2, allowed=1)
    nominate(first, admin)  # recorded, not released

    response = put(api_as(admin), call, first, submitted_on="2026-01-10")

    assert response.status_code == 400
    assert "this proposal is in review" in response.json()["non_field_errors"][0]


def test_the_nominees_pages_and_api_are_the_program_offices_alone(client):
    call, proposal, admin, _ = released_nominee(with_prior_award=False)
    ordinary = make_call()
    for user in (proposal.pi, make_user()):
        client = signed_in(user)
        assert client.get(f"/calls/{call.pk}/nominations/").status_code == 404
        assert client.get(f"/calls/{call.pk}/nominations/{proposal.pk}/").status_code == 404
        api = api_as(user)
        assert api.get(f"{API}/calls/{call.pk}/nominations/").status_code == 404
        assert put(api, call, proposal, submitted_on="2026-01-10").status_code == 404
    assert signed_in(admin).get(f"/calls/{ordinary.pk}/nominations/").status_code == 404
    listing = api_as(admin).get(f"{API}/calls/{call.pk}/nominations/").json()
    assert [(row["proposal"], row["outcome"], row["released"]) for row in listing] == [
        (proposal.pk, "nominated", True)
    ]
    assert not ExternalSubmission.objects.exists()


def test_the_number_of_nominations_is_fixed_once_the_call_opens():
    call = make_call(
        status=CallStatus.DRAFT,
        nominations_allowed=2,
        sponsor_deadline=timezone.localdate() + timedelta(days=90),
        **SPONSOR,
    )
    admin = make_admin()
    services.call_transition(call=call, to=CallStatus.OPEN, actor=admin)

    from grants import lifecycle

    assert lifecycle.shape_fixed(FundingCall.objects.get(pk=call.pk))
    assert "nominations_allowed" in lifecycle.SHAPE_FIELDS


def test_a_nominee_steps_down_and_the_alternate_takes_the_place(
    client, django_capture_on_commit_callbacks
):
    call, (nominee, alternate, other), admin = limited_call(3, allowed=1)
    nominate(nominee, admin)
    nominate(alternate, admin, DecisionOutcome.WAITLISTED)
    nominate(other, admin, DecisionOutcome.NOT_NOMINATED)
    services.decisions_release(call=call, actor=admin)
    with pytest.raises(ValidationError):  # the one place is taken
        nominate(alternate, admin)

    refused = api_as(other.pi).post(f"{API}/proposals/{other.pk}/withdraw/", {}, format="json")
    page = signed_in(nominee.pi).get(f"/proposals/{nominee.pk}/withdraw/")
    stepped_down = api_as(nominee.pi).post(
        f"{API}/proposals/{nominee.pk}/withdraw/", {"reason": "Moving institutions."}, format="json"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        nominate(alternate, admin)

    assert refused.status_code == 403
    assert "Step down from the nomination?" in page.content.decode()
    assert stepped_down.status_code == 200, stepped_down.content
    nominee.refresh_from_db()
    alternate.refresh_from_db()
    assert nominee.status == ProposalStatus.WITHDRAWN
    assert not Decision.objects.filter(proposal=nominee).exists()
    # The alternate's nomination is released at once, with its e-mail.
    assert alternate.status == ProposalStatus.NOMINATED
    assert Decision.objects.get(proposal=alternate).released_at is not None
    assert [m.to for m in mail.outbox] == [[alternate.pi.email]]
    assert [p.pk for p in selectors.call_nominees(call)] == [alternate.pk]
