"""The admin pages of the reporting app open, and the reporting profile is edited there."""

import json

import pytest
from django.urls import reverse

from reporting.models import ReportingProfile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


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
        },
    )

    assert response.status_code == 200
    assert "Map to one of aian, asian, black, nhpi, white (not middle_eastern)." in (
        response.content.decode()
    )
