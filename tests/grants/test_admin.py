"""The Django admin shows proposals, their team, budget, documents and endorsements but never
writes them: every write goes through the services that freeze a submitted proposal and audit
the change (docs/invariants.md, "A submitted proposal is frozen"). The office's career-stage
correction still runs from the admin, through its service."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.choices import ApplicantType
from accounts.models import Profile
from grants.models import Attachment, BudgetLine, Proposal, TeamMember
from tests.factories import PASSWORD, make_submitted_proposal, make_trainee_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.edu", PASSWORD)
    client.force_login(user)
    return client


def test_a_submitted_proposal_is_shown_but_not_changed_in_the_admin(staff_client):
    proposal = make_submitted_proposal()
    url = reverse("admin:grants_proposal_change", args=[proposal.pk])
    line = proposal.budget_lines.first()

    page = staff_client.get(url)
    response = staff_client.post(
        url,
        {
            "title": "Rewritten after submission",
            "requested_amount": "99999.00",
            "budget_lines-TOTAL_FORMS": "1",
            "budget_lines-INITIAL_FORMS": "1",
            "budget_lines-0-id": str(line.pk),
            "budget_lines-0-proposal": str(proposal.pk),
            "budget_lines-0-category": line.category,
            "budget_lines-0-description": line.description,
            "budget_lines-0-amount": "99999.00",
        },
    )

    assert page.status_code == 200
    assert proposal.title in page.content.decode()
    assert b'name="_save"' not in page.content
    assert response.status_code == 403
    proposal.refresh_from_db()
    line.refresh_from_db()
    assert (proposal.title, line.amount) != ("Rewritten after submission", 99999)
    assert staff_client.get(reverse("admin:grants_proposal_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:grants_proposal_delete", args=[proposal.pk])).status_code
        == 403
    )
    assert Proposal.objects.filter(pk=proposal.pk).exists()


@pytest.mark.parametrize("model", ["attachment", "endorsement"])
def test_documents_and_endorsements_are_not_added_in_the_admin(staff_client, model):
    assert staff_client.get(reverse(f"admin:grants_{model}_add")).status_code == 403


def test_the_team_and_budget_are_reached_only_through_the_read_only_proposal():
    assert not admin.site.is_registered(TeamMember)
    assert not admin.site.is_registered(BudgetLine)


def test_an_endorsement_is_shown_without_the_mentors_private_link(staff_client):
    proposal, _student, _mentor = make_trainee_proposal(endorsed=True)
    endorsement = proposal.endorsement
    url = reverse("admin:grants_endorsement_change", args=[endorsement.pk])

    page = staff_client.get(url)
    response = staff_client.post(url, {"status": "declined", "statement": "Forged."})

    assert page.status_code == 200
    assert endorsement.token not in page.content.decode()
    assert response.status_code == 403
    endorsement.refresh_from_db()
    assert endorsement.statement == "Strongly endorsed."
    assert Attachment.objects.filter(proposal=proposal).count() == 1


def test_the_career_stage_action_still_corrects_a_draft_through_its_service(staff_client):
    proposal, student, _mentor = make_trainee_proposal(endorsed=False)
    Profile.objects.filter(user=student).update(applicant_type=ApplicantType.RESIDENT)

    response = staff_client.post(
        reverse("admin:grants_proposal_changelist"),
        {"action": "correct_career_stage", "_selected_action": [str(proposal.pk)]},
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.pi_career_stage == ApplicantType.RESIDENT
    assert BudgetLine.objects.filter(proposal=proposal).count() == 2
