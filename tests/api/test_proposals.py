"""Proposals through the API: the applicant's whole path, and the same rules as the web."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import ApplicantType
from grants import services
from grants.choices import CallStatus, EndorsementStatus, ProposalStatus, TeamRole
from grants.models import Proposal
from tests.factories import (
    make_admin,
    make_call,
    make_proposal,
    make_submitted_proposal,
    make_trainee_proposal,
    make_user,
    pdf_upload,
)

from .support import API, api_as

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200

SECTIONS = {
    "title": "Community health workers and diabetes control",
    "abstract": "We will test a promotora-led intervention.",
    "specific_aims": "Aim 1: adapt. Aim 2: pilot.",
    "research_strategy": "Significance, innovation and approach.",
    "disparity_populations": ["hispanic", "rural"],
    "nimhd_domains": ["behavioral"],
    "community_engagement_plan": "A community advisory board meets monthly.",
    "timeline": "Months 1-3 adaptation; 4-12 pilot.",
    "budget_justification": "Promotora salary and participant incentives.",
    "requested_amount": "15000.00",
    "irb_status": "pending",
}


def test_create_update_and_submit_through_the_api_mails_a_receipt(
    mailoutbox, django_capture_on_commit_callbacks
):
    call = make_call()
    pi = make_user()
    client = api_as(pi)

    created = client.post(
        f"{API}/proposals/", {"call": call.pk, "title": "Draft title"}, format="json"
    )
    pk = created.json()["id"]
    updated = client.patch(f"{API}/proposals/{pk}/", SECTIONS, format="json")
    lines = [
        client.post(
            f"{API}/proposals/{pk}/budget/",
            {"category": category, "description": description, "amount": amount},
            format="json",
        )
        for category, description, amount in [
            ("personnel", "Promotora, 20% effort", "12000.00"),
            ("participant", "Gift cards", 3000),
        ]
    ]
    upload = client.post(
        f"{API}/proposals/{pk}/attachments/",
        {"kind": "biosketch", "file": pdf_upload()},
        format="multipart",
    )
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"{API}/proposals/{pk}/submit/")

    proposal = Proposal.objects.get(pk=pk)
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    assert created.json()["title"] == "Draft title"
    assert updated.status_code == 200
    assert updated.json()["title"] == SECTIONS["title"]
    assert updated.json()["disparity_populations"] == ["hispanic", "rural"]
    assert updated.json()["requested_amount"] == "15000.00"
    assert [line.status_code for line in lines] == [201, 201]
    assert upload.status_code == 201
    assert upload.json()["pages"] == 1
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["budget_total"] == "15000.00"
    assert proposal.status == ProposalStatus.SUBMITTED
    assert [m.to for m in mailoutbox] == [[pi.email]]
    assert f"NS-{pk}" in mailoutbox[0].body


def test_create_with_sections_saves_them():
    call = make_call()
    client = api_as(make_user())

    response = client.post(
        f"{API}/proposals/",
        {"call": call.pk, "title": "T", "abstract": "A", "nimhd_domains": ["biological"]},
        format="json",
    )

    proposal = Proposal.objects.get(pk=response.json()["id"])
    assert response.status_code == 201
    assert (proposal.title, proposal.abstract, proposal.nimhd_domains) == (
        "T",
        "A",
        ["biological"],
    )


def test_create_in_a_draft_call_is_an_unknown_call_for_applicants():
    call = make_call(status=CallStatus.DRAFT)

    response = api_as(make_user()).post(f"{API}/proposals/", {"call": call.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"call": [f'Invalid pk "{call.pk}" - object does not exist.']}


def test_create_in_a_closed_call_is_a_non_field_error():
    call = make_call(status=CallStatus.CLOSED)

    response = api_as(make_user()).post(f"{API}/proposals/", {"call": call.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This call is not accepting proposals."]}


def test_create_second_proposal_in_one_per_applicant_call_is_refused():
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(
        f"{API}/proposals/", {"call": proposal.call_id}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "You already have a proposal in this call, which allows one per applicant."
        ]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"call": "abc"}, "call"),
        ({"call": 10**30}, "call"),
        ({"call": None}, "call"),
        ({}, "call"),
    ],
)
def test_create_with_bad_call_is_a_field_error(body, field):
    response = api_as(make_user()).post(f"{API}/proposals/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"disparity_populations": "rural"}, "disparity_populations"),
        ({"disparity_populations": ["martians"]}, "disparity_populations"),
        ({"disparity_populations": {"rural": True}}, "disparity_populations"),
        ({"nimhd_domains": [1, 2]}, "nimhd_domains"),
        ({"requested_amount": "lots"}, "requested_amount"),
        ({"requested_amount": "1.005"}, "requested_amount"),
        ({"requested_amount": "-5"}, "requested_amount"),
        ({"requested_amount": "NaN"}, "requested_amount"),
        ({"requested_amount": "12345678901234"}, "requested_amount"),
        ({"irb_status": "maybe"}, "irb_status"),
        ({"title": "x" * 251}, "title"),
        ({"title": ["a list"]}, "title"),
        ({"abstract": "nul \x00 byte"}, "abstract"),
    ],
)
def test_update_with_bad_shapes_is_a_field_error_and_saves_nothing(body, field):
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).patch(f"{API}/proposals/{proposal.pk}/", body, format="json")

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert proposal.disparity_populations == []
    assert proposal.requested_amount is None


def test_update_with_an_infinite_amount_is_a_field_error():
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/",
        data='{"requested_amount": 1e400}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"requested_amount": ["A valid number is required."]}


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{not json", "null", "NaN"])
def test_update_with_a_body_that_is_not_an_object_is_400(body):
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", data=body, content_type="application/json"
    )

    assert response.status_code == 400


def test_update_keeps_over_long_text_and_the_checklist_flags_it():
    proposal = make_proposal(complete=False)
    client = api_as(proposal.pi)

    response = client.patch(
        f"{API}/proposals/{proposal.pk}/", {"abstract": "word " * 400}, format="json"
    )
    checklist = client.get(f"{API}/proposals/{proposal.pk}/checklist/").json()

    assert response.status_code == 200
    assert response.json()["abstract"] == ("word " * 400).strip()
    assert {"field": "abstract", "message": "Abstract has 400 words; the limit is 300."} in (
        checklist["blockers"]
    )
    assert checklist["ready"] is False


def test_update_with_put_is_not_allowed():
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).put(f"{API}/proposals/{proposal.pk}/", SECTIONS, format="json")

    assert response.status_code == 405


def test_submit_refused_lists_every_blocker_by_field():
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    proposal = make_proposal(pi=student, complete=False)
    client = api_as(student)

    response = client.post(f"{API}/proposals/{proposal.pk}/submit/")
    checklist = client.get(f"{API}/proposals/{proposal.pk}/checklist/").json()

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert set(response.json()) == {
        "title",
        "abstract",
        "specific_aims",
        "research_strategy",
        "disparity_populations",
        "nimhd_domains",
        "community_engagement_plan",
        "timeline",
        "budget_justification",
        "irb_status",
        "attachments",
        "budget",
        "requested_amount",
        "endorsement",
    }
    assert response.json()["endorsement"] == [
        "Trainee proposals need a faculty mentor on the team."
    ]
    assert sorted(b["field"] for b in checklist["blockers"]) == sorted(response.json())
    assert proposal.status == ProposalStatus.DRAFT


def test_submit_after_the_deadline_is_refused_under_call():
    call = make_call()
    proposal = make_proposal(call=call)
    call.opens_at = timezone.now() - timedelta(days=30)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()

    response = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/submit/")

    assert response.status_code == 400
    assert list(response.json()) == ["call"]
    assert response.json()["call"][0].startswith("The deadline passed on ")


def test_second_submit_is_409():
    proposal = make_submitted_proposal()

    response = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/submit/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This proposal is submitted; it cannot be submitted."}


def test_team_member_cannot_submit_403():
    proposal = make_proposal()
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_INVESTIGATOR, user=colleague
    )

    response = api_as(colleague).post(f"{API}/proposals/{proposal.pk}/submit/")

    assert response.status_code == 403


def test_editing_a_submitted_proposal_is_403():
    proposal = make_submitted_proposal()
    client = api_as(proposal.pi)

    patch = client.patch(f"{API}/proposals/{proposal.pk}/", {"title": "Sneaky"}, format="json")
    bad_patch = client.patch(f"{API}/proposals/{proposal.pk}/", {"title": 5 * []}, format="json")
    budget = client.post(
        f"{API}/proposals/{proposal.pk}/budget/",
        {"category": "supplies", "description": "More", "amount": "10"},
        format="json",
    )
    line = proposal.budget_lines.first()
    remove = client.delete(f"{API}/proposals/{proposal.pk}/budget/{line.pk}/")
    upload = client.post(
        f"{API}/proposals/{proposal.pk}/attachments/",
        {"kind": "other", "file": pdf_upload()},
        format="multipart",
    )

    proposal.refresh_from_db()
    assert [r.status_code for r in (patch, bad_patch, budget, remove, upload)] == [403] * 5
    assert patch.json() == {"detail": "You may not do this to this proposal in its current state."}
    assert proposal.title != "Sneaky"
    assert proposal.budget_lines.count() == 2
    assert proposal.attachments.count() == 1


def test_team_member_reads_but_cannot_edit():
    proposal = make_proposal()
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_INVESTIGATOR, user=colleague
    )
    client = api_as(colleague)

    read = client.get(f"{API}/proposals/{proposal.pk}/")
    edit = client.patch(f"{API}/proposals/{proposal.pk}/", {"title": "Mine now"}, format="json")

    assert read.status_code == 200
    assert edit.status_code == 403


def test_another_users_proposal_is_404_everywhere():
    proposal = make_proposal()
    member = services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, full_name="Ana Ruiz"
    )
    line = proposal.budget_lines.first()
    attachment = proposal.attachments.get()
    client = api_as(make_user())
    base = f"{API}/proposals/{proposal.pk}"

    responses = [
        client.get(f"{base}/"),
        client.patch(f"{base}/", {"title": "Mine"}, format="json"),
        client.post(f"{base}/submit/"),
        client.post(f"{base}/withdraw/"),
        client.post(f"{base}/return/", {"reason": "x"}, format="json"),
        client.post(f"{base}/decision/", {"outcome": "funded"}, format="json"),
        client.get(f"{base}/checklist/"),
        client.post(f"{base}/request-endorsement/"),
        client.get(f"{base}/team/"),
        client.post(f"{base}/team/", {"role": "collaborator", "full_name": "X"}, format="json"),
        client.delete(f"{base}/team/{member.pk}/"),
        client.get(f"{base}/budget/"),
        client.patch(f"{base}/budget/{line.pk}/", {"amount": "1"}, format="json"),
        client.delete(f"{base}/budget/{line.pk}/"),
        client.get(f"{base}/attachments/"),
        client.get(f"{base}/attachments/{attachment.pk}/"),
        client.get(f"{base}/attachments/{attachment.pk}/download/"),
        client.delete(f"{base}/attachments/{attachment.pk}/"),
    ]

    proposal.refresh_from_db()
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert proposal.title != "Mine"
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.budget_lines.count() == 2


def test_another_proposals_children_are_404_through_mine():
    mine = make_proposal()
    theirs = make_proposal()
    client = api_as(mine.pi)

    line = client.get(f"{API}/proposals/{mine.pk}/budget/{theirs.budget_lines.first().pk}/")
    attachment = client.get(
        f"{API}/proposals/{mine.pk}/attachments/{theirs.attachments.get().pk}/download/"
    )

    assert (line.status_code, attachment.status_code) == (404, 404)


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", str(10**30)])
def test_odd_ids_in_the_path_are_404(pk):
    client = api_as(make_admin())

    assert client.get(f"{API}/proposals/{pk}/").status_code == 404
    assert client.get(f"{API}/proposals/{pk}/team/").status_code == 404
    assert client.get(f"{API}/calls/{pk}/").status_code == 404


def test_upload_png_named_pdf_is_400_under_file():
    proposal = make_proposal(complete=False)
    fake = SimpleUploadedFile("biosketch.pdf", PNG, content_type="application/pdf")

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/attachments/",
        {"kind": "biosketch", "file": fake},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {
        "file": ["This file is not a PDF (whatever its name says). Save or export it as PDF."]
    }
    assert proposal.attachments.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "biosketch"}, ["file"]),
        ({"kind": "photo", "file": "not-a-file"}, ["file", "kind"]),
    ],
)
def test_upload_without_a_proper_file_or_kind_is_400(body, fields):
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/attachments/", body, format="multipart"
    )

    assert response.status_code == 400
    assert sorted(response.json()) == fields


def test_upload_as_json_is_415():
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/attachments/", {"kind": "biosketch"}, format="json"
    )

    assert response.status_code == 415


def test_attachment_list_and_download_with_content_disposition():
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    client = api_as(proposal.pi)

    listing = client.get(f"{API}/proposals/{proposal.pk}/attachments/")
    response = client.get(listing.json()[0]["download_url"])

    body = b"".join(response.streaming_content)
    assert [item["id"] for item in listing.json()] == [attachment.pk]
    assert listing.json()[0]["download_url"] == (
        f"http://testserver{API}/proposals/{proposal.pk}/attachments/{attachment.pk}/download/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="biosketch.pdf"'
    assert body.startswith(b"%PDF-")


def test_download_answers_accept_pdf_and_its_errors_are_json():
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    url = f"{API}/proposals/{proposal.pk}/attachments/{attachment.pk}/download/"

    found = api_as(proposal.pi).get(url, HTTP_ACCEPT="application/pdf")
    missing = api_as(make_user()).get(url, HTTP_ACCEPT="application/pdf")

    assert found.status_code == 200
    assert found["Content-Type"] == "application/pdf"
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert missing.json() == {"detail": "No Proposal matches the given query."}


def test_attachment_remove():
    proposal = make_proposal()
    attachment = proposal.attachments.get()

    response = api_as(proposal.pi).delete(
        f"{API}/proposals/{proposal.pk}/attachments/{attachment.pk}/"
    )

    assert response.status_code == 204
    assert proposal.attachments.count() == 0


def test_budget_line_update_partial_update_and_remove():
    proposal = make_proposal()
    first, second = proposal.budget_lines.order_by("pk")
    client = api_as(proposal.pi)
    base = f"{API}/proposals/{proposal.pk}/budget"

    patched = client.patch(f"{base}/{first.pk}/", {"amount": "11000.50"}, format="json")
    put = client.put(
        f"{base}/{second.pk}/",
        {"category": "travel", "description": "Conference", "amount": "900"},
        format="json",
    )
    removed = client.delete(f"{base}/{first.pk}/")
    listing = client.get(f"{base}/")

    assert patched.status_code == 200
    assert patched.json() == {
        "id": first.pk,
        "category": "personnel",
        "description": "Promotora, 20% effort",
        "amount": "11000.50",
    }
    assert put.status_code == 200
    assert put.json()["category"] == "travel"
    assert removed.status_code == 204
    assert listing.json() == [
        {"id": second.pk, "category": "travel", "description": "Conference", "amount": "900.00"}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "supplies", "description": "Pens", "amount": "0"}, "amount"),
        ({"category": "supplies", "description": "Pens", "amount": "-5"}, "amount"),
        ({"category": "supplies", "description": "Pens", "amount": "abc"}, "amount"),
        ({"category": "yachts", "description": "Boat", "amount": "5"}, "category"),
        ({"category": "supplies", "description": "", "amount": "5"}, "description"),
    ],
)
def test_budget_line_with_bad_values_is_a_field_error(body, field):
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/budget/", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert proposal.budget_lines.count() == 0


def test_team_add_by_username_invites_and_remove_works(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal(complete=False)
    colleague = make_user("colleague")
    client = api_as(proposal.pi)

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            f"{API}/proposals/{proposal.pk}/team/",
            {"role": "co_investigator", "username": "COLLEAGUE"},
            format="json",
        )
    listing = client.get(f"{API}/proposals/{proposal.pk}/team/")
    removed = client.delete(f"{API}/proposals/{proposal.pk}/team/{added.json()['id']}/")

    assert added.status_code == 201
    assert added.json()["user"]["username"] == "colleague"
    assert added.json()["role"] == "co_investigator"
    assert [m["id"] for m in listing.json()] == [added.json()["id"]]
    assert mailoutbox[-1].to == [colleague.email]
    assert removed.status_code == 204
    assert proposal.team.count() == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"role": "co_investigator", "username": "nobody"},
            {"username": ["No active user is called “nobody”."]},
        ),
        (
            {"role": "collaborator"},
            {"full_name": ["Give the person's name, or choose a user."]},
        ),
        (
            # Without an account a mentor can only be invited, by e-mail (issue 16).
            {"role": "mentor", "full_name": "Outside Mentor"},
            {
                "email": [
                    "A mentor needs an account here to endorse the proposal: choose them, or "
                    "give their e-mail address so we can invite them."
                ]
            },
        ),
        ({"role": "boss", "full_name": "X"}, {"role": ['"boss" is not a valid choice.']}),
    ],
)
def test_team_add_errors_are_field_errors_under_request_names(body, expected):
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/team/", body, format="json")

    assert response.status_code == 400
    assert response.json() == expected


def test_adding_the_pi_to_the_team_is_a_username_error():
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/team/",
        {"role": "co_pi", "username": proposal.pi.username},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"username": ["The principal investigator is already on the team."]}


def test_withdraw_by_pi_then_withdraw_again_is_403():
    proposal = make_submitted_proposal()
    client = api_as(proposal.pi)

    first = client.post(
        f"{API}/proposals/{proposal.pk}/withdraw/", {"reason": "Moving"}, format="json"
    )
    second = client.post(f"{API}/proposals/{proposal.pk}/withdraw/")

    assert first.status_code == 200
    assert first.json()["status"] == "withdrawn"
    assert second.status_code == 403


def test_admin_returns_a_submitted_proposal_with_a_reason(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_submitted_proposal()
    client = api_as(make_admin())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/proposals/{proposal.pk}/return/",
            {"reason": "Use the NIH biosketch format."},
            format="json",
        )
    pi_view = api_as(proposal.pi).get(f"{API}/proposals/{proposal.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert mailoutbox[-1].to == [proposal.pi.email]
    assert pi_view.json()["return_reason"] == "Use the NIH biosketch format."
    assert pi_view.json()["is_editable"] is True


def test_return_without_reason_is_a_field_error():
    proposal = make_submitted_proposal()

    response = api_as(make_admin()).post(
        f"{API}/proposals/{proposal.pk}/return/", {"reason": "  "}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"reason": ["Give the applicant a reason for the return."]}


def test_pi_cannot_return_their_own_proposal():
    proposal = make_submitted_proposal()

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/return/", {"reason": "Because"}, format="json"
    )

    assert response.status_code == 403


def test_trainee_asks_for_endorsement_and_mentor_endorses_through_the_api(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal, student, mentor = make_trainee_proposal(endorsed=False)

    with django_capture_on_commit_callbacks(execute=True):
        asked = api_as(student).post(f"{API}/proposals/{proposal.pk}/request-endorsement/")
    mentor_client = api_as(mentor)
    listing = mentor_client.get(f"{API}/endorsements/")
    endorsement_id = listing.json()["results"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        responded = mentor_client.post(
            f"{API}/endorsements/{endorsement_id}/respond/",
            {"decision": "endorse", "statement": "An excellent trainee."},
            format="json",
        )
    submitted = api_as(student).post(f"{API}/proposals/{proposal.pk}/submit/")

    assert asked.status_code == 200
    assert asked.json()["status"] == "requested"
    assert "token" not in asked.json()
    assert [e["proposal"]["id"] for e in listing.json()["results"]] == [proposal.pk]
    assert responded.status_code == 200
    assert responded.json()["status"] == EndorsementStatus.ENDORSED
    assert [m.to for m in mailoutbox] == [[mentor.email], [student.email]]
    assert submitted.status_code == 200


def test_endorsements_are_visible_only_to_their_mentor():
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = services.endorsement_request(proposal=proposal, actor=student)

    for user in (student, make_user(), make_admin()):
        client = api_as(user)
        assert client.get(f"{API}/endorsements/").json()["results"] == []
        assert client.get(f"{API}/endorsements/{endorsement.pk}/").status_code == 404
        assert (
            client.post(
                f"{API}/endorsements/{endorsement.pk}/respond/",
                {"decision": "endorse", "statement": "Me too."},
                format="json",
            ).status_code
            == 404
        )


def test_endorsement_respond_needs_a_statement():
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    endorsement = services.endorsement_request(proposal=proposal, actor=student)

    response = api_as(mentor).post(
        f"{API}/endorsements/{endorsement.pk}/respond/",
        {"decision": "decline", "statement": ""},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"statement": ["Write a short statement for the committee."]}


def test_request_endorsement_without_a_mentor_is_a_field_error():
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    proposal = make_proposal(pi=student)

    response = api_as(student).post(f"{API}/proposals/{proposal.pk}/request-endorsement/")

    assert response.status_code == 400
    assert response.json() == {
        "endorsement": ["Add your faculty mentor to the team first (role: Mentor)."]
    }


def test_checklist_of_a_complete_proposal_is_ready():
    proposal = make_proposal()

    response = api_as(proposal.pi).get(f"{API}/proposals/{proposal.pk}/checklist/")

    assert response.json() == {"status": "draft", "ready": True, "blockers": []}


def test_calls_list_hides_drafts_from_applicants_but_not_admins():
    open_call = make_call()
    draft = make_call(status=CallStatus.DRAFT)

    applicant = api_as(make_user()).get(f"{API}/calls/")
    admin = api_as(make_admin()).get(f"{API}/calls/")
    draft_for_applicant = api_as(make_user()).get(f"{API}/calls/{draft.pk}/")

    assert [c["id"] for c in applicant.json()["results"]] == [open_call.pk]
    assert sorted(c["id"] for c in admin.json()["results"]) == sorted([open_call.pk, draft.pk])
    assert draft_for_applicant.status_code == 404


def test_call_detail_has_money_as_strings_and_accepting_flag():
    call = make_call(max_award=Decimal("25000"), total_budget=Decimal("100000"))

    body = api_as(make_user()).get(f"{API}/calls/{call.pk}/").json()

    assert (body["max_award"], body["total_budget"], body["is_accepting"]) == (
        "25000.00",
        "100000.00",
        True,
    )
