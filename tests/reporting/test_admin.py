"""The admin pages of the reporting app open, and the reporting profile is edited there."""

import json

import pytest
from django.urls import reverse

from reporting.models import ReportingProfile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# The training-programs inline's management form, with nothing in it.
PROGRAMS = "training_programs"
NO_PROGRAMS = {f"{PROGRAMS}-TOTAL_FORMS": "0", f"{PROGRAMS}-INITIAL_FORMS": "0"}


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.edu", PASSWORD)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "reportingprofile",
        "reportingperiodnarrative",
        "progressreport",
        "publication",
        "presentation",
        "followonfunding",
        "traineeoutcome",
        "partnership",
    ],
)
def test_admin_lists_and_add_pages_open(staff_client, model):
    assert staff_client.get(reverse(f"admin:reporting_{model}_changelist")).status_code == 200
    if model != "progressreport":
        assert staff_client.get(reverse(f"admin:reporting_{model}_add")).status_code == 200


def test_reporting_profile_is_edited_as_json_in_the_admin(staff_client):
    profile = ReportingProfile.objects.get()
    url = reverse("admin:reporting_reportingprofile_change", args=[profile.pk])
    data = {
        "period": "2000-2001",
        "name": profile.name,
        "notes": "",
        "race_map": json.dumps({**profile.race_map, "mena": "white"}),
        "hispanic_codes": json.dumps(profile.hispanic_codes),
        "urm_codes": json.dumps([*profile.urm_codes, "mena"]),
        "sex_columns": json.dumps(profile.sex_columns),
        "sex_map": json.dumps(profile.sex_map),
        **NO_PROGRAMS,
    }

    page = staff_client.get(url)
    response = staff_client.post(url, data)

    assert page.status_code == 200
    assert response.status_code == 302
    profile.refresh_from_db()
    assert "mena" in profile.urm_codes


def test_a_bad_mapping_is_refused_in_the_admin(staff_client):
    profile = ReportingProfile.objects.get()
    url = reverse("admin:reporting_reportingprofile_change", args=[profile.pk])

    response = staff_client.post(
        url,
        {
            "period": "2000-2001",
            "race_map": json.dumps({"mena": "middle_eastern"}),
            "hispanic_codes": "[]",
            "urm_codes": "[]",
            "sex_columns": "[]",
            "sex_map": "{}",
            **NO_PROGRAMS,
        },
    )

    assert response.status_code == 200
    assert "Map to one of aian, asian, black, nhpi, white (not middle_eastern)." in (
        response.content.decode()
    )


def test_training_programs_are_added_on_the_reporting_profile_page(staff_client):
    profile = ReportingProfile.objects.get()
    url = reverse("admin:reporting_reportingprofile_change", args=[profile.pk])
    data = {
        "period": profile.period,
        "name": profile.name,
        "notes": "",
        **{name: json.dumps(getattr(profile, name)) for name in JSON_FIELDS},
        f"{PROGRAMS}-TOTAL_FORMS": "2",
        f"{PROGRAMS}-INITIAL_FORMS": "0",
        f"{PROGRAMS}-0-position": "1",
        f"{PROGRAMS}-0-name": "Summer research scholars",
        f"{PROGRAMS}-0-program_type": "structured",
        f"{PROGRAMS}-0-state": "ongoing",
        f"{PROGRAMS}-1-position": "2",
        f"{PROGRAMS}-1-name": "MD/MPH pathway",
        f"{PROGRAMS}-1-program_type": "degree_granting",
        f"{PROGRAMS}-1-state": "completed",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert list(profile.training_programs.values_list("name", "program_type", "state")) == [
        ("Summer research scholars", "structured", "ongoing"),
        ("MD/MPH pathway", "degree_granting", "completed"),
    ]


JSON_FIELDS = ("race_map", "hispanic_codes", "urm_codes", "sex_columns", "sex_map")


def test_a_training_program_in_use_cannot_be_deleted_from_the_profile(staff_client):
    from datetime import date

    from reporting import services
    from reporting.models import ParticipantSupport
    from tests.reporting.support import simple_award

    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    profile = ReportingProfile.objects.get()
    program = profile.training_programs.create(name="Scholars", program_type="structured")
    services.participant_support_create(
        actor=admin,
        award=award,
        data={
            "person": award.proposal.pi_id,
            "kind": "stipend",
            "amount": "10",
            "paid_from": date(2025, 1, 1),
            "paid_to": date(2025, 1, 1),
            "training_program": program.pk,
        },
    )
    url = reverse("admin:reporting_reportingprofile_change", args=[profile.pk])
    data = {
        "period": profile.period,
        "name": profile.name,
        "notes": "",
        **{name: json.dumps(getattr(profile, name)) for name in JSON_FIELDS},
        f"{PROGRAMS}-TOTAL_FORMS": "1",
        f"{PROGRAMS}-INITIAL_FORMS": "1",
        f"{PROGRAMS}-0-id": program.pk,
        f"{PROGRAMS}-0-profile": profile.pk,
        f"{PROGRAMS}-0-position": "0",
        f"{PROGRAMS}-0-name": "Scholars",
        f"{PROGRAMS}-0-program_type": "structured",
        f"{PROGRAMS}-0-state": "ongoing",
        f"{PROGRAMS}-0-DELETE": "on",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200  # the form again, with the refusal
    assert ParticipantSupport.objects.get().training_program == program


def test_a_submitted_progress_reports_text_is_not_edited_in_the_admin(staff_client):
    from reporting import services
    from reporting.models import ProgressReport
    from tests.reporting.support import simple_award

    award, admin = simple_award()
    services.progress_reports_schedule(award=award)
    report = ProgressReport.objects.get(award=award, kind="interim")
    ProgressReport.objects.filter(pk=report.pk).update(
        status="submitted", objectives_accomplishments="What we did.", submitted_by=admin
    )
    url = reverse("admin:reporting_progressreport_change", args=[report.pk])
    due = report.due_date

    page = staff_client.get(url)
    response = staff_client.post(
        url,
        {
            "due_date": "2030-01-01",
            "objectives_accomplishments": "Rewritten by the office.",
            "barriers_resolutions": "",
            "reminders-TOTAL_FORMS": "0",
            "reminders-INITIAL_FORMS": "0",
        },
    )

    assert page.status_code == 200
    assert 'name="objectives_accomplishments"' not in page.content.decode()
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.objectives_accomplishments, report.due_date) == ("What we did.", due)
