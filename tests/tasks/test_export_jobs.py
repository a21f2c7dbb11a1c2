"""Prepared exports, e-mail and reminders as tasks, in the default eager mode: through the
pages (prepare -> progress -> download), the JSON the progress page polls, and the services."""

import io
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from reporting.models import ExportJob
from reporting.services.exports import export_job_create, export_job_run
from reporting.tasks import send_reminders
from tests.factories import make_admin, make_submitted_proposal
from tests.reporting.support import simple_award
from tests.tasks.support import publishing_to

pytestmark = pytest.mark.django_db

PERIOD = "2025-2026"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def prepare(client, django_capture_on_commit_callbacks, **options):
    """Press "Prepare the export" (the task runs when the job's row is committed)."""
    data = {"period": PERIOD, "format": "xlsx", "threshold": "10", **options}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reporting:export_job_create"), data)


def exports_audited() -> list[tuple[str, str, dict]]:
    return [
        (e.object_id, e.note, e.after)
        for e in AuditEntry.objects.filter(action=AuditAction.REPORT_EXPORTED).order_by("pk")
    ]


def test_prepared_export_is_ready_at_once_and_downloads_audited(
    django_capture_on_commit_callbacks,
):
    _, admin = simple_award()
    client = client_for(admin)

    created = prepare(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    page = client.get(created["Location"])
    status = client.get(reverse("reporting:export_job_status", args=[job.pk])).json()
    download = client.get(status["download_url"])

    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert created["Location"] == reverse("reporting:export_job", args=[job.pk])
    assert status == {
        "id": job.pk,
        "status": "done",
        "label": "Ready",
        "progress": 100,
        "finished": True,
        "error": "",
        "filename": "northstar-hrsa-2025-2026.xlsx",
        "download_url": reverse("reporting:export_job_download", args=[job.pk]),
    }
    assert "Download northstar-hrsa-2025-2026.xlsx" in page.content.decode()
    assert download["Content-Disposition"] == (
        'attachment; filename="northstar-hrsa-2025-2026.xlsx"'
    )
    assert workbook.sheetnames[:2] == ["Program set-up", "Summary"]
    assert workbook.sheetnames[-1] == "Checks"
    assert exports_audited() == [
        (
            PERIOD,
            f"Prepared export {job.pk}.",
            {"format": "xlsx", "suppressed": False, "threshold": None},
        )
    ]


def test_prepared_export_keeps_the_suppression_options(django_capture_on_commit_callbacks):
    _, admin = simple_award()
    client = client_for(admin)

    prepare(client, django_capture_on_commit_callbacks, format="json", suppress="on", threshold="5")
    job = ExportJob.objects.get()
    client.get(reverse("reporting:export_job_download", args=[job.pk]))

    assert (job.format, job.suppress, job.threshold, job.status) == ("json", True, 5, "done")
    assert job.filename == "northstar-hrsa-2025-2026-suppressed.json"
    assert exports_audited()[0][2] == {"format": "json", "suppressed": True, "threshold": 5}


def test_prepared_export_pages_are_404_for_everyone_but_the_administrator_who_asked(
    django_capture_on_commit_callbacks,
):
    award, admin = simple_award()
    prepare(client_for(admin), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    pages = [
        reverse("reporting:export_job", args=[job.pk]),
        reverse("reporting:export_job_status", args=[job.pk]),
        reverse("reporting:export_job_download", args=[job.pk]),
    ]

    pi = client_for(award.proposal.pi)
    other_admin = client_for(make_admin())

    assert [pi.get(url).status_code for url in pages] == [404, 404, 404]
    assert pi.post(reverse("reporting:export_job_create"), {"period": PERIOD}).status_code == 404
    assert [other_admin.get(url).status_code for url in pages] == [404, 404, 404]
    assert exports_audited() == []


def test_failed_export_shows_the_error_and_offers_no_file(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    _, admin = simple_award()
    # The storage cannot write: MEDIA_ROOT is a file, not a folder.
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("")
    client = client_for(admin)

    prepare(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    page = client.get(reverse("reporting:export_job", args=[job.pk]))
    status = client.get(reverse("reporting:export_job_status", args=[job.pk])).json()
    download = client.get(reverse("reporting:export_job_download", args=[job.pk]))

    assert (job.status, job.file.name, job.filename) == ("failed", "", "")
    assert job.error == (
        "The file could not be prepared. NotADirectoryError; the details are in the task "
        "worker's log."
    )
    assert (status["status"], status["download_url"], status["error"]) == (
        "failed",
        None,
        job.error,
    )
    assert "NotADirectoryError; the details are in the task worker&#x27;s log." in (
        page.content.decode()
    )
    assert download.status_code == 404
    assert exports_audited() == []


def test_queued_job_shows_its_progress_and_no_file_yet(django_capture_on_commit_callbacks):
    _, admin = simple_award()
    client = client_for(admin)
    # The row is never committed here, so no task runs: as if every worker were busy.
    client.post(reverse("reporting:export_job_create"), {"period": PERIOD, "format": "pdf"})
    job = ExportJob.objects.get()

    page = client.get(reverse("reporting:export_job", args=[job.pk]))
    status = client.get(reverse("reporting:export_job_status", args=[job.pk])).json()
    download = client.get(reverse("reporting:export_job_download", args=[job.pk]))

    assert (status["status"], status["progress"], status["finished"]) == ("queued", 0, False)
    assert 'data-finished="false"' in page.content.decode()
    assert download.status_code == 404


def test_a_job_whose_worker_vanished_is_shown_as_failed():
    _, admin = simple_award()
    job = ExportJob.objects.create(
        requested_by=admin,
        period=PERIOD,
        format="xlsx",
        status=ExportJob.Status.RUNNING,
        progress=60,
        started_at=timezone.now() - timedelta(hours=2),
    )

    status = client_for(admin).get(reverse("reporting:export_job_status", args=[job.pk])).json()

    assert (status["status"], status["finished"], status["download_url"]) == (
        "failed",
        True,
        None,
    )
    assert status["error"].startswith("The worker preparing the file stopped")


def test_export_job_runs_once_however_often_it_is_delivered(django_capture_on_commit_callbacks):
    _, admin = simple_award()
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(actor=admin, period=PERIOD, fmt="json")

    again = export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert again is None
    assert (job.status, job.progress) == ("done", 100)


def test_prepare_with_a_bad_format_goes_back_to_the_report():
    _, admin = simple_award()

    response = client_for(admin).post(
        reverse("reporting:export_job_create"), {"period": PERIOD, "format": "docx"}
    )

    assert response["Location"] == reverse("reporting:report")
    assert ExportJob.objects.count() == 0


def test_reminders_task_sends_what_the_command_sends(
    mailoutbox, django_capture_on_commit_callbacks
):
    simple_award()  # a 2025 award: its interim and final reports are overdue by now

    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders.delay(today="2026-11-01").get()

    assert result == {"due_soon": 0, "overdue": 2}
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["[Center of Excellence] Overdue"] * 2


def test_mail_is_sent_from_the_web_process_when_the_broker_is_down(
    mailoutbox, django_capture_on_commit_callbacks
):
    with socket.socket() as closed:  # a loopback port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    with (
        publishing_to(f"redis://127.0.0.1:{port}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        proposal = make_submitted_proposal()

    assert [m.to for m in mailoutbox] == [[proposal.pi.email]]
    assert mail.outbox[0].subject.startswith("[Center of Excellence] Received: ")
