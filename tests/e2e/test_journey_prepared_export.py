"""Journey: the administrator prepares the HRSA workbook in the background. The report page's
"Prepare the export" (eager: the file is ready when the page arrives), and a job still queued,
whose page follows it by itself (static/js/export-job.js) until the download link appears.
Both pages pass axe. The rest of the flow, and the real worker: tests/tasks/."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.models import ExportJob
from reporting.services.exports import export_job_run
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD
from tests.reporting.support import simple_award

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def download_workbook(page, link_name) -> list[str]:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    return load_workbook(BytesIO(Path(download.value.path()).read_bytes())).sheetnames


def test_prepared_export_in_the_browser(page):
    _, admin = simple_award()
    admin.set_password(PASSWORD)
    admin.save()
    sign_in(page, admin.username, PASSWORD)

    # Eager (no broker): the job is done by the time its page arrives.
    page.goto("/reports/hrsa/?period=2025-2026")
    page.get_by_label("Format").select_option("xlsx")
    page.get_by_role("button", name="Prepare the export").click()
    page.get_by_role("link", name="Download northstar-hrsa-2025-2026.xlsx").wait_for()
    check_accessibility(page, "prepared export, ready")
    assert download_workbook(page, "Download northstar-hrsa-2025-2026.xlsx")[:2] == [
        "Program set-up",
        "Summary",
    ]

    # Queued, as when every worker is busy: the page polls until a worker has built it.
    job = ExportJob.objects.create(requested_by=admin, period="2025-2026", format="xlsx")
    page.goto(f"/reports/hrsa/exports/{job.pk}/")
    assert page.get_by_role("status").inner_text() == "Queued (0%)"
    check_accessibility(page, "prepared export, queued")
    export_job_run(job_id=job.pk)  # the worker's part
    link = re.compile(r"^Download northstar-hrsa-2025-2026(_\w+)?\.xlsx$")
    page.get_by_role("link", name=link).wait_for()
    assert page.get_by_role("status").inner_text() == "Ready"
    assert download_workbook(page, link)[-1] == "Checks"
