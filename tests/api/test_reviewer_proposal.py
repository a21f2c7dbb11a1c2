"""A reviewer reads the proposal assigned to them, and downloads its documents, through the
assignment: ``assignments/{id}/proposal/`` and ``assignments/{id}/attachments/{id}/``."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Demographics
from grants import services as grant_services
from grants.choices import AttachmentKind, BudgetCategory, TeamRole
from reviews import services as review_services
from reviews.choices import ConflictReason
from tests.factories import (
    make_admin,
    make_call,
    make_reviewer,
    make_submitted_proposal,
    make_trainee_proposal,
    make_user,
    pdf_bytes,
    pdf_upload,
)

from .support import API, api_as

pytestmark = pytest.mark.django_db

SECRET = "sentinel-self-described"


@dataclass
class Setup:
    admin: object
    call: object
    proposal: object
    other: object
    student: object
    mentor: object
    chair: object
    reviewer: object
    second: object
    member: object
    assignment: object  # the reviewer's, certified
    uncertified: object  # the second reviewer's, not certified


def build(*, documents: int = 1, partners: int = 1) -> Setup:
    """A trainee's endorsed proposal with a community partner, in review; the reviewer and a
    second reviewer are assigned to it, and the reviewer has certified no conflict."""
    admin = make_admin()
    call = make_call(one_per_applicant=False, total_budget=Decimal("100000"))
    proposal, student, mentor = make_trainee_proposal(call=call)
    for n in range(partners):
        grant_services.team_member_add(
            proposal=proposal,
            actor=student,
            role=TeamRole.COMMUNITY_PARTNER,
            full_name=f"Imani Brooks {n}",
            email=f"partner{n}@example.org",
            organisation="Eastside Promotoras",
        )
    for n in range(documents - 1):
        grant_services.attachment_add(
            proposal=proposal,
            actor=student,
            kind=AttachmentKind.LETTER_OF_SUPPORT,
            uploaded_file=pdf_upload(f"letter-{n}.pdf", "Letter"),
        )
    Demographics.objects.create(user=student, sex_self_described=SECRET)
    proposal = grant_services.proposal_submit(proposal=proposal, actor=student)
    other = make_submitted_proposal(call=call)
    grant_services.call_begin_review(call=call, actor=admin)
    chair, reviewer, second, member = (make_reviewer() for _ in range(4))
    committee = review_services.committee_create(
        actor=admin, name="Study section", chair=chair, members=[reviewer, second, member]
    )
    review_services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    assignment = review_services.assignment_create(
        proposal=proposal, reviewer=reviewer, actor=chair
    )
    uncertified = review_services.assignment_create(proposal=proposal, reviewer=second, actor=chair)
    review_services.conflict_certify_none(assignment=assignment, actor=reviewer)
    return Setup(
        admin=admin,
        call=call,
        proposal=proposal,
        other=other,
        student=student,
        mentor=mentor,
        chair=chair,
        reviewer=reviewer,
        second=second,
        member=member,
        assignment=assignment,
        uncertified=uncertified,
    )


@pytest.fixture
def setup() -> Setup:
    return build()


def read(user, assignment):
    return api_as(user).get(f"{API}/assignments/{assignment.pk}/proposal/")


def download(user, assignment, attachment_pk: int, **headers):
    return api_as(user).get(
        f"{API}/assignments/{assignment.pk}/attachments/{attachment_pk}/", headers=headers
    )


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


# ---- Reading the proposal --------------------------------------------------------------------


def test_the_certified_reviewer_reads_the_proposal_text_team_budget_and_documents(setup):
    proposal, student, mentor = setup.proposal, setup.student, setup.mentor
    document = proposal.attachments.get()

    response = read(setup.reviewer, setup.assignment)

    body = response.json()
    assert response.status_code == 200
    assert {key: body[key] for key in ("id", "assignment", "role", "call", "title", "pi")} == {
        "id": proposal.pk,
        "assignment": setup.assignment.pk,
        "role": "primary",
        "call": setup.call.pk,
        "title": "Community health workers and diabetes control in rural Latino families",
        "pi": {
            "id": student.pk,
            "username": student.username,
            "display_name": student.display_name,
        },
    }
    assert body["abstract"] == proposal.abstract
    assert body["specific_aims"] == "Aim 1: adapt. Aim 2: pilot. Aim 3: evaluate."
    assert body["disparity_populations"] == ["hispanic", "rural"]
    assert body["nimhd_domains"] == ["behavioral", "health_care_system"]
    assert body["team"] == [
        {
            "role": "mentor",
            "name": mentor.display_name,
            "user": {
                "id": mentor.pk,
                "username": mentor.username,
                "display_name": mentor.display_name,
            },
            "organisation": "",
        },
        {
            "role": "community_partner",
            "name": "Imani Brooks 0",
            "user": None,
            "organisation": "Eastside Promotoras",
        },
    ]
    assert body["budget"] == [
        {"category": "personnel", "description": "Promotora, 20% effort", "amount": "12000.00"},
        {"category": "participant", "description": "Gift cards, 60 x $50", "amount": "3000.00"},
    ]
    assert (body["requested_amount"], body["budget_total"]) == ("15000.00", "15000.00")
    assert body["attachments"] == [
        {
            "id": document.pk,
            "kind": "biosketch",
            "original_name": "biosketch.pdf",
            "pages": 1,
            "size": document.size,
            "download_url": (
                f"http://testserver{API}/assignments/{setup.assignment.pk}/attachments/"
                f"{document.pk}/"
            ),
        }
    ]
    assert body["endorsement"] == {
        "mentor": {
            "id": mentor.pk,
            "username": mentor.username,
            "display_name": mentor.display_name,
        },
        "statement": "Strongly endorsed.",
    }


def test_the_reviewer_never_sees_demographics_e_mails_state_or_the_other_reviewers(setup):
    response = read(setup.reviewer, setup.assignment)

    text = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in text
    assert "partner0@example.org" not in text
    assert setup.second.username not in text
    assert setup.chair.username not in text
    assert not {"status", "demographics", "reviewers", "decision"} & set(response.json())


def test_certifying_through_the_api_opens_the_proposal(setup):
    client = api_as(setup.second)

    before = client.get(f"{API}/assignments/{setup.uncertified.pk}/proposal/")
    client.post(f"{API}/assignments/{setup.uncertified.pk}/certify/")
    after = client.get(f"{API}/assignments/{setup.uncertified.pk}/proposal/")

    assert before.status_code == 403
    assert before.json() == {
        "detail": "Certify that you have no conflict with this proposal first "
        "(POST assignments/{id}/certify/)."
    }
    assert (after.status_code, after.json()["role"]) == (200, "secondary")


@pytest.mark.parametrize("who", ["chair", "admin"])
def test_the_chair_and_administrators_see_the_assignment_but_may_not_read_through_it(setup, who):
    response = read(getattr(setup, who), setup.assignment)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the reviewer assigned reads the proposal through the assignment."
    }


@pytest.mark.parametrize("who", ["student", "mentor", "second", "member", "stranger"])
def test_everyone_else_gets_404(setup, who):
    user = make_user() if who == "stranger" else getattr(setup, who)

    response = read(user, setup.assignment)

    assert response.status_code == 404


def test_anonymous_gets_401_and_a_bad_id_404(setup):
    assert read(None, setup.assignment).status_code == 401
    assert api_as(setup.reviewer).get(f"{API}/assignments/x/proposal/").status_code == 404


def test_declaring_a_conflict_afterwards_removes_the_assignment_and_the_proposal(setup):
    review_services.conflict_declare(
        proposal=setup.proposal,
        reviewer=setup.reviewer,
        actor=setup.reviewer,
        reason=ConflictReason.COLLABORATOR,
    )

    response = read(setup.reviewer, setup.assignment)

    assert response.status_code == 404


def test_reading_the_proposal_takes_the_same_queries_for_one_or_three_of_everything(
    django_assert_num_queries,
):
    small, large = build(), build(documents=3, partners=3)

    with django_assert_num_queries(7):
        assert read(small.reviewer, small.assignment).status_code == 200
    with django_assert_num_queries(7):
        response = read(large.reviewer, large.assignment)
    assert (len(response.json()["attachments"]), len(response.json()["team"])) == (3, 4)


# ---- Downloading its documents ---------------------------------------------------------------


def test_the_certified_reviewer_downloads_the_pdf(setup):
    document = setup.proposal.attachments.get()

    response = download(setup.reviewer, setup.assignment, document.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="biosketch.pdf"'
    assert _content(response) == pdf_bytes()


def test_the_applicants_download_route_is_not_open_to_reviewers(setup):
    document = setup.proposal.attachments.get()
    url = f"{API}/proposals/{setup.proposal.pk}/attachments/{document.pk}/download/"

    response = api_as(setup.reviewer).get(url)

    assert response.status_code == 404


def test_a_document_of_another_proposal_is_404_through_this_assignment(setup):
    elsewhere = setup.other.attachments.get()

    response = download(setup.reviewer, setup.assignment, elsewhere.pk)

    assert response.status_code == 404


def test_download_refusals_follow_the_proposal_rules(setup):
    document = setup.proposal.attachments.get()

    assert download(setup.second, setup.uncertified, document.pk).status_code == 403
    assert download(setup.chair, setup.assignment, document.pk).status_code == 403
    assert download(setup.admin, setup.assignment, document.pk).status_code == 403
    assert download(setup.student, setup.assignment, document.pk).status_code == 404
    assert download(make_user(), setup.assignment, document.pk).status_code == 404
    assert download(None, setup.assignment, document.pk).status_code == 401


def test_a_refusal_asked_for_as_pdf_is_still_a_json_body(setup):
    document = setup.proposal.attachments.get()

    response = download(setup.chair, setup.assignment, document.pk, Accept="application/pdf")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Only the reviewer assigned reads the proposal through the assignment."
    }


def test_a_missing_stored_file_is_404(setup):
    document = setup.proposal.attachments.get()
    document.file.storage.delete(document.file.name)

    response = download(setup.reviewer, setup.assignment, document.pk)

    assert response.status_code == 404
    assert response.json() == {"detail": "The stored file is missing."}


def test_budget_lines_of_every_category_are_read_as_sent(setup):
    # A returned, edited and resubmitted proposal's lines read back as the applicant left them.
    line = setup.proposal.budget_lines.get(category=BudgetCategory.PARTICIPANT)

    response = read(setup.reviewer, setup.assignment)

    assert response.json()["budget"][1] == {
        "category": line.category,
        "description": line.description,
        "amount": f"{line.amount:.2f}",
    }
