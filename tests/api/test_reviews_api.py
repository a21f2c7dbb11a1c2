"""Committee review through the API: committees, assignments, conflicts, reviews, phases, the
panel, the ranking and summary statements — happy paths, bad input, and who sees what."""

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.services import demographics_for
from grants import services as grant_services
from grants.choices import DecisionOutcome
from grants.models import Decision
from reviews import selectors
from reviews import services as review_services
from reviews.choices import ConflictReason, CriterionKind, ReviewPhase
from reviews.models import Assignment, Criterion, Review
from tests.factories import (
    complete_review_data,
    make_admin,
    make_call_in_review,
    make_committee,
    make_review_setup,
    make_reviewer,
    move_review_to,
    staff_if_nobody_is,
    submit_review,
)

from .support import API, api_as, ids

pytestmark = pytest.mark.django_db


def criteria_of(call) -> tuple[Criterion, ...]:
    """The call's criteria in order: Factor 1, Factor 2, Factor 3 (sufficiency), Health
    Disparities Relevance."""
    return tuple(Criterion.objects.filter(call=call).order_by("position", "pk"))


def factor3(call) -> Criterion:
    return next(c for c in criteria_of(call) if c.kind == CriterionKind.SUFFICIENCY)


def factor1(call) -> Criterion:
    return criteria_of(call)[0]


@dataclass
class Staffed:
    """A call with two proposals, a chair and three members. ``first`` and ``second`` review
    proposal A; ``third`` is on the committee but not assigned to it. Independent review."""

    setup: object
    a: object
    b: object
    first: object
    second: object
    third: object
    a_first: Assignment
    a_second: Assignment

    @property
    def chair(self):
        return self.setup.chair

    @property
    def admin(self):
        return self.setup.admin

    @property
    def call(self):
        return self.setup.call


def staffed(phase: str = ReviewPhase.INDEPENDENT_REVIEW) -> Staffed:
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)
    a, b = setup.proposals
    first, second, third = setup.members
    a_first = review_services.assignment_create(proposal=a, reviewer=first, actor=setup.chair)
    a_second = review_services.assignment_create(proposal=a, reviewer=second, actor=setup.chair)
    move_review_to(setup, phase)
    return Staffed(setup, a, b, first, second, third, a_first, a_second)


def review_of(assignment) -> Review:
    return Review.objects.get(assignment=assignment)


def start_review(assignment):
    """Certify and create the draft through the API; returns the response."""
    client = api_as(assignment.reviewer)
    client.post(f"{API}/assignments/{assignment.pk}/certify/")
    return client.post(f"{API}/reviews/", {"assignment": assignment.pk}, format="json")


# ---- Committees ------------------------------------------------------------------------------


def test_committee_create_by_administrator_with_members_by_username():
    admin = make_admin()
    chair, member = make_reviewer("chairperson"), make_reviewer("memberperson")

    response = api_as(admin).post(
        f"{API}/committees/",
        {"name": "Study section", "chair": "CHAIRPERSON", "members": ["memberperson"]},
        format="json",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["name"], body["chair"]["id"], body["member_count"]) == (
        "Study section",
        chair.pk,
        2,
    )
    assert sorted(m["user"]["id"] for m in body["members"]) == sorted([chair.pk, member.pk])
    assert {m["load_cap"] for m in body["members"]} == {8}


def test_committee_create_by_non_administrator_is_403():
    make_reviewer("chairperson")

    response = api_as(make_reviewer()).post(
        f"{API}/committees/", {"name": "Mine", "chair": "chairperson"}, format="json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "chair": "nobody"}, "chair"),
        ({"name": "X", "chair": "chairperson", "members": ["ghost"]}, "members"),
        ({"name": "X", "chair": "chairperson", "load_cap": -1}, "load_cap"),
        ({"name": "X", "chair": "chairperson", "load_cap": "many"}, "load_cap"),
        ({"chair": "chairperson"}, "name"),
        ({"name": "   ", "chair": "chairperson"}, "name"),
    ],
)
def test_committee_create_with_bad_input_is_a_field_error(body, field):
    make_reviewer("chairperson")

    response = api_as(make_admin()).post(f"{API}/committees/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_committees_list_is_scoped_administrators_all_chairs_theirs_others_none():
    admin = make_admin()
    mine = make_committee(admin=admin)
    other = make_committee(admin=admin)
    member = mine.members.exclude(pk=mine.chair_id).first()

    assert sorted(ids(api_as(admin).get(f"{API}/committees/"))) == sorted([mine.pk, other.pk])
    assert ids(api_as(mine.chair).get(f"{API}/committees/")) == [mine.pk]
    assert ids(api_as(member).get(f"{API}/committees/")) == []
    assert api_as(member).get(f"{API}/committees/{mine.pk}/").status_code == 404
    assert api_as(mine.chair).get(f"{API}/committees/{other.pk}/").status_code == 404


def test_committee_members_add_change_cap_and_remove():
    admin = make_admin()
    committee = make_committee(admin=admin, members=1)
    newcomer = make_reviewer("newcomer")
    client = api_as(admin)
    url = f"{API}/committees/{committee.pk}/members/"

    added = client.post(url, {"username": "newcomer", "load_cap": 4}, format="json")
    changed = client.patch(f"{url}{newcomer.pk}/", {"load_cap": 2}, format="json")
    listed = client.get(url)
    removed = client.delete(f"{url}{newcomer.pk}/")

    assert added.status_code == 201
    assert (added.json()["user"]["id"], added.json()["load_cap"]) == (newcomer.pk, 4)
    assert changed.status_code == 200
    assert changed.json()["load_cap"] == 2
    assert newcomer.pk in [m["user"]["id"] for m in listed.json()]
    assert removed.status_code == 204
    assert not committee.memberships.filter(user=newcomer).exists()


def test_committee_member_bad_load_cap_and_removing_the_chair_are_field_errors():
    admin = make_admin()
    committee = make_committee(admin=admin, members=1)
    member = committee.members.exclude(pk=committee.chair_id).get()
    client = api_as(admin)
    url = f"{API}/committees/{committee.pk}/members/"

    too_big = client.patch(f"{url}{member.pk}/", {"load_cap": 101}, format="json")
    chair = client.delete(f"{url}{committee.chair_id}/")
    twice = client.post(url, {"username": member.username}, format="json")

    assert (too_big.status_code, list(too_big.json())) == (400, ["load_cap"])
    assert (chair.status_code, list(chair.json())) == (400, ["user"])
    assert (twice.status_code, list(twice.json())) == (400, ["username"])


def test_chair_reads_their_committee_but_cannot_change_it():
    committee = make_committee()
    newcomer = make_reviewer()
    client = api_as(committee.chair)

    read = client.get(f"{API}/committees/{committee.pk}/members/")
    write = client.post(
        f"{API}/committees/{committee.pk}/members/", {"username": newcomer.username}
    )

    assert read.status_code == 200
    assert write.status_code == 403


def test_committee_attach_to_a_call_sets_up_its_review():
    setup = make_review_setup(proposals=1)
    other = make_committee(admin=setup.admin)
    call, _, _ = make_call_in_review(proposals=1, admin=setup.admin)

    response = api_as(setup.admin).post(
        f"{API}/committees/{other.pk}/attach/",
        {"call": call.pk, "reviewers_per_proposal": 2},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["call"], body["committee"]["id"], body["phase"]) == (
        call.pk,
        other.pk,
        "assignment",
    )
    assert body["reviewers_per_proposal"] == 2
    assert len(criteria_of(call)) == 4


# ---- Assignments -----------------------------------------------------------------------------


def test_chair_assigns_a_member_in_the_first_free_role():
    setup = make_review_setup(proposals=1)
    proposal = setup.proposals[0]
    member = setup.members[0]

    response = api_as(setup.chair).post(
        f"{API}/assignments/", {"proposal": proposal.pk, "reviewer": member.pk}, format="json"
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["proposal"]["id"], body["reviewer"]["id"], body["role"]) == (
        proposal.pk,
        member.pk,
        "primary",
    )
    assert (body["phase"], body["review"], body["certified_no_conflict_at"]) == (
        "assignment",
        None,
        None,
    )
    assert body["proposal"]["pi"]["id"] == proposal.pi_id


def test_assigning_a_conflicted_member_is_400_under_reviewer():
    setup = make_review_setup(proposals=1)
    proposal, member = setup.proposals[0], setup.members[0]
    review_services.conflict_declare(
        proposal=proposal, reviewer=member, actor=member, reason=ConflictReason.COLLABORATOR
    )

    response = api_as(setup.chair).post(
        f"{API}/assignments/", {"proposal": proposal.pk, "reviewer": member.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "reviewer": [f"{member.display_name} has a conflict with this proposal."]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reviewer": 1}, "proposal"),
        ({"proposal": "abc", "reviewer": 1}, "proposal"),
        ({"proposal": 999999, "reviewer": 1}, "proposal"),
        ({"proposal": "PROPOSAL", "reviewer": 999999}, "reviewer"),
        ({"proposal": "PROPOSAL", "reviewer": "MEMBER", "role": "boss"}, "role"),
    ],
)
def test_assignment_create_with_bad_input_is_a_field_error(body, field):
    setup = make_review_setup(proposals=1)
    values = {"PROPOSAL": setup.proposals[0].pk, "MEMBER": setup.members[0].pk}
    body = {key: values.get(value, value) for key, value in body.items()}

    response = api_as(setup.chair).post(f"{API}/assignments/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_reviewer_cannot_assign():
    setup = make_review_setup(proposals=1)

    response = api_as(setup.members[0]).post(
        f"{API}/assignments/",
        {"proposal": setup.proposals[0].pk, "reviewer": setup.members[1].pk},
        format="json",
    )

    assert response.status_code == 403


def test_assignments_list_reviewer_sees_own_chair_and_admin_see_the_calls():
    world = staffed()
    b_third = review_services.assignment_create(
        proposal=world.b, reviewer=world.third, actor=world.chair
    )
    everything = sorted([world.a_first.pk, world.a_second.pk, b_third.pk])

    assert ids(api_as(world.first).get(f"{API}/assignments/")) == [world.a_first.pk]
    assert sorted(ids(api_as(world.chair).get(f"{API}/assignments/"))) == everything
    assert sorted(ids(api_as(world.admin).get(f"{API}/assignments/"))) == everything
    assert ids(api_as(world.a.pi).get(f"{API}/assignments/")) == []
    assert api_as(world.first).get(f"{API}/assignments/{b_third.pk}/").status_code == 404


def test_assignments_filters_narrow_the_chairs_list():
    world = staffed()
    b_third = review_services.assignment_create(
        proposal=world.b, reviewer=world.third, actor=world.chair
    )
    client = api_as(world.chair)

    assert ids(client.get(f"{API}/assignments/?proposal={world.b.pk}")) == [b_third.pk]
    assert ids(client.get(f"{API}/assignments/?reviewer={world.second.pk}")) == [world.a_second.pk]
    assert ids(client.get(f"{API}/assignments/?role=secondary")) == [world.a_second.pk]
    assert len(ids(client.get(f"{API}/assignments/?call={world.call.pk}"))) == 3
    assert client.get(f"{API}/assignments/?role=boss").status_code == 400
    assert client.get(f"{API}/assignments/?call=abc").status_code == 400


def test_a_conflicted_chair_does_not_see_the_proposals_assignments():
    world = staffed()
    review_services.conflict_declare(
        proposal=world.a, reviewer=world.chair, actor=world.chair, reason=ConflictReason.FAMILY
    )

    response = api_as(world.chair).get(f"{API}/assignments/")

    assert ids(response) == []
    assert api_as(world.chair).get(f"{API}/assignments/{world.a_first.pk}/").status_code == 404


def test_chair_swaps_an_assignment_to_another_member():
    world = staffed()

    response = api_as(world.chair).post(
        f"{API}/assignments/{world.a_second.pk}/swap/", {"reviewer": world.third.pk}, format="json"
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["reviewer"]["id"], body["role"]) == (world.third.pk, "secondary")
    assert not Assignment.objects.filter(pk=world.a_second.pk).exists()


def test_swapping_a_submitted_review_is_refused_and_a_reviewer_may_not_swap():
    world = staffed()
    submit_review(world.a_first)

    refused = api_as(world.chair).post(
        f"{API}/assignments/{world.a_first.pk}/swap/", {"reviewer": world.third.pk}, format="json"
    )
    by_reviewer = api_as(world.second).post(
        f"{API}/assignments/{world.a_second.pk}/swap/", {"reviewer": world.third.pk}, format="json"
    )

    assert refused.status_code == 400
    assert list(refused.json()) == ["non_field_errors"]
    assert by_reviewer.status_code == 403


def test_chair_releases_an_assignment():
    world = staffed()

    response = api_as(world.chair).delete(f"{API}/assignments/{world.a_second.pk}/")
    by_reviewer = api_as(world.first).delete(f"{API}/assignments/{world.a_first.pk}/")

    assert response.status_code == 204
    assert by_reviewer.status_code == 403
    assert list(Assignment.objects.filter(proposal=world.a)) == [world.a_first]


def test_reviewer_certifies_no_conflict_and_nobody_else_can():
    world = staffed()

    by_chair = api_as(world.chair).post(f"{API}/assignments/{world.a_first.pk}/certify/")
    own = api_as(world.first).post(f"{API}/assignments/{world.a_first.pk}/certify/")

    assert by_chair.status_code == 403
    assert own.status_code == 200
    assert own.json()["certified_no_conflict_at"] is not None


# ---- Automatic assignment --------------------------------------------------------------------


def test_auto_assign_staffs_every_proposal():
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=3)

    response = api_as(setup.chair).post(f"{API}/calls/{setup.call.pk}/auto-assign/")

    body = response.json()
    assert response.status_code == 200
    assert len(body["created"]) == 6
    assert body["unstaffed"] == []
    assert sorted({a["proposal"]["id"] for a in body["created"]}) == sorted(
        p.pk for p in setup.proposals
    )
    assert {a["role"] for a in body["created"]} == {"primary", "secondary", "tertiary"}


def test_auto_assign_reports_what_it_could_not_staff():
    # Four members in all (the chair too) for five reviewers per proposal.
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=5)
    proposal = setup.proposals[0]

    response = api_as(setup.admin).post(f"{API}/calls/{setup.call.pk}/auto-assign/")

    body = response.json()
    assert response.status_code == 200
    assert len(body["created"]) == 4
    assert body["unstaffed"] == [
        {
            "proposal": {"id": proposal.pk, "title": proposal.title, "call": setup.call.pk},
            "reason": "Only 4 committee member(s) are free of conflicts with it; it needs 5.",
        }
    ]


def test_auto_assign_is_404_to_a_reviewer_and_400_outside_the_assignment_phases():
    world = staffed(ReviewPhase.PANEL)

    by_reviewer = api_as(world.first).post(f"{API}/calls/{world.call.pk}/auto-assign/")
    in_panel = api_as(world.chair).post(f"{API}/calls/{world.call.pk}/auto-assign/")

    assert by_reviewer.status_code == 404
    assert in_panel.status_code == 400
    assert list(in_panel.json()) == ["non_field_errors"]


# ---- Phases ----------------------------------------------------------------------------------


def test_phase_get_and_step_forward():
    setup = make_review_setup(proposals=1)
    staff_if_nobody_is(setup)
    client = api_as(setup.chair)
    url = f"{API}/calls/{setup.call.pk}/phase/"

    before = client.get(url)
    moved = client.post(url, {"to": "independent_review"}, format="json")

    assert before.status_code == 200
    assert (before.json()["phase"], before.json()["next_phases"]) == (
        "assignment",
        ["independent_review"],
    )
    assert moved.status_code == 200
    assert (moved.json()["phase"], moved.json()["next_phases"]) == (
        "independent_review",
        ["assignment", "read_phase"],
    )


def test_phase_jump_is_409_and_unknown_phase_400():
    setup = make_review_setup(proposals=1)
    client = api_as(setup.chair)
    url = f"{API}/calls/{setup.call.pk}/phase/"

    jump = client.post(url, {"to": "panel"}, format="json")
    unknown = client.post(url, {"to": "lunch"}, format="json")
    missing = client.post(url, {}, format="json")

    assert jump.status_code == 409
    assert jump.json() == {"detail": "The review cannot go from assignment to panel."}
    assert (unknown.status_code, list(unknown.json())) == (400, ["to"])
    assert (missing.status_code, list(missing.json())) == (400, ["to"])


def test_phase_is_404_to_members_and_applicants():
    world = staffed()
    url = f"{API}/calls/{world.call.pk}/phase/"

    assert api_as(world.first).get(url).status_code == 404
    assert api_as(world.a.pi).post(url, {"to": "read_phase"}, format="json").status_code == 404


# ---- Conflicts -------------------------------------------------------------------------------


def test_member_declares_a_conflict_and_loses_the_assignment():
    world = staffed()

    response = api_as(world.first).post(
        f"{API}/conflicts/",
        {"proposal": world.a.pk, "reason": "collaborator"},
        format="json",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["proposal"]["id"], body["reviewer"]["id"], body["reason"]) == (
        world.a.pk,
        world.first.pk,
        "collaborator",
    )
    assert not Assignment.objects.filter(pk=world.a_first.pk).exists()
    assert api_as(world.first).get(f"{API}/assignments/{world.a_first.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"proposal": "A", "reason": "other"}, "explanation"),
        ({"proposal": "A", "reason": "grudge"}, "reason"),
        ({"proposal": 999999, "reason": "family"}, "proposal"),
        ({"reason": "family"}, "proposal"),
    ],
)
def test_declaring_a_conflict_with_bad_input_is_a_field_error(body, field):
    world = staffed()
    body = {key: world.a.pk if value == "A" else value for key, value in body.items()}

    response = api_as(world.first).post(f"{API}/conflicts/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_declaring_on_a_proposal_outside_ones_committee_is_unknown():
    world = staffed()
    outsider = make_reviewer()

    response = api_as(outsider).post(
        f"{API}/conflicts/", {"proposal": world.a.pk, "reason": "family"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["proposal"]


def test_chair_declares_for_a_member_and_sees_the_calls_declarations():
    world = staffed()
    own = review_services.conflict_declare(
        proposal=world.b, reviewer=world.third, actor=world.third, reason=ConflictReason.FAMILY
    )

    declared = api_as(world.chair).post(
        f"{API}/conflicts/",
        {"proposal": world.a.pk, "reviewer": world.second.pk, "reason": "same_lab"},
        format="json",
    )

    assert declared.status_code == 201
    assert declared.json()["declared_by"]["id"] == world.chair.pk
    assert sorted(ids(api_as(world.chair).get(f"{API}/conflicts/"))) == sorted(
        [own.pk, declared.json()["id"]]
    )
    assert ids(api_as(world.third).get(f"{API}/conflicts/")) == [own.pk]
    assert ids(api_as(world.first).get(f"{API}/conflicts/")) == []
    assert ids(api_as(world.chair).get(f"{API}/conflicts/?reason=family")) == [own.pk]


def test_a_member_cannot_declare_for_someone_else():
    world = staffed()

    response = api_as(world.first).post(
        f"{API}/conflicts/",
        {"proposal": world.a.pk, "reviewer": world.second.pk, "reason": "family"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["proposal"]


# ---- Reviews: writing ------------------------------------------------------------------------


def test_starting_a_review_before_certifying_is_403():
    world = staffed()

    response = api_as(world.first).post(
        f"{API}/reviews/", {"assignment": world.a_first.pk}, format="json"
    )

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_starting_a_review_lists_every_criterion():
    world = staffed()

    response = start_review(world.a_first)

    body = response.json()
    assert response.status_code == 201
    assert (body["status"], body["assignment"], body["role"]) == (
        "draft",
        world.a_first.pk,
        "primary",
    )
    assert [c["criterion"] for c in body["criteria"]] == [c.pk for c in criteria_of(world.call)]
    assert all(c["score"] is None and c["sufficient"] is None for c in body["criteria"])


def test_starting_someone_elses_assignment_is_unknown():
    world = staffed()
    api_as(world.first).post(f"{API}/assignments/{world.a_first.pk}/certify/")

    response = api_as(world.second).post(
        f"{API}/reviews/", {"assignment": world.a_first.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["assignment"]


def test_draft_saves_scores_and_text():
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]
    f1, f3 = factor1(world.call), factor3(world.call)

    response = api_as(world.first).patch(
        f"{API}/reviews/{review_id}/",
        {
            "overall_impact": "3",
            "overall_paragraph": "Promising.",
            "criteria": {
                str(f1.pk): {"score": 2, "strengths": "Important."},
                str(f3.pk): {"sufficient": "insufficient", "explanation": "No statistician."},
            },
        },
        format="json",
    )

    body = response.json()
    rows = {c["criterion"]: c for c in body["criteria"]}
    assert response.status_code == 200
    assert (body["overall_impact"], body["overall_paragraph"]) == (3, "Promising.")
    assert (rows[f1.pk]["score"], rows[f1.pk]["strengths"]) == (2, "Important.")
    assert (rows[f3.pk]["sufficient"], rows[f3.pk]["explanation"]) == (False, "No statistician.")


@pytest.mark.parametrize("bad", [0, 10, "abc", 3.5, True, "3.0", -1, [2], {"v": 2}])
def test_bad_criterion_score_is_a_field_error_and_the_text_is_kept(bad):
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]
    f1 = factor1(world.call)

    response = api_as(world.first).patch(
        f"{API}/reviews/{review_id}/",
        {
            "overall_paragraph": "Kept.",
            "criteria": {str(f1.pk): {"score": bad, "strengths": "Also kept."}},
        },
        format="json",
    )

    review = Review.objects.get(pk=review_id)
    assert response.status_code == 400
    assert list(response.json()) == [f"criterion_{f1.pk}_score"]
    assert review.overall_paragraph == "Kept."
    assert review.scores.get(criterion=f1).strengths == "Also kept."


@pytest.mark.parametrize("bad", [0, 10, "abc"])
def test_bad_overall_impact_is_a_field_error(bad):
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]

    response = api_as(world.first).patch(
        f"{API}/reviews/{review_id}/", {"overall_impact": bad}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["overall_impact"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"criteria": {"999999": {"score": 2}}}, "criteria"),
        ({"criteria": {"abc": {"score": 2}}}, "criteria"),
        ({"criteria": [1, 2]}, "criteria"),
        ({"criteria": {"1": 5}}, "criteria"),
        ({"overall_paragraph": ["not", "text"]}, "overall_paragraph"),
    ],
)
def test_malformed_drafts_are_field_errors(body, field):
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]

    response = api_as(world.first).patch(f"{API}/reviews/{review_id}/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_submitting_an_incomplete_review_lists_what_is_missing():
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]
    criteria = criteria_of(world.call)

    response = api_as(world.first).post(f"{API}/reviews/{review_id}/submit/")

    expected = {
        f"criterion_{c.pk}_{'sufficient' if c.kind == CriterionKind.SUFFICIENCY else 'score'}"
        for c in criteria
    } | {"overall_impact", "overall_paragraph"}
    assert response.status_code == 400
    assert set(response.json()) == expected


def test_insufficient_without_explanation_cannot_be_submitted():
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]
    data = complete_review_data(world.call, sufficient=True)
    f3 = factor3(world.call)
    data["criteria"] = {str(k): v for k, v in data["criteria"].items()}
    data["criteria"][str(f3.pk)] = {"sufficient": False, "explanation": "  "}
    client = api_as(world.first)
    client.patch(f"{API}/reviews/{review_id}/", data, format="json")

    response = client.post(f"{API}/reviews/{review_id}/submit/")

    assert response.status_code == 400
    assert response.json() == {
        f"criterion_{f3.pk}_explanation": [f"Explain why {f3.name} is insufficient."]
    }


def test_submit_locks_the_review_and_submitting_twice_is_409():
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]
    data = complete_review_data(world.call)
    data["criteria"] = {str(k): v for k, v in data["criteria"].items()}
    client = api_as(world.first)
    client.patch(f"{API}/reviews/{review_id}/", data, format="json")

    first = client.post(f"{API}/reviews/{review_id}/submit/")
    second = client.post(f"{API}/reviews/{review_id}/submit/")
    edit = client.patch(f"{API}/reviews/{review_id}/", {"overall_impact": 1}, format="json")

    assert first.status_code == 200
    assert first.json()["status"] == "submitted"
    assert second.status_code == 409
    assert second.json() == {"detail": "This review is submitted; ask the chair to reopen it."}
    assert edit.status_code == 409
    assert review_of(world.a_first).overall_impact == 3


def test_someone_elses_draft_is_invisible_and_their_submitted_review_read_only():
    world = staffed(ReviewPhase.INDEPENDENT_REVIEW)
    submit_review(world.a_first)
    move_review_to(world.setup, ReviewPhase.READ_PHASE)
    submit_review(world.a_second)
    first_review = review_of(world.a_first)

    patch = api_as(world.second).patch(
        f"{API}/reviews/{first_review.pk}/", {"overall_impact": 9}, format="json"
    )
    submit = api_as(world.second).post(f"{API}/reviews/{first_review.pk}/submit/")

    assert patch.status_code == 403
    assert submit.status_code == 403


def test_chair_reopens_a_submitted_review_and_a_reviewer_cannot():
    world = staffed()
    review = submit_review(world.a_first)

    by_reviewer = api_as(world.first).post(f"{API}/reviews/{review.pk}/reopen/")
    by_chair = api_as(world.chair).post(
        f"{API}/reviews/{review.pk}/reopen/", {"reason": "Revisit Factor 2."}, format="json"
    )
    again = api_as(world.first).patch(
        f"{API}/reviews/{review.pk}/", {"overall_impact": 2}, format="json"
    )

    assert by_reviewer.status_code == 403
    assert by_chair.status_code == 200
    assert (by_chair.json()["status"], by_chair.json()["reopened_count"]) == ("draft", 1)
    assert again.status_code == 200
    assert again.json()["overall_impact"] == 2


# ---- Reviews: who reads what -----------------------------------------------------------------


def test_a_reviewer_cannot_read_other_reviews_before_submitting_their_own():
    world = staffed()
    other = submit_review(world.a_second)
    move_review_to(world.setup, ReviewPhase.READ_PHASE)
    api_as(world.first).post(f"{API}/assignments/{world.a_first.pk}/certify/")

    listed = api_as(world.first).get(f"{API}/reviews/")
    one = api_as(world.first).get(f"{API}/reviews/{other.pk}/")

    assert ids(listed) == []
    assert one.status_code == 404


def test_after_submitting_in_the_read_phase_a_reviewer_reads_the_others():
    world = staffed()
    other = submit_review(world.a_second)
    own = submit_review(world.a_first)
    before = ids(api_as(world.first).get(f"{API}/reviews/"))
    move_review_to(world.setup, ReviewPhase.READ_PHASE)

    after = api_as(world.first).get(f"{API}/reviews/")
    one = api_as(world.first).get(f"{API}/reviews/{other.pk}/")

    assert before == [own.pk]
    assert sorted(ids(after)) == sorted([own.pk, other.pk])
    assert one.status_code == 200
    assert one.json()["reviewer"]["id"] == world.second.pk
    assert one.json()["confidential_comments"] == "CONFIDENTIAL: the PI is overcommitted."


def test_a_conflicted_member_gets_404_for_the_proposals_reviews_even_in_the_panel():
    world = staffed()
    reviews = [submit_review(world.a_first), submit_review(world.a_second)]
    review_services.conflict_declare(
        proposal=world.a, reviewer=world.third, actor=world.third, reason=ConflictReason.FAMILY
    )
    move_review_to(world.setup, ReviewPhase.PANEL)
    client = api_as(world.third)

    listed = client.get(f"{API}/reviews/")
    singles = [client.get(f"{API}/reviews/{r.pk}/").status_code for r in reviews]
    summary = client.get(f"{API}/proposals/{world.a.pk}/summary-statement/")

    assert ids(listed) == []
    assert singles == [404, 404]
    assert summary.status_code == 404


def test_an_unassigned_member_reads_reviews_from_the_panel_on():
    world = staffed()
    review = submit_review(world.a_first)
    move_review_to(world.setup, ReviewPhase.READ_PHASE)
    before = ids(api_as(world.third).get(f"{API}/reviews/"))
    move_review_to(world.setup, ReviewPhase.PANEL)

    after = ids(api_as(world.third).get(f"{API}/reviews/"))

    assert before == []
    assert after == [review.pk]


def test_the_reviews_list_is_exactly_the_rule_for_every_role():
    """The list's filter and the rule ``reviews.read_reviews`` agree, for everyone."""
    world = staffed()
    submit_review(world.a_first)
    review_services.conflict_certify_none(assignment=world.a_second, actor=world.second)
    review_services.review_save_draft(
        assignment=world.a_second, actor=world.second, data={"overall_paragraph": "Draft"}
    )
    b_third = review_services.assignment_create(
        proposal=world.b, reviewer=world.third, actor=world.chair
    )
    submit_review(b_third)
    people = [world.first, world.second, world.third, world.chair, world.admin, world.a.pi]

    for phase in (ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.READ_PHASE, ReviewPhase.PANEL):
        move_review_to(world.setup, phase)
        for user in people:
            expected = set(
                Review.objects.filter(assignment__reviewer=user).values_list("pk", flat=True)
            )
            for proposal in (world.a, world.b):
                expected |= {r.pk for r in selectors.reviews_readable_by(user, proposal)}
            listed = set(ids(api_as(user).get(f"{API}/reviews/?page_size=200")))
            assert listed == expected, (phase, user.username)


# ---- The panel -------------------------------------------------------------------------------


def in_panel(*, conflicted_third_on_a: bool = False) -> Staffed:
    """Both proposals reviewed (A better than B), panel phase, both discussed."""
    world = staffed()
    b_first = review_services.assignment_create(
        proposal=world.b, reviewer=world.first, actor=world.chair
    )
    submit_review(world.a_first, impact=2)
    submit_review(world.a_second, impact=3)
    submit_review(b_first, impact=6)
    if conflicted_third_on_a:
        review_services.conflict_declare(
            proposal=world.a, reviewer=world.third, actor=world.third, reason=ConflictReason.FAMILY
        )
    move_review_to(world.setup, ReviewPhase.PANEL)
    review_services.panel_set_disposition(
        proposal=world.b, disposition="discussed", actor=world.chair
    )
    return world


def test_panel_rows_best_preliminary_score_first():
    world = in_panel()

    response = api_as(world.chair).get(f"{API}/calls/{world.call.pk}/panel/")

    rows = response.json()
    assert response.status_code == 200
    assert [r["proposal"]["id"] for r in rows] == [world.a.pk, world.b.pk]
    assert [r["preliminary_score"] for r in rows] == ["2.50", "6.00"]
    assert [r["reviews_submitted"] for r in rows] == [2, 1]
    assert [r["disposition"] for r in rows] == ["discussed", "discussed"]
    assert [(r["votes"], r["eligible_voters"]) for r in rows] == [(0, 4), (0, 4)]


def test_panel_is_404_to_members_and_applicants():
    world = in_panel()
    url = f"{API}/calls/{world.call.pk}/panel/"

    assert api_as(world.first).get(url).status_code == 404
    assert api_as(world.a.pi).get(url).status_code == 404


def test_members_enter_final_scores_and_the_chair_finalizes():
    world = in_panel()
    url = f"{API}/calls/{world.call.pk}/panel/"
    for member, score in ((world.first, 2), (world.second, 2), (world.third, 3), (world.chair, 2)):
        response = api_as(member).post(url, {"proposal": world.a.pk, "score": score}, format="json")
        assert response.status_code == 200, response.content

    votes = api_as(world.chair).get(f"{url}{world.a.pk}/")
    finalized = api_as(world.chair).post(
        f"{url}finalize/",
        {"proposal": world.a.pk, "resume_of_discussion": "Strong team."},
        format="json",
    )

    assert votes.status_code == 200
    assert [v["voted"] for v in votes.json()["votes"]] == [True] * 4
    assert finalized.status_code == 200
    # mean 2.25 -> 2.3 -> 23; the only finalized proposal is at the 50th percentile.
    assert (finalized.json()["final_impact_score"], finalized.json()["percentile"]) == (23, 50)
    assert finalized.json()["resume_of_discussion"] == "Strong team."


@pytest.mark.parametrize("bad", [0, 10, "abc", None, 2.5])
def test_final_score_out_of_range_is_400_under_score(bad):
    world = in_panel()

    response = api_as(world.first).post(
        f"{API}/calls/{world.call.pk}/panel/", {"proposal": world.a.pk, "score": bad}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["score"]


def test_final_score_by_a_conflicted_member_is_404():
    world = in_panel(conflicted_third_on_a=True)

    response = api_as(world.third).post(
        f"{API}/calls/{world.call.pk}/panel/", {"proposal": world.a.pk, "score": 2}, format="json"
    )

    assert response.status_code == 404


def test_final_score_by_someone_off_the_committee_is_404():
    world = in_panel()

    response = api_as(world.a.pi).post(
        f"{API}/calls/{world.call.pk}/panel/", {"proposal": world.b.pk, "score": 2}, format="json"
    )

    assert response.status_code == 404


def test_ballot_lists_what_a_member_may_score():
    world = in_panel(conflicted_third_on_a=True)
    api_as(world.first).post(
        f"{API}/calls/{world.call.pk}/panel/", {"proposal": world.b.pk, "score": 5}, format="json"
    )

    first = api_as(world.first).get(f"{API}/calls/{world.call.pk}/panel/ballot/")
    third = api_as(world.third).get(f"{API}/calls/{world.call.pk}/panel/ballot/")
    outsider = api_as(make_reviewer()).get(f"{API}/calls/{world.call.pk}/panel/ballot/")

    assert [(r["proposal"]["id"], r["my_score"]) for r in first.json()] == [
        (world.a.pk, None),
        (world.b.pk, 5),
    ]
    assert [r["proposal"]["id"] for r in third.json()] == [world.b.pk]
    assert outsider.status_code == 404


def test_chair_sets_a_disposition_and_an_unknown_one_is_400():
    world = in_panel()
    url = f"{API}/calls/{world.call.pk}/panel/disposition/"

    dropped = api_as(world.chair).post(
        url, {"proposal": world.b.pk, "disposition": "not_discussed"}, format="json"
    )
    unknown = api_as(world.chair).post(
        url, {"proposal": world.b.pk, "disposition": "maybe"}, format="json"
    )
    by_member = api_as(world.first).post(
        url, {"proposal": world.b.pk, "disposition": "discussed"}, format="json"
    )

    assert dropped.status_code == 200
    assert dropped.json()["disposition"] == "not_discussed"
    assert (unknown.status_code, list(unknown.json())) == (400, ["disposition"])
    assert by_member.status_code == 404


def test_finalizing_without_resume_or_votes_is_400():
    world = in_panel()

    response = api_as(world.chair).post(
        f"{API}/calls/{world.call.pk}/panel/finalize/",
        {"proposal": world.b.pk, "resume_of_discussion": ""},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"resume_of_discussion", "final_scores"}


# ---- Ranking, decisions, summary statements --------------------------------------------------


def released() -> Staffed:
    """Both proposals finalized (A 20, B 50), the review closed, A funded and B not, and the
    decisions released."""
    world = in_panel()
    url = f"{API}/calls/{world.call.pk}/panel/"
    for member in (world.first, world.second, world.third):
        api_as(member).post(url, {"proposal": world.a.pk, "score": 2}, format="json")
        api_as(member).post(url, {"proposal": world.b.pk, "score": 5}, format="json")
    for proposal in (world.a, world.b):
        review_services.panel_finalize(
            proposal=proposal, actor=world.chair, resume_of_discussion="Discussed."
        )
    move_review_to(world.setup, ReviewPhase.CLOSED)
    grant_services.decision_record(
        proposal=world.a, actor=world.admin, outcome=DecisionOutcome.FUNDED
    )
    grant_services.decision_record(
        proposal=world.b, actor=world.admin, outcome=DecisionOutcome.NOT_FUNDED
    )
    return world


def test_ranking_orders_by_final_score_with_running_total_and_pay_line():
    world = released()
    world.call.max_award, world.call.total_budget = 15000, 20000
    world.call.save(update_fields=["max_award", "total_budget"])

    response = api_as(world.admin).get(f"{API}/calls/{world.call.pk}/ranking/")

    body = response.json()
    rows = body["results"]
    assert response.status_code == 200
    assert [r["proposal"]["id"] for r in rows] == [world.a.pk, world.b.pk]
    assert [(r["rank"], r["final_impact_score"], r["percentile"]) for r in rows] == [
        (1, 20, 25),
        (2, 50, 75),
    ]
    # B was not funded: it takes nothing from the budget, so no pay line is crossed.
    assert [(r["requested_amount"], r["running_total"]) for r in rows] == [
        ("15000.00", "15000.00"),
        ("15000.00", "15000.00"),
    ]
    assert [(r["within_budget"], r["pay_line_before"]) for r in rows] == [
        (True, False),
        (True, False),
    ]
    assert [r["decision"]["outcome"] for r in rows] == ["funded", "not_funded"]
    assert (body["committed"], body["remaining"]) == ("15000.00", "5000.00")


def test_before_decisions_the_pay_line_counts_what_each_proposal_requests():
    world = released()
    Decision.objects.filter(proposal=world.b).delete()
    world.call.max_award, world.call.total_budget = 15000, 20000
    world.call.save(update_fields=["max_award", "total_budget"])

    rows = api_as(world.admin).get(f"{API}/calls/{world.call.pk}/ranking/").json()["results"]

    assert [r["running_total"] for r in rows] == ["15000.00", "30000.00"]
    assert [(r["within_budget"], r["pay_line_before"]) for r in rows] == [
        (True, False),
        (False, True),
    ]


def test_a_reduced_award_counts_its_awarded_amount_in_the_running_total():
    world = released()
    Decision.objects.filter(proposal=world.a).update(amount=Decimal("9000.00"))
    Decision.objects.filter(proposal=world.b).delete()
    world.call.max_award, world.call.total_budget = 15000, 25000
    world.call.save(update_fields=["max_award", "total_budget"])

    rows = api_as(world.admin).get(f"{API}/calls/{world.call.pk}/ranking/").json()["results"]

    assert [r["running_total"] for r in rows] == ["9000.00", "24000.00"]
    assert [r["within_budget"] for r in rows] == [True, True]


def test_the_chair_sees_the_ranking_without_decisions_and_members_get_404():
    world = released()

    chair = api_as(world.chair).get(f"{API}/calls/{world.call.pk}/ranking/")
    member = api_as(world.first).get(f"{API}/calls/{world.call.pk}/ranking/")

    assert chair.status_code == 200
    assert [r["decision"] for r in chair.json()["results"]] == [None, None]
    assert chair.json()["committed"] is None
    assert member.status_code == 404


def test_summary_statement_is_404_to_the_pi_before_release():
    world = released()

    response = api_as(world.a.pi).get(f"{API}/proposals/{world.a.pk}/summary-statement/")

    assert response.status_code == 404


def test_after_release_the_pi_reads_reviewer_1_and_2_with_no_names_or_confidential_comments():
    world = released()
    grant_services.decisions_release(call=world.call, actor=world.admin)

    response = api_as(world.a.pi).get(f"{API}/proposals/{world.a.pk}/summary-statement/")

    body = response.json()
    text = json.dumps(body)
    assert response.status_code == 200
    assert [c["label"] for c in body["critiques"]] == ["Reviewer 1", "Reviewer 2"]
    assert (body["final_impact_score"], body["percentile"]) == (20, 25)
    assert body["resume_of_discussion"] == "Discussed."
    assert body["critiques"][0]["comments_to_applicant"] == "Consider a larger sample."
    for reviewer in (world.first, world.second, world.third, world.chair):
        assert reviewer.username not in text
        assert reviewer.last_name not in text
    assert "CONFIDENTIAL" not in text
    assert "confidential" not in text


def test_the_chair_reads_the_summary_statement_before_release_and_a_reviewer_cannot():
    world = released()

    chair = api_as(world.chair).get(f"{API}/proposals/{world.a.pk}/summary-statement/")
    reviewer = api_as(world.first).get(f"{API}/proposals/{world.a.pk}/summary-statement/")

    assert chair.status_code == 200
    assert reviewer.status_code == 404


# ---- Demographics never appear ---------------------------------------------------------------


DEMOGRAPHIC_KEYS = {
    "race_ethnicity",
    "race_ethnicity_detail",
    "sex",
    "sex_self_described",
    "birth_year",
    "disadvantaged",
    "disadvantaged_basis",
    "rural_background",
    "first_generation",
    "demographics",
}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_reviews_endpoint_shows_demographics():
    world = released()
    for person in (world.a.pi, world.first, world.chair):
        demographics = demographics_for(person)
        demographics.sex = "female"
        demographics.save()
    call, a = world.call.pk, world.a.pk
    committee = world.setup.committee.pk
    urls = [
        "committees/",
        f"committees/{committee}/",
        f"committees/{committee}/members/",
        "assignments/",
        "conflicts/",
        "reviews/",
        f"calls/{call}/phase/",
        f"calls/{call}/panel/",
        f"calls/{call}/panel/{a}/",
        f"calls/{call}/ranking/",
        f"proposals/{a}/summary-statement/",
    ]

    keys = set()
    for url in urls:
        response = api_as(world.admin).get(f"{API}/{url}")
        assert response.status_code == 200, url
        keys |= _keys(response.json())

    assert keys & DEMOGRAPHIC_KEYS == set()


# ---- Query counts ----------------------------------------------------------------------------


def _assignments(n: int):
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    for proposal in setup.proposals:
        review_services.assignment_create(
            proposal=proposal, reviewer=setup.members[0], actor=setup.chair
        )
    return setup.chair, f"{API}/assignments/"


def _own_assignments(n: int):
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    for proposal in setup.proposals:
        review_services.assignment_create(
            proposal=proposal, reviewer=setup.members[0], actor=setup.chair
        )
    return setup.members[0], f"{API}/assignments/"


def _reviews(n: int):
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    assignments = [
        review_services.assignment_create(
            proposal=proposal, reviewer=setup.members[0], actor=setup.chair
        )
        for proposal in setup.proposals
    ]
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    for assignment in assignments:
        submit_review(assignment)
    return setup.members[0], f"{API}/reviews/"


def _reviews_read_by_chair(n: int):
    member, url = _reviews(n)
    chair = Review.objects.first().assignment.proposal.call.call_review.committee.chair
    return chair, url


def _conflicts(n: int):
    setup = make_review_setup(proposals=n, members=3)
    for proposal in setup.proposals:
        review_services.conflict_declare(
            proposal=proposal,
            reviewer=setup.members[0],
            actor=setup.members[0],
            reason=ConflictReason.COLLABORATOR,
        )
    return setup.chair, f"{API}/conflicts/"


def _committees(n: int):
    admin = make_admin()
    for _ in range(n):
        make_committee(admin=admin)
    return admin, f"{API}/committees/"


def _members(n: int):
    committee = make_committee(members=n - 1)
    return make_admin(), f"{API}/committees/{committee.pk}/members/"


def _panel(n: int):
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    return setup.chair, f"{API}/calls/{setup.call.pk}/panel/"


def _ranking(n: int):
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    return setup.admin, f"{API}/calls/{setup.call.pk}/ranking/"


def _ballot(n: int):
    # No reviews: nothing is triaged away, every proposal is discussed.
    setup = make_review_setup(proposals=n, members=3, reviewers_per_proposal=1)
    move_review_to(setup, ReviewPhase.PANEL)
    return setup.members[0], f"{API}/calls/{setup.call.pk}/panel/ballot/"


def _fresh(user):
    """The user as a new request would load it (no role cache)."""
    return type(user).objects.get(pk=user.pk)


def _items(body) -> list:
    if isinstance(body, dict):
        return body["results"]
    return body


QUERY_COUNTS = [
    pytest.param(_assignments, 3, id="assignments-chair"),
    pytest.param(_own_assignments, 3, id="assignments-reviewer"),
    pytest.param(_reviews, 5, id="reviews-reviewer"),
    pytest.param(_reviews_read_by_chair, 5, id="reviews-chair"),
    pytest.param(_conflicts, 3, id="conflicts"),
    pytest.param(_committees, 3, id="committees"),
    pytest.param(_members, 3, id="committee-members"),
    # Two of them: what the caller may see (selectors.results_hidden_ids, the blind rule).
    pytest.param(_panel, 10, id="panel"),
    pytest.param(_ranking, 10, id="ranking"),
    pytest.param(_ballot, 10, id="ballot"),
]


@pytest.mark.parametrize(("builder", "queries"), QUERY_COUNTS)
@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_is_constant(builder, queries, n, django_assert_num_queries):
    user, url = builder(n)
    client = api_as(_fresh(user))

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert len(_items(response.json())) == n


def test_anonymous_callers_are_401_everywhere_here():
    world = staffed()

    codes = {
        api_as().get(f"{API}/{url}").status_code
        for url in ("committees/", "assignments/", "conflicts/", "reviews/")
    } | {api_as().post(f"{API}/calls/{world.call.pk}/auto-assign/").status_code}

    assert codes == {401}


# ---- Garbage in, never a server error ---------------------------------------------------------

HUGE = "9" * 30


def test_garbage_ids_and_query_strings_never_give_a_server_error():
    world = in_panel()
    c = world.call.pk
    urls = [
        f"committees/{HUGE}/",
        f"committees/{world.setup.committee.pk}/members/{HUGE}/",
        f"assignments/{HUGE}/",
        f"conflicts/{HUGE}/",
        f"reviews/{HUGE}/",
        f"calls/{HUGE}/phase/",
        f"calls/{HUGE}/panel/",
        f"calls/{c}/panel/{HUGE}/",
        f"calls/{HUGE}/ranking/",
        f"proposals/{HUGE}/summary-statement/",
        f"assignments/?call={HUGE}",
        "assignments/?reviewer=-1&role=%00",
        "reviews/?status=<x>&proposal=1.5",
        "conflicts/?reason=grudge&ordering=reviewer__password",
    ]

    codes = {url: api_as(world.admin).get(f"{API}/{url}").status_code for url in urls}

    assert set(codes.values()) <= {200, 400, 404, 405}, codes


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("committees/", {"name": "X\x00", "chair": "a\x00b", "members": "nope"}),
        ("committees/", {"name": "X", "chair": ["list"], "load_cap": HUGE}),
        ("assignments/", {"proposal": HUGE, "reviewer": HUGE, "role": None}),
        ("conflicts/", {"proposal": -1, "reason": "other", "explanation": "\x00"}),
        ("reviews/", {"assignment": HUGE}),
        ("reviews/", "not an object"),
        ("calls/CALL/phase/", {"to": ["panel"], "reason": {"a": 1}}),
        ("calls/CALL/panel/", {"proposal": "PROPOSAL", "score": HUGE}),
        ("calls/CALL/panel/", {"proposal": "PROPOSAL", "score": "\x00"}),
        ("calls/CALL/panel/disposition/", {"proposal": HUGE, "disposition": "discussed"}),
        ("calls/CALL/panel/finalize/", {"proposal": "PROPOSAL", "resume_of_discussion": None}),
    ],
)
def test_garbage_bodies_are_400_never_a_server_error(url, body):
    world = in_panel()
    url = url.replace("CALL", str(world.call.pk))
    if isinstance(body, dict):
        body = {k: world.a.pk if v == "PROPOSAL" else v for k, v in body.items()}

    responses = [
        api_as(user).post(f"{API}/{url}", body, format="json")
        for user in (world.admin, world.chair)
    ]

    assert {r.status_code for r in responses} <= {400, 403, 404}, [r.content for r in responses]


def test_garbage_drafts_are_400_never_a_server_error():
    world = staffed()
    review_id = start_review(world.a_first).json()["id"]
    client = api_as(world.first)
    f1 = factor1(world.call)

    codes = [
        client.patch(f"{API}/reviews/{review_id}/", body, format="json").status_code
        for body in (
            {"overall_impact": HUGE},
            {"overall_impact": "\x00"},
            {"overall_paragraph": "nul \x00 inside"},
            {"criteria": {HUGE: {"score": 2}}},
            {"criteria": {str(f1.pk): {"score": 2, "sufficient": "\x00"}}},
            {"criteria": {str(f1.pk): {"score": "٣"}}},
            {"criteria": {str(f1.pk): None}},
            {"criteria": "everything"},
        )
    ]

    assert codes == [400] * 8
