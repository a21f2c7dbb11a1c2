"""Recording who was paid what from an award, and their training status: the services' rules,
the award's support page and the API, and who may use them (the award's PI and
administrators; the rest of the team sees the award but not this; anyone else: 404)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType, AuditAction
from accounts.models import AuditEntry
from reporting import services
from reporting.models import ParticipantSupport, ReportingProfile, TrainingProgram, TrainingStatus
from tests.api.support import API, api_as
from tests.factories import make_user
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    trainee = make_user("tina", applicant_type=ApplicantType.MEDICAL_STUDENT)
    award, admin = simple_award(team=[trainee], start=date(2025, 1, 1), end=date(2025, 12, 31))
    other, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    program = TrainingProgram.objects.create(
        profile=ReportingProfile.objects.get(), name="Scholars", program_type="structured"
    )
    return {
        "award": award,
        "admin": admin,
        "pi": award.proposal.pi,
        "trainee": trainee,
        "other_pi": other.proposal.pi,
        "other": other,
        "program": program,
    }


def good(s, **changes) -> dict:
    return {
        "person": s["trainee"].pk,
        "kind": "stipend",
        "amount": "2500.00",
        "paid_from": date(2025, 2, 1),
        "paid_to": date(2025, 5, 31),
        "training_program": s["program"].pk,
        "note": "Spring stipend",
        **changes,
    }


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


# ---- Services --------------------------------------------------------------------------------


def test_the_pi_records_support_and_it_is_audited(setup):
    support = services.participant_support_create(
        actor=setup["pi"], award=setup["award"], data=good(setup)
    )

    assert (support.person, support.kind, support.amount) == (
        setup["trainee"],
        "stipend",
        Decimal("2500.00"),
    )
    entry = AuditEntry.objects.get(action=AuditAction.SUPPORT_CHANGED)
    assert (entry.actor, entry.object_id, entry.before) == (setup["pi"], str(support.pk), None)
    assert entry.after["amount"] == "2500.00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "-5"}, "amount", "The amount must be more than zero."),
        ({"amount": "abc"}, "amount", "Enter the amount as a number, e.g. 2500.00."),
        ({"amount": ""}, "amount", "Enter the amount paid."),
        ({"kind": "bonus"}, "kind", "Choose stipend, tuition, travel or other."),
        ({"paid_from": date(2024, 12, 31)}, "paid_from", "Payments fall within the award: "),
        ({"paid_to": date(2026, 1, 1)}, "paid_to", "Payments fall within the award: "),
        (
            {"paid_from": date(2025, 6, 1), "paid_to": date(2025, 5, 1)},
            "paid_to",
            "The last day paid cannot be before the first.",
        ),
        ({"paid_from": "June"}, "paid_from", "Enter a date as YYYY-MM-DD."),
        ({"person": ""}, "person", "Choose the person who was paid."),
        ({"person": 999999}, "person", "Choose the award's PI or a person on its team."),
        ({"training_program": 999999}, "training_program", "Choose one of the program's"),
        ({"note": "x" * 501}, "note", "Keep the note to 500 characters (it has 501)."),
    ],
)
def test_bad_support_is_refused_under_its_field(setup, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        services.participant_support_create(
            actor=setup["pi"], award=setup["award"], data=good(setup, **changes)
        )

    assert list(errors_of(exc)) == [field]
    assert errors_of(exc)[field][0].startswith(message)
    assert ParticipantSupport.objects.count() == 0


def test_someone_off_the_award_cannot_be_paid_from_it(setup):
    with pytest.raises(ValidationError) as exc:
        services.participant_support_create(
            actor=setup["pi"], award=setup["award"], data=good(setup, person=setup["other_pi"].pk)
        )

    assert errors_of(exc) == {"person": ["Choose the award's PI or a person on its team."]}


def test_only_the_pi_and_administrators_record_support(setup):
    for actor in (setup["trainee"], setup["other_pi"]):
        with pytest.raises(PermissionDenied):
            services.participant_support_create(actor=actor, award=setup["award"], data=good(setup))

    services.participant_support_create(
        actor=setup["admin"], award=setup["award"], data=good(setup)
    )
    assert ParticipantSupport.objects.count() == 1


def test_a_change_is_checked_and_audited_with_the_values_before(setup):
    support = services.participant_support_create(
        actor=setup["pi"], award=setup["award"], data=good(setup)
    )

    with pytest.raises(ValidationError):
        services.participant_support_update(
            actor=setup["pi"], support=support, data={"amount": "0"}
        )
    services.participant_support_update(
        actor=setup["admin"], support=support, data={"amount": "3000"}
    )

    support.refresh_from_db()
    assert support.amount == Decimal("3000.00")
    entry = AuditEntry.objects.filter(action=AuditAction.SUPPORT_CHANGED).latest("pk")
    assert (entry.before["amount"], entry.after["amount"]) == ("2500.00", "3000")


def test_deleting_support_is_audited(setup):
    support = services.participant_support_create(
        actor=setup["pi"], award=setup["award"], data=good(setup)
    )

    with pytest.raises(PermissionDenied):
        services.participant_support_delete(actor=setup["trainee"], support=support)
    services.participant_support_delete(actor=setup["pi"], support=support)

    assert ParticipantSupport.objects.count() == 0
    assert (
        AuditEntry.objects.filter(action=AuditAction.SUPPORT_CHANGED, note="deleted").count() == 1
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "completed"}, "status_date", "Give the date they completed."),
        ({"status": "left"}, "status_date", "Give the date they left."),
        ({"status": "graduated"}, "status", "Choose enrolled, graduated / completed, or left."),
        ({"status": "completed", "status_date": "tomorrow"}, "status_date", "Enter a date"),
        ({"status": "enrolled", "person": 999999}, "person", "Choose the award's PI"),
    ],
)
def test_bad_training_status_is_refused_under_its_field(setup, data, field, message):
    with pytest.raises(ValidationError) as exc:
        services.training_status_record(
            actor=setup["pi"], award=setup["award"], data={"person": setup["trainee"].pk, **data}
        )

    assert list(errors_of(exc)) == [field]
    assert errors_of(exc)[field][0].startswith(message)


def test_a_completion_date_in_the_future_is_refused(setup):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as exc:
        services.training_status_record(
            actor=setup["pi"],
            award=setup["award"],
            data={"person": setup["trainee"].pk, "status": "completed", "status_date": tomorrow},
        )

    assert errors_of(exc) == {"status_date": ["The date cannot be in the future."]}


def test_one_current_status_per_person_and_program_with_its_history_audited(setup):
    def record(status, on):
        return services.training_status_record(
            actor=setup["pi"],
            award=setup["award"],
            data={
                "person": setup["trainee"].pk,
                "training_program": setup["program"].pk,
                "status": status,
                "status_date": on,
            },
        )

    record("enrolled", date(2025, 1, 15))
    record("completed", date(2025, 6, 1))

    status = TrainingStatus.objects.get()
    assert (status.status, status.status_date) == ("completed", date(2025, 6, 1))
    entries = AuditEntry.objects.filter(
        action=AuditAction.STATE_CHANGED, object_type="reporting.trainingstatus"
    ).order_by("pk")
    assert [(e.before, e.after["status"]) for e in entries] == [
        (None, "enrolled"),
        ({"status": "enrolled", "status_date": "2025-01-15"}, "completed"),
    ]


def test_a_team_member_cannot_record_a_status(setup):
    with pytest.raises(PermissionDenied):
        services.training_status_record(
            actor=setup["trainee"],
            award=setup["award"],
            data={"person": setup["trainee"].pk, "status": "enrolled"},
        )


# ---- The page --------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_support_page_is_the_pis_and_administrators(setup):
    url = reverse("reporting:award_support", args=[setup["award"].pk])

    assert client_for(setup["pi"]).get(url).status_code == 200
    assert client_for(setup["admin"]).get(url).status_code == 200
    assert client_for(setup["trainee"]).get(url).status_code == 403  # sees the award
    assert client_for(setup["other_pi"]).get(url).status_code == 404


def test_the_award_page_links_to_support_for_the_pi_only(setup):
    url = reverse("reporting:award_detail", args=[setup["award"].pk])
    link = reverse("reporting:award_support", args=[setup["award"].pk])

    assert link in client_for(setup["pi"]).get(url).content.decode()
    assert link not in client_for(setup["trainee"]).get(url).content.decode()


def test_the_pi_adds_support_and_a_status_on_the_page(setup):
    client = client_for(setup["pi"])
    url = reverse("reporting:award_support", args=[setup["award"].pk])
    form = {
        "action": "support",
        "support-person": setup["trainee"].pk,
        "support-kind": "tuition",
        "support-amount": "4000",
        "support-paid_from": "2025-01-01",
        "support-paid_to": "2025-06-30",
    }

    added = client.post(url, form)
    status = client.post(
        url,
        {
            "action": "status",
            "status-person": setup["trainee"].pk,
            "status-status": "enrolled",
            "status-status_date": "2025-01-01",
        },
    )
    page = client.get(url).content.decode()

    assert (added.status_code, added["Location"]) == (302, url)
    assert status.status_code == 302
    assert ParticipantSupport.objects.get().kind == "tuition"
    assert "$4,000.00" in page
    assert "Enrolled Jan 1, 2025" in page


def test_bad_input_on_the_page_shows_field_errors_not_a_crash(setup):
    url = reverse("reporting:award_support", args=[setup["award"].pk])

    response = client_for(setup["pi"]).post(
        url,
        {
            "action": "support",
            "support-person": setup["trainee"].pk,
            "support-kind": "stipend",
            "support-amount": "0",
            "support-paid_from": "2024-01-01",
            "support-paid_to": "2025-06-30",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There are problems to fix" in html
    assert "The amount must be more than zero." in html
    assert "Payments fall within the award" in html
    assert ParticipantSupport.objects.count() == 0


def test_a_team_member_cannot_post_support_on_the_page(setup):
    url = reverse("reporting:award_support", args=[setup["award"].pk])

    response = client_for(setup["trainee"]).post(url, {"action": "support"})

    assert response.status_code == 403


def test_editing_and_deleting_on_the_page(setup):
    support = services.participant_support_create(
        actor=setup["pi"], award=setup["award"], data=good(setup)
    )
    client = client_for(setup["admin"])
    edit = reverse("reporting:support_edit", args=[setup["award"].pk, support.pk])
    data = {
        "support-person": setup["trainee"].pk,
        "support-kind": "travel",
        "support-amount": "750.00",
        "support-paid_from": "2025-03-01",
        "support-paid_to": "2025-03-04",
    }

    assert client.get(edit).status_code == 200
    assert client.post(edit, data).status_code == 302
    support.refresh_from_db()
    assert (support.kind, support.amount) == ("travel", Decimal("750.00"))
    # Another award's record under this award is unknown.
    foreign = reverse("reporting:support_edit", args=[setup["other"].pk, support.pk])
    assert client.get(foreign).status_code == 404
    delete = reverse("reporting:support_delete", args=[setup["award"].pk, support.pk])
    assert client_for(setup["trainee"]).post(delete).status_code == 403
    assert client.post(delete).status_code == 302
    assert ParticipantSupport.objects.count() == 0


# ---- The API ---------------------------------------------------------------------------------


def support_url(award, pk=None) -> str:
    return f"{API}/awards/{award.pk}/support/" + (f"{pk}/" if pk else "")


def test_api_support_is_the_pis_and_administrators(setup):
    award = setup["award"]
    body = {**good(setup), "paid_from": "2025-02-01", "paid_to": "2025-05-31"}

    created = api_as(setup["pi"]).post(support_url(award), body, format="json")
    listed = api_as(setup["admin"]).get(support_url(award))

    assert created.status_code == 201
    assert created.json()["person"]["id"] == setup["trainee"].pk
    assert created.json()["amount"] == "2500.00"
    assert [item["id"] for item in listed.json()] == [created.json()["id"]]
    assert api_as(setup["trainee"]).get(support_url(award)).status_code == 403
    assert api_as(setup["trainee"]).post(support_url(award), body).status_code == 403
    assert api_as(setup["other_pi"]).get(support_url(award)).status_code == 404
    assert api_as(setup["other_pi"]).post(support_url(award), body).status_code == 404


def test_api_bad_support_is_400_with_field_errors(setup):
    body = {**good(setup), "amount": "-1", "paid_from": "2024-01-01", "paid_to": "2025-05-31"}

    response = api_as(setup["pi"]).post(support_url(setup["award"]), body, format="json")

    assert response.status_code == 400
    errors = response.json()
    text = str(errors)
    assert "The amount must be more than zero." in text
    assert "Payments fall within the award" in text
    assert ParticipantSupport.objects.count() == 0


def test_api_changes_and_deletes_support(setup):
    support = services.participant_support_create(
        actor=setup["pi"], award=setup["award"], data=good(setup)
    )
    url = support_url(setup["award"], support.pk)

    changed = api_as(setup["pi"]).patch(url, {"amount": "99.50"}, format="json")
    refused = api_as(setup["trainee"]).delete(url)
    foreign = api_as(setup["admin"]).delete(support_url(setup["other"], support.pk))
    deleted = api_as(setup["admin"]).delete(url)

    assert (changed.status_code, changed.json()["amount"]) == (200, "99.50")
    assert (refused.status_code, foreign.status_code, deleted.status_code) == (403, 404, 204)


def test_api_records_and_lists_training_status(setup):
    url = f"{API}/awards/{setup['award'].pk}/training-status/"
    body = {"person": setup["trainee"].pk, "status": "left", "status_date": "2025-04-01"}

    missing_date = api_as(setup["pi"]).post(url, {**body, "status_date": None}, format="json")
    recorded = api_as(setup["pi"]).post(url, body, format="json")
    listed = api_as(setup["admin"]).get(url)

    assert missing_date.status_code == 400
    assert "Give the date they left." in str(missing_date.json())
    assert (recorded.status_code, recorded.json()["status"]) == (200, "left")
    assert [(s["person"]["id"], s["status_date"]) for s in listed.json()] == [
        (setup["trainee"].pk, "2025-04-01")
    ]
    assert api_as(setup["trainee"]).post(url, body, format="json").status_code == 403
    assert api_as(setup["other_pi"]).get(url).status_code == 404


def _page_queries(n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    members = [make_user(applicant_type=ApplicantType.MEDICAL_STUDENT) for _ in range(n)]
    award, _ = simple_award(team=members)
    pi = award.proposal.pi
    for member in members:
        services.participant_support_create(
            actor=pi,
            award=award,
            data={
                "person": member.pk,
                "kind": "stipend",
                "amount": "100.00",
                "paid_from": award.start_date,
                "paid_to": award.start_date,
            },
        )
        services.training_status_record(
            actor=pi, award=award, data={"person": member.pk, "status": "enrolled"}
        )
    client = client_for(pi)
    url = reverse("reporting:award_support", args=[award.pk])
    client.get(url)  # first reads (progress report scheduling, sessions) aside
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_support_page_costs_the_same_for_1_and_3_people(db):
    assert _page_queries(1) == _page_queries(3)
