"""The applicant's and administrator's pages, through the web client."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType
from grants import services
from grants.choices import ProposalStatus, TeamRole
from grants.models import Proposal
from tests.factories import (
    PASSWORD,
    make_admin,
    make_call,
    make_proposal,
    make_submitted_proposal,
    make_trainee_proposal,
    make_user,
    pdf_bytes,
)
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def test_sign_in_page_renders_for_anonymous(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_sign_in_with_password_reaches_dashboard(client):
    user = make_user("alice")

    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.context["user"] == user
    assert response.redirect_chain[-1][0] == reverse("dashboard")


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_call_detail_shows_deadline_in_call_zone():
    call = make_call(time_zone="America/Los_Angeles")
    client = signed_in(make_user())

    response = client.get(reverse("grants:call_detail", args=[call.pk]))

    local = timezone.localtime(call.closes_at, call.zone)
    assert response.status_code == 200
    assert local.tzname() in response.content.decode()  # PST or PDT
    assert "left" in response.content.decode()


def test_start_proposal_creates_draft_and_opens_editor():
    call = make_call()
    user = make_user()
    client = signed_in(user)

    response = client.post(reverse("grants:proposal_start", args=[call.pk]))

    proposal = Proposal.objects.get(pi=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:proposal_edit", args=[proposal.pk])
    assert proposal.status == ProposalStatus.DRAFT


def test_start_second_proposal_in_one_per_applicant_call_is_refused():
    call = make_call(one_per_applicant=True)
    proposal = make_proposal(call=call, complete=False)
    client = signed_in(proposal.pi)

    response = client.post(reverse("grants:proposal_start", args=[call.pk]), follow=True)

    assert Proposal.objects.filter(pi=proposal.pi).count() == 1
    assert "one per applicant" in response.content.decode()


def test_edit_saves_valid_fields_and_keeps_text_when_one_field_is_invalid():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)
    long_abstract = "word " * 400  # over the 300-word limit: saved, flagged in the checklist

    response = client.post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {
            "title": "My study",
            "abstract": long_abstract,
            "requested_amount": "lots",
            "version": proposal.version,
        },
    )

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert proposal.title == "My study"
    assert proposal.abstract == long_abstract.strip()
    assert "requested_amount" in response.context["form"].errors
    assert response.context["form"]["requested_amount"].value() == "lots"
    assert "Abstract has 400 words; the limit is 300." in response.content.decode()
    # Shown again, the page carries the version it just saved, so its next save goes through.
    assert response.context["form"]["version"].value() == proposal.version


def test_autosave_answers_json_and_saves():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)

    response = client.post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {"title": "Autosaved title", "abstract": "Partial text", "version": proposal.version},
        headers={"X-Autosave": "1"},
    )

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["errors"] == {}
    assert response.json()["version"] == proposal.version == 1
    assert proposal.title == "Autosaved title"
    assert proposal.abstract == "Partial text"


def test_budget_line_with_bad_amount_shows_field_error_and_keeps_input():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)

    response = client.post(
        reverse("grants:proposal_budget", args=[proposal.pk]),
        {"category": "supplies", "description": "Glucometers", "amount": "-5"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["amount"]
    assert response.context["form"]["description"].value() == "Glucometers"
    assert proposal.budget_lines.count() == 0


def test_upload_png_named_pdf_is_rejected_with_field_error():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)
    fake = SimpleUploadedFile("biosketch.pdf", PNG, content_type="application/pdf")

    response = client.post(
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        {"kind": "biosketch", "file": fake},
    )

    assert response.status_code == 200
    assert "not a PDF" in response.context["form"].errors["file"][0]
    assert proposal.attachments.count() == 0


def test_upload_oversized_pdf_is_rejected(settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 100
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)
    upload = SimpleUploadedFile("big.pdf", pdf_bytes(), content_type="application/pdf")

    response = client.post(
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        {"kind": "biosketch", "file": upload},
    )

    assert response.status_code == 200
    assert "the limit is 100" in response.context["form"].errors["file"][0]


def test_attachment_download_has_content_disposition_and_pdf_bytes():
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    client = signed_in(proposal.pi)

    response = client.get(reverse("grants:attachment_download", args=[proposal.pk, attachment.pk]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="biosketch.pdf"'
    assert body.startswith(b"%PDF-")


def test_other_users_proposal_and_files_answer_404():
    proposal = make_proposal()
    attachment = proposal.attachments.get()
    stranger = signed_in(make_user())

    urls = [
        reverse("grants:proposal_detail", args=[proposal.pk]),
        reverse("grants:proposal_edit", args=[proposal.pk]),
        reverse("grants:proposal_team", args=[proposal.pk]),
        reverse("grants:proposal_budget", args=[proposal.pk]),
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        reverse("grants:attachment_download", args=[proposal.pk, attachment.pk]),
        reverse("grants:proposal_pdf", args=[proposal.pk]),
        reverse("grants:proposal_submit", args=[proposal.pk]),
    ]
    assert [stranger.get(url).status_code for url in urls] == [404] * len(urls)


def test_submit_through_page_mails_receipt(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    client = signed_in(proposal.pi)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:proposal_submit", args=[proposal.pk]))

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.status == ProposalStatus.SUBMITTED
    assert mailoutbox[-1].to == [proposal.pi.email]
    assert f"NS-{proposal.pk}" in mailoutbox[-1].body


def test_submit_page_lists_every_blocker_for_incomplete_trainee_proposal():
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    proposal = make_proposal(pi=student, complete=False)
    client = signed_in(student)

    response = client.post(reverse("grants:proposal_submit", args=[proposal.pk]))

    fields = {b["field"] for b in response.context["blockers"]}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert {"title", "abstract", "budget", "attachments", "endorsement"} <= fields


def test_submitted_proposal_cannot_be_edited_through_the_page():
    proposal = make_submitted_proposal()
    client = signed_in(proposal.pi)

    get = client.get(reverse("grants:proposal_edit", args=[proposal.pk]))
    post = client.post(
        reverse("grants:proposal_budget", args=[proposal.pk]),
        {"category": "supplies", "description": "More", "amount": "10"},
    )

    assert get.status_code == 302
    assert post.status_code == 403
    assert proposal.budget_lines.count() == 2


def test_post_without_csrf_token_is_refused():
    proposal = make_proposal(complete=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(proposal.pi)

    response = client.post(reverse("grants:proposal_edit", args=[proposal.pk]), {"title": "Sneaky"})

    proposal.refresh_from_db()
    assert response.status_code == 403
    assert proposal.title == ""


def test_late_submission_is_refused_on_the_page():
    call = make_call()
    proposal = make_proposal(call=call)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.opens_at = timezone.now() - timedelta(days=30)
    call.save()
    client = signed_in(proposal.pi)

    response = client.post(reverse("grants:proposal_submit", args=[proposal.pk]))

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert [b["field"] for b in response.context["blockers"]] == ["call"]
    assert "The deadline passed" in response.content.decode()


def test_mentor_endorses_from_emailed_link(mailoutbox, django_capture_on_commit_callbacks):
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(student).post(reverse("grants:endorsement_request", args=[proposal.pk]))
    link = next(m for m in mailoutbox if m.to == [mentor.email]).body
    path = "/" + link.split("/endorsements/", 1)[1].split()[0]
    url = "/endorsements" + path

    mentor_client = signed_in(mentor)
    page = mentor_client.get(url)
    response = mentor_client.post(url, {"decision": "endorse", "statement": "Excellent trainee."})

    assert page.status_code == 200
    assert response.status_code == 302
    proposal.endorsement.refresh_from_db()
    assert proposal.endorsement.status == "endorsed"
    assert signed_in(make_user()).get(url).status_code == 404


def test_admin_sees_submitted_proposals_and_returns_one_with_reason(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_submitted_proposal()
    admin = signed_in(make_admin())

    listing = admin.get(reverse("grants:call_proposals", args=[proposal.call_id]))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("grants:proposal_return", args=[proposal.pk]),
            {"reason": "Please use the NIH biosketch format."},
        )
    pi_page = signed_in(proposal.pi).get(reverse("grants:proposal_detail", args=[proposal.pk]))

    proposal.refresh_from_db()
    assert listing.status_code == 200
    assert list(listing.context["page"].object_list) == [proposal]
    assert response.status_code == 302
    assert proposal.status == ProposalStatus.RETURNED
    assert "Please use the NIH biosketch format." in pi_page.content.decode()
    assert [(c.from_state, c.to_state) for c in pi_page.context["history"]] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
    ]


def test_return_without_reason_is_a_field_error():
    proposal = make_submitted_proposal()
    admin = signed_in(make_admin())

    response = admin.post(reverse("grants:proposal_return", args=[proposal.pk]), {"reason": ""})

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert proposal.status == ProposalStatus.SUBMITTED


def test_call_proposals_page_is_404_for_applicants():
    proposal = make_submitted_proposal()

    response = signed_in(proposal.pi).get(reverse("grants:call_proposals", args=[proposal.call_id]))

    assert response.status_code == 404


def test_proposal_pdf_is_a_real_pdf_with_attachments_appended():
    from io import BytesIO

    from pypdf import PdfReader

    proposal = make_submitted_proposal()
    client = signed_in(proposal.pi)

    response = client.get(reverse("grants:proposal_pdf", args=[proposal.pk]))

    reader = PdfReader(BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="northstar-proposal-')
    assert "Community health workers" in text
    assert len(reader.pages) >= 2  # the application, then the one-page biosketch


def test_team_member_added_by_username_gets_invitation(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal(complete=False)
    colleague = make_user("colleague")
    client = signed_in(proposal.pi)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grants:proposal_team", args=[proposal.pk]),
            {"role": TeamRole.CO_INVESTIGATOR, "username": "colleague"},
        )

    assert response.status_code == 302
    assert proposal.team.get().user == colleague
    assert mailoutbox[-1].to == [colleague.email]


def test_team_member_unknown_username_is_a_field_error():
    proposal = make_proposal(complete=False)
    client = signed_in(proposal.pi)

    response = client.post(
        reverse("grants:proposal_team", args=[proposal.pk]),
        {"role": TeamRole.CO_INVESTIGATOR, "username": "nobody"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["username"]


def test_team_member_can_read_but_not_edit():
    proposal = make_proposal()
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.CO_INVESTIGATOR, user=colleague
    )
    client = signed_in(colleague)

    detail = client.get(reverse("grants:proposal_detail", args=[proposal.pk]))
    edit = client.post(
        reverse("grants:proposal_budget", args=[proposal.pk]),
        {"category": "supplies", "description": "x", "amount": "1"},
    )

    assert detail.status_code == 200
    assert edit.status_code == 403
    assert proposal.budget_lines.count() == 2


def test_dashboard_lists_open_calls_and_my_proposals(django_assert_max_num_queries):
    call = make_call()
    proposal = make_proposal(call=call)
    make_call()
    client = signed_in(proposal.pi)

    # 13 since the dashboard lists the applicant's letters of intent too (one query).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert list(response.context["my_proposals"]) == [proposal]
    assert response.context["my_proposals"][0].budget_total == Decimal("15000.00")


def _call_with_proposals(n: int, **fields):
    call = make_call(one_per_applicant=False)
    return call, [make_submitted_proposal(call=call, **fields) for _ in range(n)]


def test_call_proposals_are_paginated_fifty_a_page_keeping_the_filters():
    from grants.views import CALL_PROPOSALS_PAGE_SIZE

    call, proposals = _call_with_proposals(CALL_PROPOSALS_PAGE_SIZE + 3)
    admin = signed_in(make_admin())
    url = reverse("grants:call_proposals", args=[call.pk])

    first = admin.get(url, {"status": "submitted"})
    second = admin.get(url, {"status": "submitted", "page": 2})
    beyond = admin.get(url, {"status": "submitted", "page": 99})
    garbage = admin.get(url, {"page": "x"})

    assert [p.pk for p in first.context["page"].object_list] == [
        p.pk for p in proposals[:CALL_PROPOSALS_PAGE_SIZE]
    ]
    assert [p.pk for p in second.context["page"].object_list] == [
        p.pk for p in proposals[CALL_PROPOSALS_PAGE_SIZE:]
    ]
    assert beyond.context["page"].number == 2  # past the end: the last page
    assert garbage.context["page"].number == 1
    body = first.content.decode()
    assert f"{CALL_PROPOSALS_PAGE_SIZE + 3} proposals match the filters" in body
    assert 'href="?status=submitted&amp;page=2" rel="next"' in body
    assert "Page 1 of 2" in body


def test_call_proposals_filter_by_status_position_population_and_search():
    call, (faculty, student, returned) = _call_with_proposals(3)
    faculty.title = "Diabetes prevention in Ward 8"
    faculty.disparity_populations = ["sgm"]
    faculty.save()
    student.pi.profile.applicant_type = ApplicantType.MEDICAL_STUDENT
    student.pi.profile.save()
    services.proposal_return(proposal=returned, actor=make_admin(), reason="Use the template.")
    admin = signed_in(make_admin())
    url = reverse("grants:call_proposals", args=[call.pk])

    def listed(**query):
        response = admin.get(url, query)
        assert response.status_code == 200
        return {p.pk for p in response.context["page"].object_list}

    assert listed() == {faculty.pk, student.pk, returned.pk}
    assert listed(status="returned") == {returned.pk}
    assert listed(applicant_type="medical_student") == {student.pk}
    assert listed(disparity_population="sgm") == {faculty.pk}
    assert listed(search="ward 8") == {faculty.pk}
    assert listed(search=student.pi.last_name.upper()) == {student.pk}
    assert listed(search=f"NS-{returned.pk}") == {returned.pk}
    assert listed(search="nothing like this") == set()


def test_call_proposals_bad_filters_are_field_errors_not_failures():
    call, proposals = _call_with_proposals(2)
    admin = signed_in(make_admin())

    response = admin.get(
        reverse("grants:call_proposals", args=[call.pk]),
        {"status": "draft", "applicant_type": "wizard", "search": "x" * 201},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status", "applicant_type", "search"}
    # Invalid filters are dropped: the whole list shows, and the errors say why.
    assert {p.pk for p in response.context["page"].object_list} == {p.pk for p in proposals}
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_call_proposals_query_count_is_constant(n, django_assert_num_queries):
    call = make_call(one_per_applicant=False)
    for _ in range(n):
        make_submitted_proposal(call=call)
    client = signed_in(make_admin())
    client.get(reverse("grants:call_proposals", args=[call.pk]))  # warm session

    with django_assert_num_queries(10):
        client.get(reverse("grants:call_proposals", args=[call.pk]))
