"""No lost work: a save from a form (or API client) loaded before the last save is refused with
a clear message, the user's own text is kept, and nothing is overwritten silently.

Proposals and reviews carry a ``version`` raised by every save; the services take the version
the user's form was loaded with (``expected_version``), the pages carry it in a hidden field
and answer 409 with the user's text intact, and the API takes ``version`` or ``If-Match``.
"""

import pytest
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.urls import reverse

from grants import services as grant_services
from grants.choices import ProposalStatus
from grants.models import Proposal
from grants.services import STALE_ADVICE, StaleVersion, saved_when
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import Assignment, Review
from tests.api.support import API, api_as
from tests.factories import make_proposal, make_review_setup, make_user, move_review_to
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def saved_elsewhere(proposal: Proposal, **data) -> Proposal:
    """The PI saves the proposal in another window, from the version now stored."""
    fresh = Proposal.objects.get(pk=proposal.pk)
    return grant_services.proposal_update(
        proposal=fresh, actor=fresh.pi, data=data, expected_version=fresh.version
    )


def own_window_message(proposal: Proposal) -> str:
    proposal.refresh_from_db()
    return (
        f"You saved this proposal {saved_when(proposal.updated_at)} in another window or on "
        f"another device since you opened this page. {STALE_ADVICE}"
    )


def certified_assignment() -> Assignment:
    """A reviewer's assignment in independent review, conflict check done."""
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=3)
    review_services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    assignment = (
        Assignment.objects.filter(proposal=setup.proposals[0])
        .select_related("reviewer", "proposal")
        .order_by("pk")
        .first()
    )
    return review_services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)


def review_message(review: Review) -> str:
    review.refresh_from_db()
    return (
        f"This review was saved {saved_when(review.updated_at)} since you opened it (in another "
        f"window or on another device). {STALE_ADVICE}"
    )


# ---- Proposal service ------------------------------------------------------------------------


def test_proposal_update_at_the_current_version_saves_and_raises_the_version():
    proposal = make_proposal(complete=False)

    first = grant_services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"title": "One"}, expected_version=0
    )
    second = grant_services.proposal_update(
        proposal=first, actor=proposal.pi, data={"title": "Two"}, expected_version=1
    )

    proposal.refresh_from_db()
    assert (second.version, proposal.version, proposal.title) == (2, 2, "Two")
    assert proposal.updated_by == proposal.pi


def test_proposal_update_from_a_stale_version_is_refused_and_saves_nothing():
    proposal = make_proposal(complete=False)
    opened_at = proposal.version
    saved_elsewhere(proposal, title="Saved in the other window", abstract="Theirs.")

    with pytest.raises(StaleVersion) as refused:
        grant_services.proposal_update(
            proposal=proposal,
            actor=proposal.pi,
            data={"title": "Typed here", "abstract": "Mine."},
            expected_version=opened_at,
        )

    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.title, fresh.abstract, fresh.version) == (
        "Saved in the other window",
        "Theirs.",
        1,
    )
    assert refused.value.message_dict == {NON_FIELD_ERRORS: [own_window_message(fresh)]}
    assert refused.value.error_dict[NON_FIELD_ERRORS][0].code == "stale_version"
    assert refused.value.current_version == 1


def test_stale_proposal_message_names_who_saved_it_when_someone_else_did():
    proposal = make_proposal(complete=False)
    colleague = make_user()
    saved_elsewhere(proposal, title="Theirs")
    Proposal.objects.filter(pk=proposal.pk).update(updated_by=colleague)
    fresh = Proposal.objects.get(pk=proposal.pk)

    with pytest.raises(StaleVersion) as refused:
        grant_services.proposal_update(
            proposal=proposal, actor=proposal.pi, data={"title": "Mine"}, expected_version=0
        )

    assert refused.value.messages == [
        f"{colleague.display_name} saved this proposal {saved_when(fresh.updated_at)} since you "
        f"opened it. {STALE_ADVICE}"
    ]


def test_stale_proposal_message_says_someone_else_when_nobody_is_on_record():
    proposal = make_proposal(complete=False)
    Proposal.objects.filter(pk=proposal.pk).update(version=4, updated_by=None)
    fresh = Proposal.objects.get(pk=proposal.pk)

    with pytest.raises(StaleVersion) as refused:
        grant_services.proposal_update(
            proposal=proposal, actor=proposal.pi, data={"title": "Mine"}, expected_version=3
        )

    assert refused.value.messages == [
        f"Someone else saved this proposal {saved_when(fresh.updated_at)} since you opened it. "
        f"{STALE_ADVICE}"
    ]


def test_proposal_update_without_a_version_still_saves_for_scripts():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Earlier")

    grant_services.proposal_update(proposal=proposal, actor=proposal.pi, data={"title": "Script"})

    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("Script", 2)


def test_an_edit_from_a_page_opened_before_submission_is_refused():
    proposal = make_proposal()
    opened = Proposal.objects.get(pk=proposal.pk)  # the editor, still showing a draft
    grant_services.proposal_submit(proposal=proposal, actor=proposal.pi)

    with pytest.raises(PermissionDenied):
        grant_services.proposal_update(
            proposal=opened, actor=proposal.pi, data={"title": "Too late"}, expected_version=None
        )

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.title != "Too late"


# ---- Review service --------------------------------------------------------------------------


def test_review_draft_versions_start_at_zero_and_rise_with_every_save():
    assignment = certified_assignment()
    reviewer = assignment.reviewer

    first = review_services.review_save_draft(
        assignment=assignment, actor=reviewer, data={"overall_paragraph": "A"}, expected_version=0
    )
    second = review_services.review_save_draft(
        assignment=assignment, actor=reviewer, data={"overall_paragraph": "B"}, expected_version=1
    )

    assert (first.version, second.version) == (1, 2)
    assert Review.objects.get(assignment=assignment).overall_paragraph == "B"


def test_stale_review_draft_is_refused_keeps_the_saved_one_and_names_nobody():
    assignment = certified_assignment()
    reviewer = assignment.reviewer
    factor = assignment.proposal.call.review_criteria.order_by("position").first()
    review_services.review_save_draft(
        assignment=assignment,
        actor=reviewer,
        data={"overall_paragraph": "Other window.", "criteria": {factor.pk: {"score": 2}}},
        expected_version=0,
    )

    with pytest.raises(StaleVersion) as refused:
        review_services.review_save_draft(
            assignment=assignment,
            actor=reviewer,
            data={"overall_paragraph": "This window.", "criteria": {factor.pk: {"score": 7}}},
            expected_version=0,
        )

    review = Review.objects.get(assignment=assignment)
    assert (review.overall_paragraph, review.version) == ("Other window.", 1)
    assert review.scores.get(criterion=factor).score == 2
    assert refused.value.messages == [review_message(review)]
    for name in (reviewer.username, reviewer.display_name, reviewer.last_name):
        assert name not in refused.value.messages[0]


def test_a_review_first_saved_elsewhere_refuses_a_sheet_opened_before_it_existed():
    assignment = certified_assignment()
    review_services.review_save_draft(
        assignment=assignment, actor=assignment.reviewer, data={"overall_paragraph": "First."}
    )

    with pytest.raises(StaleVersion):
        review_services.review_save_draft(
            assignment=assignment,
            actor=assignment.reviewer,
            data={"overall_paragraph": "Second."},
            expected_version=0,
        )

    assert Review.objects.get(assignment=assignment).overall_paragraph == "First."


# ---- Proposal page ---------------------------------------------------------------------------


def test_proposal_editor_carries_the_version_it_was_opened_at():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Saved once")

    page = signed_in(proposal.pi).get(reverse("grants:proposal_edit", args=[proposal.pk]))

    assert page.context["form"]["version"].value() == 1
    assert '<input type="hidden" name="version" value="1"' in page.content.decode()


def test_stale_save_on_the_page_is_409_with_the_users_text_and_the_message():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)
    saved_elsewhere(proposal, title="Other window", abstract="Their abstract.")

    response = client.post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {"title": "My title", "abstract": "My abstract, typed for an hour.", "version": 0},
    )

    fresh = Proposal.objects.get(pk=proposal.pk)
    form = response.context["form"]
    assert response.status_code == 409
    assert (fresh.title, fresh.abstract, fresh.version) == ("Other window", "Their abstract.", 1)
    assert form["title"].value() == "My title"
    assert form["abstract"].value() == "My abstract, typed for an hour."
    assert form["version"].value() == "0"  # still stale: saving again needs a reload
    assert form.non_field_errors() == [own_window_message(fresh)]
    assert "My abstract, typed for an hour." in response.content.decode()


def test_stale_autosave_is_409_json_that_stops_the_script():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Other window")

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {"title": "Autosaved", "version": 0},
        headers={"X-Autosave": "1"},
    )

    fresh = Proposal.objects.get(pk=proposal.pk)
    assert response.status_code == 409
    assert response.json() == {
        "saved": False,
        "conflict": True,
        "errors": {"__all__": [own_window_message(fresh)]},
    }
    assert fresh.title == "Other window"


def test_a_page_post_without_its_version_saves_nothing():
    proposal = make_proposal(complete=False)

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]), {"title": "No version"}
    )

    proposal.refresh_from_db()
    assert response.status_code == 409
    assert proposal.title == ""
    assert response.context["form"].non_field_errors() == [
        "This page did not say which version of the proposal it was opened at, so nothing was "
        f"saved. {STALE_ADVICE}"
    ]


def test_consecutive_autosaves_move_the_version_on():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)
    url = reverse("grants:proposal_edit", args=[proposal.pk])

    first = client.post(url, {"title": "One", "version": 0}, headers={"X-Autosave": "1"})
    second = client.post(
        url, {"title": "Two", "version": first.json()["version"]}, headers={"X-Autosave": "1"}
    )

    proposal.refresh_from_db()
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert (proposal.title, proposal.version) == ("Two", 2)


# ---- Review page -----------------------------------------------------------------------------


def test_stale_review_sheet_is_409_with_the_reviewers_text_kept():
    assignment = certified_assignment()
    client = signed_in(assignment.reviewer)
    url = reverse("reviews:review", args=[assignment.pk])
    review_services.review_save_draft(
        assignment=assignment,
        actor=assignment.reviewer,
        data={"overall_paragraph": "Saved in the other window."},
        expected_version=0,
    )

    response = client.post(
        url,
        {
            "action": "save",
            "version": "0",
            "overall_paragraph": "Typed here.",
            "comments_to_applicant": "Also here.",
        },
    )

    review = Review.objects.get(assignment=assignment)
    assert response.status_code == 409
    assert response.context["general_errors"] == [review_message(review)]
    assert response.context["overall_paragraph"] == "Typed here."
    assert response.context["comments_to_applicant"] == "Also here."
    assert response.context["version"] == 0
    assert [str(m) for m in response.context["messages"]] == []
    assert (review.overall_paragraph, review.comments_to_applicant) == (
        "Saved in the other window.",
        "",
    )


def test_stale_review_submission_is_refused_before_submitting():
    assignment = certified_assignment()
    review_services.review_save_draft(
        assignment=assignment,
        actor=assignment.reviewer,
        data={"overall_paragraph": "Elsewhere."},
        expected_version=0,
    )

    response = signed_in(assignment.reviewer).post(
        reverse("reviews:review", args=[assignment.pk]),
        {"action": "submit", "version": "0", "overall_paragraph": "Here."},
    )

    review = Review.objects.get(assignment=assignment)
    assert response.status_code == 409
    assert (review.status, review.overall_paragraph) == ("draft", "Elsewhere.")


def test_review_autosave_answers_the_new_version_then_409_when_stale():
    assignment = certified_assignment()
    client = signed_in(assignment.reviewer)
    url = reverse("reviews:review", args=[assignment.pk])

    saved = client.post(
        url, {"overall_paragraph": "One.", "version": "0"}, headers={"X-Autosave": "1"}
    )
    stale = client.post(
        url, {"overall_paragraph": "Two.", "version": "0"}, headers={"X-Autosave": "1"}
    )

    review = Review.objects.get(assignment=assignment)
    assert (saved.status_code, saved.json()["version"]) == (200, 1)
    assert stale.status_code == 409
    assert stale.json()["saved"] is False
    assert stale.json()["conflict"] is True
    assert stale.json()["errors"] == {"__all__": [review_message(review)]}
    assert review.overall_paragraph == "One."


# ---- API: proposals --------------------------------------------------------------------------


def test_api_proposal_carries_its_version_and_etag():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Once")

    response = api_as(proposal.pi).get(f"{API}/proposals/{proposal.pk}/")

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response["ETag"] == f'"proposal-{proposal.pk}-v1"'


def test_api_patch_with_a_stale_version_is_409_and_saves_nothing():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Other client")

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", {"title": "Mine", "version": 0}, format="json"
    )

    fresh = Proposal.objects.get(pk=proposal.pk)
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"You saved this proposal {saved_when(fresh.updated_at)} in another window or "
        "on another device since you opened this page. Read it again, merge your changes into "
        "it, and send them with the new version.",
        "code": "stale_version",
        "current_version": 1,
        "saved_at": fresh.updated_at.isoformat(),
    }
    assert fresh.title == "Other client"


def test_api_patch_with_if_match_saves_and_answers_the_new_etag():
    proposal = make_proposal(complete=False)
    client = api_as(proposal.pi)
    tag = client.get(f"{API}/proposals/{proposal.pk}/")["ETag"]

    saved = client.patch(
        f"{API}/proposals/{proposal.pk}/",
        {"title": "First"},
        format="json",
        headers={"If-Match": tag},
    )
    stale = client.patch(
        f"{API}/proposals/{proposal.pk}/",
        {"title": "Lost"},
        format="json",
        headers={"If-Match": tag},
    )

    proposal.refresh_from_db()
    assert saved.status_code == 200
    assert saved["ETag"] == f'"proposal-{proposal.pk}-v1"'
    assert saved.json()["version"] == 1
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert proposal.title == "First"


def test_api_patch_without_version_or_if_match_is_not_checked():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Earlier")

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", {"title": "Script"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["title"] == "Script"


@pytest.mark.parametrize(
    ("if_match", "body"),
    [
        ('W/"proposal-{pk}-v0"', {}),
        ('"review-{pk}-v0"', {}),
        ('"proposal-{pk}-v0"', {"version": 1}),
    ],
    ids=["weak", "another-kind", "disagrees-with-body"],
)
def test_api_patch_with_an_unusable_if_match_is_400(if_match, body):
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/",
        {"title": "Mine", **body},
        format="json",
        headers={"If-Match": if_match.format(pk=proposal.pk)},
    )

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert proposal.title == ""


def test_api_if_match_star_is_not_checked():
    proposal = make_proposal(complete=False)
    saved_elsewhere(proposal, title="Earlier")

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/",
        {"title": "Any"},
        format="json",
        headers={"If-Match": "*"},
    )

    assert response.status_code == 200


# ---- API: reviews ----------------------------------------------------------------------------


def test_api_review_patch_stale_is_409_naming_nobody():
    assignment = certified_assignment()
    reviewer = assignment.reviewer
    client = api_as(reviewer)
    created = client.post(
        f"{API}/reviews/",
        {"assignment": assignment.pk, "overall_paragraph": "Draft.", "version": 0},
        format="json",
    )
    review_id = created.json()["id"]
    tag = client.get(f"{API}/reviews/{review_id}/")["ETag"]
    review_services.review_save_draft(
        assignment=assignment, actor=reviewer, data={"overall_paragraph": "Other window."}
    )

    by_header = client.patch(
        f"{API}/reviews/{review_id}/",
        {"overall_paragraph": "Lost?"},
        format="json",
        headers={"If-Match": tag},
    )
    by_body = client.patch(
        f"{API}/reviews/{review_id}/",
        {"overall_paragraph": "Lost?", "version": 1},
        format="json",
    )

    review = Review.objects.get(pk=review_id)
    assert (created.status_code, created.json()["version"]) == (201, 1)
    assert tag == f'"review-{review_id}-v1"'
    assert (by_header.status_code, by_body.status_code) == (409, 409)
    assert by_body.json()["current_version"] == 2
    assert reviewer.display_name not in by_body.json()["detail"]
    assert review.overall_paragraph == "Other window."


def test_api_review_create_on_an_existing_review_checks_the_version():
    assignment = certified_assignment()
    client = api_as(assignment.reviewer)
    client.post(
        f"{API}/reviews/",
        {"assignment": assignment.pk, "overall_paragraph": "First.", "version": 0},
        format="json",
    )

    again = client.post(
        f"{API}/reviews/",
        {"assignment": assignment.pk, "overall_paragraph": "Second.", "version": 0},
        format="json",
    )
    current = client.post(
        f"{API}/reviews/",
        {"assignment": assignment.pk, "overall_paragraph": "Third.", "version": 1},
        format="json",
    )

    assert again.status_code == 409
    assert (current.status_code, current.json()["version"]) == (200, 2)
    assert current["ETag"] == f'"review-{current.json()["id"]}-v2"'
