"""The awards, outcomes, HRSA report and dashboard pages."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from grants.choices import AwardStatus
from reporting.models import FollowOnFunding, ProgressReport, Publication
from tests.factories import make_user
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db

MEDLINE = """PMID- 38123456
TI  - Promotora-led diabetes care in rural Latino families.
JT  - Journal of Health Disparities Research
DP  - 2025 Mar
AU  - Ramirez E
AID - 10.1234/jhdr.2025.001 [doi]

"""


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_awardee_sees_award_with_scheduled_progress_reports():
    award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    client = client_for(award.proposal.pi)

    response = client.get(reverse("reporting:award_detail", args=[award.pk]))

    assert response.status_code == 200
    assert [r.kind for r in ProgressReport.objects.filter(award=award).order_by("due_date")] == [
        "interim",
        "final",
    ]


def test_other_user_gets_404_on_award_and_outcome_pages():
    award, _ = simple_award()
    stranger = client_for(make_user())

    pages = [
        reverse("reporting:award_detail", args=[award.pk]),
        reverse("reporting:outcome_new", args=[award.pk, "publications"]),
        reverse("reporting:publication_import", args=[award.pk]),
    ]
    assert [stranger.get(url).status_code for url in pages] == [404, 404, 404]


@pytest.mark.parametrize("kind", ["publications", "presentations", "funding", "partnerships"])
def test_an_empty_post_of_an_outcome_form_shows_the_required_fields_not_a_500(kind):
    award, _ = simple_award()
    client = client_for(award.proposal.pi)

    response = client.post(reverse("reporting:outcome_new", args=[award.pk, kind]), {})

    assert response.status_code == 200
    assert response.context["form"].is_bound
    assert response.context["form"].errors


def test_a_stranger_opening_an_award_page_writes_nothing():
    award, _ = simple_award()

    response = client_for(make_user()).get(reverse("reporting:award_detail", args=[award.pk]))

    assert response.status_code == 404
    assert not ProgressReport.objects.filter(award=award).exists()


def test_publication_with_malformed_doi_is_a_field_error_and_keeps_input():
    award, _ = simple_award()
    client = client_for(award.proposal.pi)

    response = client.post(
        reverse("reporting:outcome_new", args=[award.pk, "publications"]),
        {
            "title": "Navigators and A1c",
            "doi": "not-a-doi",
            "year": "2025",
            "published_on": "2025-03-01",
            "peer_reviewed": "on",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["doi"]
    assert response.context["form"]["title"].value() == "Navigators and A1c"
    assert Publication.objects.count() == 0


def test_follow_on_funding_negative_amount_is_refused_and_valid_one_saved():
    award, _ = simple_award()
    client = client_for(award.proposal.pi)
    url = reverse("reporting:outcome_new", args=[award.pk, "funding"])
    data = {
        "sponsor": "NIMHD",
        "sponsor_type": "nih",
        "mechanism": "R21",
        "amount": "-5",
        "status": "awarded",
        "applied_on": "2025-02-01",
        "decided_on": "2025-06-01",
    }

    refused = client.post(url, data)
    saved = client.post(url, {**data, "amount": "275000"})

    assert refused.status_code == 200
    assert "amount" in refused.context["form"].errors
    assert saved.status_code == 302
    assert FollowOnFunding.objects.get().amount == 275000


def test_publication_import_previews_then_saves_and_skips_duplicates():
    award, _ = simple_award(start=date(2024, 7, 1), end=date(2025, 6, 30))
    client = client_for(award.proposal.pi)
    url = reverse("reporting:publication_import", args=[award.pk])
    upload = SimpleUploadedFile("pubmed.nbib", MEDLINE.encode())

    preview = client.post(url, {"file": upload})
    confirm = client.post(url, {"action": "confirm"})
    again = client.post(url, {"file": SimpleUploadedFile("pubmed.nbib", MEDLINE.encode())})

    assert preview.status_code == 200
    assert [r.pmid for r in preview.context["records"]] == ["38123456"]
    assert Publication.objects.filter(pmid="38123456").count() == 1
    assert confirm.status_code == 302
    assert [r.duplicate for r in again.context["records"]] == [True]


def test_import_of_a_file_that_is_not_medline_or_ris_saves_nothing():
    award, _ = simple_award()
    client = client_for(award.proposal.pi)

    response = client.post(
        reverse("reporting:publication_import", args=[award.pk]),
        {"file": SimpleUploadedFile("notes.txt", b"just some notes\nnothing here\n")},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert Publication.objects.count() == 0


def test_administrator_extends_an_award_with_history():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    client = client_for(admin)

    response = client.post(
        reverse("reporting:award_detail", args=[award.pk]),
        {"to": AwardStatus.NO_COST_EXTENSION, "new_end_date": "2026-06-30", "reason": "Delays."},
    )

    award.refresh_from_db()
    assert response.status_code == 302
    assert award.status == AwardStatus.NO_COST_EXTENSION
    assert award.end_date == date(2026, 6, 30)
    final = ProgressReport.objects.get(award=award, kind="final")
    assert final.due_date == date(2026, 8, 29)


def test_awardee_cannot_change_the_award():
    award, _ = simple_award()

    response = client_for(award.proposal.pi).post(
        reverse("reporting:award_detail", args=[award.pk]), {"to": AwardStatus.CLOSED}
    )

    assert response.status_code == 403


def test_report_pages_are_for_administrators_only():
    award, admin = simple_award()
    pi = client_for(award.proposal.pi)

    urls = [
        reverse("reporting:report"),
        reverse("reporting:report_export", args=["xlsx"]),
        reverse("reporting:dashboard"),
        reverse("reporting:narrative", args=["2025-2026"]),
    ]
    assert [pi.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert [client_for(admin).get(url).status_code for url in urls] == [200, 200, 200, 200]


def test_report_preview_shows_checks_first_and_the_workbook_opens():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    client = client_for(admin)

    page = client.get(reverse("reporting:report"), {"period": "2025-2026"})
    export = client.get(reverse("reporting:report_export", args=["xlsx"]), {"period": "2025-2026"})

    workbook = load_workbook(io.BytesIO(export.content))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Checks") < html.index("Projects")
    assert export["Content-Disposition"] == 'attachment; filename="northstar-hrsa-2025-2026.xlsx"'
    assert workbook.sheetnames[:2] == ["Program set-up", "Summary"]
    assert workbook.sheetnames[-1] == "Checks"


def test_report_page_lists_a_long_table_up_to_its_limit_like_the_pdf(world, monkeypatch):
    monkeypatch.setattr("reporting.views.reports.REPORT_PAGE_MAX_ROWS", 2)

    page = client_for(world.admin).get(reverse("reporting:report"), {"period": "2025-2026"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "… and 1 more row; the full list is in the Excel workbook (sheet Projects)." in html


def test_report_export_of_unknown_format_is_404():
    _, admin = simple_award()

    response = client_for(admin).get(reverse("reporting:report_export", args=["docx"]))

    assert response.status_code == 404


def test_progress_report_submission_needs_both_narratives():
    award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    client = client_for(award.proposal.pi)
    client.get(reverse("reporting:award_detail", args=[award.pk]))
    report = ProgressReport.objects.filter(award=award).order_by("due_date").first()
    url = reverse("reporting:progress_report", args=[award.pk, report.pk])

    refused = client.post(url, {"objectives_accomplishments": "Enrolled 60 families."})
    accepted = client.post(
        url,
        {"objectives_accomplishments": "Enrolled 60 families.", "barriers_resolutions": "None."},
    )

    report.refresh_from_db()
    assert list(refused.context["form"].errors) == ["barriers_resolutions"]
    assert accepted.status_code == 302
    assert report.status == "submitted"


def test_dashboard_draws_each_chart_with_its_table():
    _, admin = simple_award()

    response = client_for(admin).get(reverse("reporting:dashboard"))

    body = response.content.decode()
    charts = response.context["charts"]
    rows = sum(len(chart["rows"]) for chart in charts)
    assert response.status_code == 200
    # Each chart is one table, a bar per row (plus the funding-rate table), labels in full.
    drawn = [chart for chart in charts if chart["rows"]]
    assert len(charts) == 3 and len(drawn) == 2  # no outcomes yet: that chart says so
    assert body.count('<table class="bar-table">') == len(drawn)
    assert body.count('<svg class="bar"') == rows > 0
    assert "No data yet." in body and ">Dollars<" not in body
    assert [chart["money"] for chart in charts][-1] == "Follow-on funding awarded"
    assert all(f'<th scope="row">{row["label"]}</th>' in body for c in charts for row in c["rows"])


def test_the_dashboard_can_be_narrowed_to_one_call_and_says_so():
    award, admin = simple_award()
    client = client_for(admin)

    one = client.get(reverse("reporting:dashboard"), {"call": award.call_id})
    bad = client.get(reverse("reporting:dashboard"), {"call": "nonsense", "period": "1999"})

    assert one.status_code == 200 and one.context["narrowed"]
    assert [row[0].pk for row in one.context["board"].funding_rate_per_call] == [award.call_id]
    assert bad.status_code == 200 and not bad.context["narrowed"]
    assert bad.context["form"].errors
