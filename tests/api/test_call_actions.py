"""The state changes of calls and awards through the API: beginning a call's review, releasing
its decisions, and extending, closing or terminating an award."""

from datetime import date

import pytest

from grants import services as grant_services
from grants.choices import AwardStatus, CallStatus, DecisionOutcome, ProposalStatus
from grants.models import Award, Decision, Proposal
from reporting import services as reporting_services
from reporting.models import ProgressReport
from tests.factories import make_admin, make_call, make_proposal, make_submitted_proposal, make_user
from tests.reporting.support import simple_award

from .support import API, api_as, call_in_review

pytestmark = pytest.mark.django_db


def begin_review(user, call):
    return api_as(user).post(f"{API}/calls/{call.pk}/begin-review/")


def release(user, call):
    return api_as(user).post(f"{API}/calls/{call.pk}/release-decisions/")


def transition(user, award, **body):
    return api_as(user).post(f"{API}/awards/{award.pk}/transition/", body, format="json")


# ---- calls/{id}/begin-review/ ----------------------------------------------------------------


def test_begin_review_closes_the_open_call_and_puts_its_submitted_proposals_in_review():
    admin = make_admin()
    call = make_call(one_per_applicant=False)
    submitted = [make_submitted_proposal(call=call) for _ in range(2)]
    draft = make_proposal(call=call)

    response = begin_review(admin, call)

    call.refresh_from_db()
    statuses = dict(Proposal.objects.filter(call=call).values_list("pk", "status"))
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (call.pk, "in_review")
    assert response.json()["is_accepting"] is False
    assert call.status == CallStatus.IN_REVIEW
    assert statuses == {
        submitted[0].pk: ProposalStatus.IN_REVIEW,
        submitted[1].pk: ProposalStatus.IN_REVIEW,
        draft.pk: ProposalStatus.DRAFT,
    }


def test_begin_review_of_a_closed_call_moves_it_to_review():
    admin = make_admin()
    call = make_call()
    make_submitted_proposal(call=call)
    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)

    response = begin_review(admin, call)

    assert response.status_code == 200
    assert response.json()["status"] == "in_review"


def test_begin_review_twice_is_409_and_changes_nothing():
    admin = make_admin()
    call = make_call()
    proposal = make_submitted_proposal(call=call)
    begin_review(admin, call)

    response = begin_review(admin, call)

    proposal.refresh_from_db()
    assert response.status_code == 409
    assert response.json() == {"detail": "A call cannot go from in_review to in_review."}
    assert proposal.status == ProposalStatus.IN_REVIEW


def test_begin_review_of_a_draft_call_is_409_for_an_administrator():
    admin = make_admin()
    call = make_call(status=CallStatus.DRAFT)

    response = begin_review(admin, call)

    call.refresh_from_db()
    assert response.status_code == 409
    assert call.status == CallStatus.DRAFT


@pytest.mark.parametrize("who", ["applicant", "stranger"])
def test_begin_review_is_403_to_anyone_but_administrators(who):
    call = make_call()
    proposal = make_submitted_proposal(call=call)
    user = proposal.pi if who == "applicant" else make_user()

    response = begin_review(user, call)

    call.refresh_from_db()
    assert response.status_code == 403
    assert response.json() == {"detail": "Only administrators manage funding calls."}
    assert call.status == CallStatus.OPEN


def test_begin_review_of_a_draft_call_is_404_to_non_administrators_and_401_anonymous():
    call = make_call(status=CallStatus.DRAFT)

    assert begin_review(make_user(), call).status_code == 404
    assert begin_review(None, call).status_code == 401
    assert api_as(make_admin()).post(f"{API}/calls/x/begin-review/").status_code == 404


def test_begin_review_offers_post_only():
    call = make_call()

    response = api_as(make_admin()).get(f"{API}/calls/{call.pk}/begin-review/")

    assert response.status_code == 405


# ---- calls/{id}/release-decisions/ -----------------------------------------------------------


def test_release_gives_each_proposal_its_outcome_mails_the_pis_and_decides_the_call(
    mailoutbox, django_capture_on_commit_callbacks
):
    call, (funded, declined), admin = call_in_review(2)
    grant_services.decision_record(proposal=funded, actor=admin, outcome=DecisionOutcome.FUNDED)
    grant_services.decision_record(
        proposal=declined, actor=admin, outcome=DecisionOutcome.NOT_FUNDED
    )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = release(admin, call)

    body = response.json()
    decisions = {d.proposal_id: d for d in Decision.objects.filter(call=call)}
    funded.refresh_from_db()
    declined.refresh_from_db()
    assert response.status_code == 200
    assert (body["call"]["id"], body["call"]["status"]) == (call.pk, "decided")
    assert body["released"] == [
        {
            "id": decisions[funded.pk].pk,
            "proposal": funded.pk,
            "outcome": "funded",
            "amount": "15000.00",
            "released_at": body["released"][0]["released_at"],
        },
        {
            "id": decisions[declined.pk].pk,
            "proposal": declined.pk,
            "outcome": "not_funded",
            "amount": None,
            "released_at": body["released"][0]["released_at"],
        },
    ]
    assert all(d.released_at is not None for d in decisions.values())
    assert (funded.status, declined.status) == (ProposalStatus.FUNDED, ProposalStatus.NOT_FUNDED)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [funded.pi.email, declined.pi.email]
    )


def test_release_with_a_proposal_still_undecided_keeps_the_call_in_review():
    call, (decided, undecided), admin = call_in_review(2)
    grant_services.decision_record(proposal=decided, actor=admin, outcome=DecisionOutcome.FUNDED)

    response = release(admin, call)

    assert response.status_code == 200
    assert response.json()["call"]["status"] == "in_review"
    assert [d["proposal"] for d in response.json()["released"]] == [decided.pk]


def test_release_with_nothing_to_release_is_400():
    call, (proposal,), admin = call_in_review(1)
    grant_services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    release(admin, call)

    response = release(admin, call)

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["There are no unreleased decisions in this call."]
    }


@pytest.mark.parametrize("who", ["applicant", "stranger"])
def test_release_is_403_to_anyone_but_administrators(who):
    call, (proposal,), admin = call_in_review(1)
    grant_services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    user = proposal.pi if who == "applicant" else make_user()

    response = release(user, call)

    assert response.status_code == 403
    assert Decision.objects.get(proposal=proposal).released_at is None


def test_release_of_a_draft_call_is_404_to_non_administrators():
    call = make_call(status=CallStatus.DRAFT)

    assert release(make_user(), call).status_code == 404
    assert release(None, call).status_code == 401


# ---- awards/{id}/transition/ -----------------------------------------------------------------


def test_no_cost_extension_moves_the_end_and_the_progress_reports():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    reporting_services.progress_reports_schedule(award=award)

    response = transition(admin, award, to="no_cost_extension", new_end_date="2026-06-30")

    body = response.json()
    reports = ProgressReport.objects.filter(award=award).order_by("due_date")
    assert response.status_code == 200
    assert (body["id"], body["status"], body["end_date"]) == (
        award.pk,
        "no_cost_extension",
        "2026-06-30",
    )
    assert [(r.kind, r.due_date) for r in reports] == [
        ("interim", date(2025, 9, 30)),
        ("final", date(2026, 8, 29)),
    ]


def test_terminating_early_records_the_end_and_drops_the_interim_report():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    reporting_services.progress_reports_schedule(award=award)

    response = transition(
        admin, award, to="terminated", reason="The PI left.", ended_on="2025-03-31"
    )

    reports = ProgressReport.objects.filter(award=award)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["ended_on"]) == ("terminated", "2025-03-31")
    assert [(r.kind, r.due_date) for r in reports] == [("final", date(2025, 5, 30))]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"to": ["This field is required."]}),
        ({"to": "active"}, {"to": ['"active" is not a valid choice.']}),
        (
            {"to": "no_cost_extension"},
            {"new_end_date": ["Give a new end date after December 31, 2025."]},
        ),
        (
            {"to": "no_cost_extension", "new_end_date": "2025-06-30"},
            {"new_end_date": ["Give a new end date after December 31, 2025."]},
        ),
        ({"to": "terminated"}, {"reason": ["Give the reason for terminating the award."]}),
        (
            {"to": "closed", "ended_on": "2024-12-01"},
            {"ended_on": ["The end cannot be before the award started."]},
        ),
        (
            {"to": "closed", "ended_on": "yesterday"},
            {"ended_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
    ],
)
def test_bad_input_is_400_under_the_field_and_changes_nothing(body, errors):
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))

    response = transition(admin, award, **body)

    award.refresh_from_db()
    assert response.status_code == 400
    assert response.json() == errors
    assert (award.status, award.end_date) == (AwardStatus.ACTIVE, date(2025, 12, 31))


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("closed", {"to": "closed"}),
        ("terminated", {"to": "no_cost_extension", "new_end_date": "2027-01-01"}),
    ],
)
def test_a_change_the_status_does_not_allow_is_409(first, then):
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    transition(admin, award, to=first, reason="Ended.", ended_on="2025-12-31")

    response = transition(admin, award, **then)

    award.refresh_from_db()
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"An award that is {AwardStatus(first).label.lower()} cannot become "
        f"{AwardStatus(then['to']).label.lower()}."
    }
    assert award.status == first


def test_the_awardee_and_the_team_see_the_award_but_may_not_change_it():
    member = make_user()
    award, _ = simple_award(team=[member])

    for user in (award.proposal.pi, member):
        response = transition(user, award, to="closed")
        assert response.status_code == 403
        assert response.json() == {"detail": "Only administrators change awards."}
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE


def test_an_award_the_caller_may_not_see_is_404():
    call, (proposal,), admin = call_in_review(1)
    grant_services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    unreleased = Award.objects.get(proposal=proposal)
    released, _ = simple_award()

    # Before the release the award is not yet the PI's news; a stranger never sees one.
    assert transition(proposal.pi, unreleased, to="closed").status_code == 404
    assert transition(make_user(), released, to="closed").status_code == 404
    assert transition(None, released, to="closed").status_code == 401
    assert transition(admin, Award(pk=released.pk + 1000), to="closed").status_code == 404
