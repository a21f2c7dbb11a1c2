"""The committee's light review of letters of intent (issue #19): members rate each letter
(1 invite strongly – 5 do not invite) with a short comment, or declare a conflict; the office
and the chair read every rating with the mean and count; members read their own only; a
conflicted person — its applicant, or a member who declared — sees nothing of a letter's
ratings; applicants never see ratings or raters. Through the services, the pages and the API.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grants import services as grant_services
from grants.choices import CallStatus, LetterStatus
from reviews import selectors, services
from reviews.models import LetterRating
from tests.api.support import API, api_as
from tests.factories import make_admin, make_committee, make_user
from tests.support.clients import signed_in
from tests.support.letters import (
    make_letter,
    make_two_stage_call,
    open_full_proposals,
    start_triage,
)

pytestmark = pytest.mark.django_db


@dataclass
class Letters:
    call: object
    admin: object
    chair: object
    members: list
    letter: object  # the applicant's
    other: object  # another applicant's


@pytest.fixture
def letters() -> Letters:
    """A two-stage call with its committee (a chair and three members) attached and two
    letters sent; the letters' deadline has passed."""
    admin = make_admin()
    call = make_two_stage_call()
    committee = make_committee(admin=admin, members=3)
    services.committee_attach_to_call(committee=committee, call=call, actor=admin)
    members = [m for m in committee.members.order_by("pk") if m.pk != committee.chair_id]
    return Letters(
        call=call,
        admin=admin,
        chair=committee.chair,
        members=members,
        letter=make_letter(call=call, applicant=make_user("applicant"), title="Ours"),
        other=make_letter(call=call, applicant=make_user("someone"), title="Theirs"),
    )


# ---- Rating ---------------------------------------------------------------------------------


def test_a_member_rates_a_letter_and_may_change_the_rating(letters):
    member = letters.members[0]

    services.letter_rate(letter=letters.letter, actor=member, rating=3, comment="Maybe.")
    services.letter_rate(
        letter=letters.letter, actor=member, rating=1, comment="Yes, on reflection."
    )

    rating = LetterRating.objects.get(letter=letters.letter, member=member)
    assert (rating.rating, rating.comment, rating.conflict) == (1, "Yes, on reflection.", "")


@pytest.mark.parametrize("rating", [0, 6, None, "2", True])
def test_a_rating_outside_1_to_5_is_refused(letters, rating):
    with pytest.raises(ValidationError) as refused:
        services.letter_rate(letter=letters.letter, actor=letters.members[0], rating=rating)

    assert list(refused.value.message_dict) == ["rating"]
    assert LetterRating.objects.count() == 0


def test_a_long_comment_is_refused(letters):
    with pytest.raises(ValidationError) as refused:
        services.letter_rate(
            letter=letters.letter, actor=letters.members[0], rating=2, comment="x" * 1001
        )

    assert list(refused.value.message_dict) == ["comment"]


def test_only_the_committee_rates_and_not_its_conflicted_members(letters):
    member = letters.members[0]
    services.letter_conflict_declare(letter=letters.letter, actor=member, reason="family")

    for outsider in (make_user(), letters.admin, member):
        with pytest.raises(PermissionDenied):
            services.letter_rate(letter=letters.letter, actor=outsider, rating=1)

    assert LetterRating.objects.filter(rating__isnull=False).count() == 0


def test_the_applicant_on_the_committee_is_conflicted_with_their_own_letter(letters):
    member = letters.members[0]
    own = make_letter(call=make_two_stage_call(), applicant=member)
    services.committee_attach_to_call(
        committee=letters.chair.chaired_committees.get(), call=own.call, actor=letters.admin
    )

    with pytest.raises(PermissionDenied):
        services.letter_rate(letter=own, actor=member, rating=1)
    with pytest.raises(PermissionDenied):
        services.letter_conflict_declare(letter=own, actor=member, reason="other")


def test_declaring_a_conflict_withdraws_the_rating_for_good(letters):
    member = letters.members[0]
    services.letter_rate(letter=letters.letter, actor=member, rating=2)

    services.letter_conflict_declare(letter=letters.letter, actor=member, reason="collaborator")

    rating = LetterRating.objects.get(letter=letters.letter, member=member)
    assert (rating.rating, rating.conflict) == (None, "collaborator")
    with pytest.raises(PermissionDenied):
        services.letter_rate(letter=letters.letter, actor=member, rating=2)


def test_a_conflict_of_another_kind_is_explained(letters):
    with pytest.raises(ValidationError) as refused:
        services.letter_conflict_declare(
            letter=letters.letter, actor=letters.members[0], reason="other"
        )

    assert refused.value.message_dict == {"comment": ["Explain the conflict."]}


def test_ratings_close_when_the_letter_is_decided(letters):
    start_triage(letters.call, letters.admin)
    services.letter_decide(letter=letters.letter, actor=letters.admin, outcome="invited")

    with pytest.raises(grant_services.InvalidTransition):
        services.letter_rate(letter=letters.letter, actor=letters.members[0], rating=1)


def test_ratings_are_audited_on_the_rating_never_on_the_letter(letters):
    from accounts.models import AuditEntry

    rating = services.letter_rate(letter=letters.letter, actor=letters.members[0], rating=4)

    entry = AuditEntry.objects.get(object_type="reviews.letterrating", object_id=str(rating.pk))
    assert (entry.action, entry.after) == ("score_changed", {"rating": 4})
    assert not AuditEntry.objects.filter(
        object_type="grants.letterofintent", action="score_changed"
    ).exists()


# ---- Who reads what -------------------------------------------------------------------------


def _rate_all(letters: Letters) -> None:
    """Member 0 rates 1, member 1 rates 2 with a comment, member 2 declares a conflict with
    the applicant's letter; member 0 rates the other letter 5."""
    m0, m1, m2 = letters.members
    services.letter_rate(letter=letters.letter, actor=m0, rating=1)
    services.letter_rate(letter=letters.letter, actor=m1, rating=2, comment="Feasible.")
    services.letter_conflict_declare(letter=letters.letter, actor=m2, reason="same_lab")
    services.letter_rate(letter=letters.other, actor=m0, rating=5)


def test_the_office_and_the_chair_read_every_rating_with_the_mean(letters):
    _rate_all(letters)

    for reader in (letters.admin, letters.chair):
        ratings = selectors.letter_ratings_for(letter=letters.letter, user=reader)
        assert [(r.member, r.rating, r.conflict) for r in ratings] == [
            (letters.members[0], 1, ""),
            (letters.members[1], 2, ""),
            (letters.members[2], None, "same_lab"),
        ]
        assert selectors.letter_summary(ratings) == (Decimal("1.5"), 2)


def test_a_member_reads_only_their_own_rating(letters):
    _rate_all(letters)

    ratings = selectors.letter_ratings_for(letter=letters.letter, user=letters.members[1])

    assert [(r.member, r.rating) for r in ratings] == [(letters.members[1], 2)]


def test_a_conflicted_member_sees_nothing_of_the_letters_ratings(letters):
    _rate_all(letters)
    conflicted = letters.members[2]
    client = signed_in(conflicted)

    page = client.get(reverse("reviews:letter", args=[letters.letter.pk]))
    listing = client.get(reverse("reviews:letters", args=[letters.call.pk]))
    api = api_as(conflicted).get(f"{API}/letters/{letters.letter.pk}/ratings/")
    pdf = client.get(reverse("reviews:letter_pdf", args=[letters.letter.pk]))

    assert selectors.letter_ratings_for(letter=letters.letter, user=conflicted) == []
    assert page.status_code == 200
    assert page.context["ratings"] == [] and page.context["rating_form"] is None
    assert b"Feasible." not in page.content
    assert letters.members[0].display_name.encode() not in page.content
    row = next(r for r in listing.context["rows"] if r.letter == letters.letter)
    assert (row.conflicted, row.mean, row.count) == (True, None, None)
    assert api.json() == {
        "letter": letters.letter.pk,
        "mean": None,
        "count": None,
        "ratings": [],
    }
    assert pdf.status_code == 404


def test_a_conflicted_chair_sees_nothing_of_that_letter_and_everything_of_the_other(letters):
    _rate_all(letters)
    services.letter_conflict_declare(letter=letters.letter, actor=letters.chair, reason="family")

    rows = {r.letter: r for r in selectors.letter_rows(call=letters.call, user=letters.chair)}

    assert (rows[letters.letter].mean, rows[letters.letter].count) == (None, None)
    assert (rows[letters.other].mean, rows[letters.other].count) == (Decimal("5.0"), 1)
    assert selectors.letter_ratings_for(letter=letters.letter, user=letters.chair) == []


def test_an_administrator_conflicted_on_a_letter_neither_reads_nor_decides_it(letters):
    own = make_letter(call=letters.call, applicant=letters.admin, title="The office's own")
    services.letter_rate(letter=own, actor=letters.members[0], rating=1, comment="Good.")
    start_triage(letters.call, letters.admin)
    url = f"{API}/letters/{own.pk}/triage/"

    refused = api_as(letters.admin).post(url, {"outcome": "invited"}, format="json")
    page = signed_in(letters.admin).get(reverse("reviews:letter", args=[own.pk]))

    assert selectors.letter_ratings_for(letter=own, user=letters.admin) == []
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        services.letter_decide(letter=own, actor=letters.admin, outcome="invited")
    assert page.context["triage_form"] is None
    assert b"Good." not in page.content
    own.refresh_from_db()
    assert own.status == LetterStatus.SUBMITTED
    # Another administrator decides it.
    services.letter_decide(letter=own, actor=make_admin(), outcome="invited")


def test_the_applicant_never_reaches_the_ratings_nor_the_committee_pages(letters):
    _rate_all(letters)
    applicant = letters.letter.applicant
    client = signed_in(applicant)

    assert api_as(applicant).get(f"{API}/letters/{letters.letter.pk}/ratings/").status_code == 404
    assert client.get(reverse("reviews:letter", args=[letters.letter.pk])).status_code == 404
    assert client.get(reverse("reviews:letters", args=[letters.call.pk])).status_code == 404
    body = api_as(applicant).get(f"{API}/letters/{letters.letter.pk}/").json()
    assert "ratings" not in body
    assert letters.members[0].username not in str(body)


def test_people_outside_the_committee_and_the_office_get_404(letters):
    outsider = make_user()

    assert (
        signed_in(outsider).get(reverse("reviews:letter", args=[letters.letter.pk])).status_code
        == 404
    )
    assert api_as(outsider).get(f"{API}/letters/{letters.letter.pk}/ratings/").status_code == 404
    assert (
        api_as(outsider)
        .post(f"{API}/letters/{letters.letter.pk}/triage/", {"outcome": "invited"}, format="json")
        .status_code
        == 404
    )


def test_a_draft_letter_is_unknown_to_the_committee(letters):
    draft = make_letter(call=letters.call, applicant=make_user(), send=False)

    response = signed_in(letters.chair).get(reverse("reviews:letter", args=[draft.pk]))

    assert response.status_code == 404


# ---- The letters page -----------------------------------------------------------------------


def test_the_office_sees_letters_awaiting_triage_best_mean_first(letters):
    _rate_all(letters)
    unrated = make_letter(call=letters.call, applicant=make_user(), title="Unrated")

    rows = selectors.letter_rows(call=letters.call, user=letters.admin)

    assert [(r.letter.title, r.mean, r.count) for r in rows] == [
        ("Ours", Decimal("1.5"), 2),
        ("Theirs", Decimal("5.0"), 1),
        ("Unrated", None, 0),
    ]
    assert unrated.status == LetterStatus.SUBMITTED


def test_a_member_sees_their_own_ratings_and_no_mean(letters):
    _rate_all(letters)

    response = signed_in(letters.members[0]).get(reverse("reviews:letters", args=[letters.call.pk]))

    assert response.status_code == 200
    assert response.context["reads_ratings"] is False
    assert [(r.letter.title, r.own.rating, r.mean, r.count) for r in response.context["rows"]] == [
        ("Ours", 1, None, None),
        ("Theirs", 5, None, None),
    ]
    assert b"Mean" not in response.content


@pytest.mark.parametrize(("role", "expected"), [("admin", 4), ("chair", 5), ("member", 4)])
def test_the_letters_rows_cost_the_same_queries_for_two_letters_and_four(
    letters, django_assert_num_queries, role, expected
):
    from accounts.models import User

    user = {"admin": letters.admin, "chair": letters.chair, "member": letters.members[0]}[role]
    fresh = User.objects.get(pk=user.pk)  # no roles cached, as a new request loads it
    with django_assert_num_queries(expected):
        two = selectors.letter_rows(call=letters.call, user=fresh)
    for _ in range(2):
        letter = make_letter(call=letters.call, applicant=make_user())
        services.letter_rate(letter=letter, actor=letters.members[0], rating=3)
    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(expected):
        four = selectors.letter_rows(call=letters.call, user=fresh)

    assert (len(two), len(four)) == (2, 4)


def test_the_member_rates_on_the_page_with_field_errors_first(letters):
    member = letters.members[0]
    client = signed_in(member)
    url = reverse("reviews:letter", args=[letters.letter.pk])

    bad = client.post(url, {"rate-rating": "9", "rate-comment": "Hm."})
    good = client.post(url, {"rate-rating": "2", "rate-comment": "Promising."})

    assert bad.status_code == 200
    assert list(bad.context["rating_form"].errors) == ["rating"]
    assert good["Location"] == reverse("reviews:letters", args=[letters.call.pk])
    rating = LetterRating.objects.get(letter=letters.letter, member=member)
    assert (rating.rating, rating.comment) == (2, "Promising.")


def test_the_member_declares_a_conflict_on_the_page(letters):
    member = letters.members[1]
    client = signed_in(member)
    url = reverse("reviews:letter", args=[letters.letter.pk])

    missing = client.post(url, {"declare": "1", "conflict-reason": "other"})
    declared = client.post(url, {"declare": "1", "conflict-reason": "financial"})

    assert missing.status_code == 200
    assert missing.context["conflict_form"].errors == {"__all__": ["Explain the conflict."]}
    assert declared.status_code == 302
    assert LetterRating.objects.get(letter=letters.letter, member=member).conflict == "financial"


def test_the_office_decides_on_the_page_with_a_message_for_a_decline(letters):
    client = signed_in(letters.admin)
    start_triage(letters.call, letters.admin)
    url = reverse("reviews:letter_triage", args=[letters.letter.pk])

    missing = client.post(url, {"triage-outcome": "declined", "triage-message": ""})
    decided = client.post(url, {"triage-outcome": "declined", "triage-message": "Too broad."})

    assert missing.status_code == 200
    assert missing.context["triage_form"].errors == {
        "message": ["Tell the applicant why their letter is not invited."]
    }
    assert decided["Location"] == reverse("reviews:letters", args=[letters.call.pk])
    letters.letter.refresh_from_db()
    assert (letters.letter.status, letters.letter.triage_message) == (
        LetterStatus.DECLINED,
        "Too broad.",
    )


def test_the_office_moves_the_call_through_its_letters_triage_on_the_page(letters):
    client = signed_in(letters.admin)
    url = reverse("reviews:letters_stage", args=[letters.call.pk])

    into = client.post(url, {"to": "letters_triage"}, follow=True)
    early = client.post(url, {"to": "open"}, follow=True)
    for letter in (letters.letter, letters.other):
        services.letter_decide(letter=letter, actor=letters.admin, outcome="invited")
    out = client.post(url, {"to": "open"}, follow=True)

    assert "The call is now letters in triage." in [str(m) for m in into.context["messages"]]
    assert "2 letters of intent still await triage; invite or decline each first." in [
        str(m) for m in early.context["messages"]
    ]
    assert "The call is now open." in [str(m) for m in out.context["messages"]]
    letters.call.refresh_from_db()
    assert letters.call.status == CallStatus.OPEN
    assert signed_in(letters.chair).post(url, {"to": "letters_triage"}).status_code == 404


def test_the_dashboard_tells_members_how_many_letters_await_their_rating(letters):
    services.letter_rate(letter=letters.letter, actor=letters.members[0], rating=1)

    waiting = selectors.letters_awaiting_rating(letters.members[0])

    assert waiting == [(letters.call, 1)]
    assert selectors.letters_awaiting_rating(letters.members[1]) == [(letters.call, 2)]
    assert selectors.letters_awaiting_rating(make_user()) == []


def test_the_review_queue_lists_the_letters_awaiting_the_members_rating(letters):
    services.letter_rate(letter=letters.letter, actor=letters.members[0], rating=1)
    url = reverse("reviews:queue")
    letters_url = reverse("reviews:letters", args=[letters.call.pk])

    rated_one = signed_in(letters.members[0]).get(url).content.decode()
    rated_none = signed_in(letters.members[1]).get(url).content.decode()
    outsider = signed_in(make_user()).get(url).content.decode()

    assert f'<a href="{letters_url}">1 letter of intent to rate in {letters.call.title}</a>' in (
        rated_one
    )
    assert f'<a href="{letters_url}">2 letters of intent to rate in' in rated_none
    assert "No proposals are assigned to you right now." in rated_none
    assert "Letters of intent to rate" not in outsider


# ---- API ------------------------------------------------------------------------------------


def test_api_member_rates_and_reads_only_their_own(letters):
    member = letters.members[0]
    url = f"{API}/letters/{letters.letter.pk}/ratings/"
    services.letter_rate(letter=letters.letter, actor=letters.members[1], rating=5)

    rated = api_as(member).post(url, {"rating": 2, "comment": "Solid."}, format="json")

    assert rated.status_code == 200, rated.content
    body = rated.json()
    assert (body["mean"], body["count"]) == (None, None)
    assert [(r["member"]["id"], r["rating"], r["comment"]) for r in body["ratings"]] == [
        (member.pk, 2, "Solid.")
    ]


@pytest.mark.parametrize(
    "payload",
    [{}, {"rating": 2, "conflict": "family"}, {"rating": 7}, {"conflict": "nonsense"}],
)
def test_api_rating_bad_input_is_400_and_saves_nothing(letters, payload):
    response = api_as(letters.members[0]).post(
        f"{API}/letters/{letters.letter.pk}/ratings/", payload, format="json"
    )

    assert response.status_code == 400
    assert LetterRating.objects.count() == 0


def test_api_office_reads_every_rating_with_the_mean(letters):
    _rate_all(letters)

    body = api_as(letters.admin).get(f"{API}/letters/{letters.letter.pk}/ratings/").json()

    assert (body["mean"], body["count"]) == ("1.5", 2)
    assert [(r["member"]["id"], r["rating"], r["conflict"]) for r in body["ratings"]] == [
        (letters.members[0].pk, 1, ""),
        (letters.members[1].pk, 2, ""),
        (letters.members[2].pk, None, "same_lab"),
    ]


def test_api_rating_is_403_for_the_office_and_409_once_decided(letters):
    url = f"{API}/letters/{letters.letter.pk}/ratings/"
    start_triage(letters.call, letters.admin)

    office = api_as(letters.admin).post(url, {"rating": 1}, format="json")
    services.letter_decide(letter=letters.letter, actor=letters.admin, outcome="invited")
    late = api_as(letters.members[0]).post(url, {"rating": 1}, format="json")

    assert office.status_code == 403
    assert late.status_code == 409


def test_api_triage_invites_declines_and_refuses(letters):
    url = f"{API}/letters/{letters.letter.pk}/triage/"
    admin = api_as(letters.admin)

    too_early = admin.post(url, {"outcome": "invited"}, format="json")
    start_triage(letters.call, letters.admin)
    bad = admin.post(url, {"outcome": "maybe"}, format="json")
    no_message = admin.post(url, {"outcome": "declined"}, format="json")
    member = api_as(letters.chair).post(url, {"outcome": "invited"}, format="json")
    invited = admin.post(url, {"outcome": "invited", "message": "Welcome."}, format="json")
    twice = admin.post(url, {"outcome": "declined", "message": "No."}, format="json")

    assert too_early.status_code == 409
    assert (bad.status_code, list(bad.json())) == (400, ["outcome"])
    assert (no_message.status_code, list(no_message.json())) == (400, ["message"])
    assert member.status_code == 403
    assert invited.status_code == 200
    assert (invited.json()["status"], invited.json()["triage_message"]) == ("invited", "Welcome.")
    assert twice.status_code == 409


def test_api_ratings_cost_the_same_queries_for_one_rating_and_three(letters):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{API}/letters/{letters.letter.pk}/ratings/"
    client = api_as(letters.admin)
    services.letter_rate(letter=letters.letter, actor=letters.members[0], rating=1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for member in letters.members[1:]:
        services.letter_rate(letter=letters.letter, actor=member, rating=2)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert len(response.json()["ratings"]) == 3
    assert len(three) == len(one)


def test_on_a_blind_call_the_committee_reads_letters_without_names(letters):
    """As for proposals (docs/invariants.md, blind review): names reach only the office and
    the chair; the letter's PDF, which names people, reaches no member."""
    from grants.models import FundingCall

    FundingCall.objects.filter(pk=letters.call.pk).update(blind_review=True)
    applicant = letters.letter.applicant

    member = signed_in(letters.members[0]).get(reverse("reviews:letter", args=[letters.letter.pk]))
    listing = signed_in(letters.members[0]).get(reverse("reviews:letters", args=[letters.call.pk]))
    office = signed_in(letters.admin).get(reverse("reviews:letter", args=[letters.letter.pk]))
    chair = signed_in(letters.chair).get(reverse("reviews:letter", args=[letters.letter.pk]))
    with_pdf = make_letter(call=letters.call, applicant=make_user(), document=True)
    pdf_url = reverse("reviews:letter_pdf", args=[with_pdf.pk])
    member_pdf = signed_in(letters.members[0]).get(pdf_url)
    chair_pdf = signed_in(letters.chair).get(pdf_url)

    for response in (member, listing):
        assert applicant.display_name.encode() not in response.content
        assert b"Rosa Diaz" not in response.content  # the team
    for response in (office, chair):
        assert applicant.display_name.encode() in response.content
    assert (member_pdf.status_code, chair_pdf.status_code) == (404, 200)


# ---- A conflict follows the letter into its full proposal -----------------------------------


def _invite_and_start(letters: Letters):
    """The applicant's letter invited, the call open for full proposals, the proposal started."""
    start_triage(letters.call, letters.admin)
    services.letter_decide(letter=letters.letter, actor=letters.admin, outcome="invited")
    services.letter_decide(
        letter=letters.other, actor=letters.admin, outcome="declined", message="Not this year."
    )
    open_full_proposals(letters.call, letters.admin)
    return grant_services.proposal_create(call=letters.call, actor=letters.letter.applicant)


def test_a_conflict_declared_on_the_letter_is_a_conflict_on_its_full_proposal(letters):
    from accounts.models import AuditEntry
    from reviews.conflicts import conflict_of
    from reviews.models import ConflictOfInterest

    conflicted, other = letters.members[0], letters.members[1]
    services.letter_conflict_declare(
        letter=letters.letter, actor=conflicted, reason="other", explanation="My cousin's lab."
    )
    services.letter_rate(letter=letters.letter, actor=other, rating=2)

    proposal = _invite_and_start(letters)

    conflict = ConflictOfInterest.objects.get(proposal=proposal)
    assert (conflict.reviewer, conflict.reason, conflict.explanation, conflict.declared_by) == (
        conflicted,
        "other",
        "My cousin's lab.",
        conflicted,
    )
    assert conflict_of(conflicted, proposal) == "other"
    assert conflict_of(other, proposal) is None
    entry = AuditEntry.objects.get(
        object_type="reviews.conflictofinterest", object_id=str(conflict.pk)
    )
    assert entry.note.startswith("Carried from the letter of intent: Other")


def test_a_conflict_declared_on_the_letter_later_releases_the_members_assignment(letters):
    from reviews.models import Assignment, ConflictOfInterest
    from tests.support.letters import complete_full_proposal

    member = letters.members[0]
    proposal = complete_full_proposal(_invite_and_start(letters))
    grant_services.proposal_submit(proposal=proposal, actor=proposal.pi)
    grant_services.call_begin_review(call=letters.call, actor=letters.admin)
    proposal.refresh_from_db()
    services.assignment_create(proposal=proposal, reviewer=member, actor=letters.admin)

    services.letter_conflict_declare(letter=letters.letter, actor=member, reason="collaborator")

    assert ConflictOfInterest.objects.get(proposal=proposal).reviewer == member
    assert not Assignment.objects.filter(proposal=proposal, reviewer=member).exists()
    # Declared again on the proposal itself: already on record, nothing doubled.
    services.letter_conflict_declare(letter=letters.letter, actor=member, reason="collaborator")
    assert ConflictOfInterest.objects.filter(proposal=proposal).count() == 1


def test_a_declined_letters_conflicts_go_nowhere(letters):
    from reviews.models import ConflictOfInterest

    services.letter_conflict_declare(
        letter=letters.other, actor=letters.members[0], reason="family"
    )

    _invite_and_start(letters)

    assert not ConflictOfInterest.objects.exists()
