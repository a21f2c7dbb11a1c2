"""docs/api.md's walkthrough ("A whole cycle with `curl`"), run as written against a live
server holding the demo data.

The section's ```sh blocks are joined, in order, into one bash script, which runs with
``set -euo pipefail`` in a scratch folder, with ``NS`` pointing at the live server (the doc
defaults it to http://127.0.0.1:8000/api/v1). The commands are not changed; ``curl`` is wrapped
in a shell function that only records each response's status and body. Then:

- the script succeeds;
- the responses that are errors are exactly the ones the doc documents, in order: a comment
  ``# 409 {"detail": "..."}`` under a command is its status and its body (``…`` stands for any
  text), and every other request must succeed;
- the end state is the one the doc describes: the applicant's proposal funded, its award made,
  the publication recorded against it, the call decided, and the HRSA workbook downloaded and
  opened by openpyxl with every sheet.

The world is the demo data (``manage.py seed_demo``), on the transactional test database the
live server thread can see.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from demo.management.commands.seed_demo import OPEN_CALL_TITLE
from grants.choices import CallStatus, DecisionOutcome, ProposalStatus
from grants.models import Award, FundingCall, Proposal
from reporting.models import Publication
from reviews.choices import ReviewPhase, ReviewStatus
from reviews.models import Review

pytestmark = pytest.mark.django_db(transaction=True)

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SECTION = "## A whole cycle with `curl`"
TITLE = "Promotoras and diabetes control in farmworker families"
DOI = "10.5555/cehe.2026.0142"
SHEETS = [
    "Program set-up",
    "Summary",
    "Projects",
    "LR-1 Participants",
    "LR-2 Sex and age",
    "DV-1 Race and ethnicity",
    "DV-2 Background",
    "Outcomes",
    "INDGEN Individual records",
    "INDGEN-PY Trainee outcomes",
    "PC-10 Major participating sites",
    "PC-10 By type and purpose",
    "Narrative",
    "Checks",
]

# Records each response ("<status>\t<body>" on one line: the API's JSON has no raw newlines)
# and passes the body on untouched. Downloads written with -o have an empty body here.
CURL_RECORDER = r"""
curl() {
  local body
  body=$(command curl -w '%{stderr}%{http_code}' "$@" 2> "$WALK_DIR/.status") || return
  printf '%s\t%s\n' "$(cat "$WALK_DIR/.status")" "$body" >> "$WALK_DIR/.responses"
  printf '%s' "$body"
}
"""
ERROR = re.compile(r"^# ([45]\d\d) (\{.*\})$")


def walkthrough(text: str) -> str:
    """The walkthrough section's ```sh blocks, in order, as one script."""
    start = text.index(f"\n{SECTION}\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    blocks = re.findall(r"^```sh\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    return "\n".join(blocks)


def documented_errors(script: str) -> list[tuple[int, str]]:
    """Each ``# <status> <body>`` comment of the script: (status, body as written)."""
    return [
        (int(match[1]), match[2])
        for line in script.splitlines()
        if (match := ERROR.match(line.strip()))
    ]


def matches(documented: str, body: str) -> bool:
    """Whether a response body is the documented one (``…`` in the doc: any text)."""
    try:
        written = json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return False
    pattern = ".*".join(re.escape(part) for part in documented.split("…"))
    return re.fullmatch(pattern, written) is not None


def test_the_walkthrough_sets_its_server_and_documents_its_errors():
    script = walkthrough(DOC.read_text())
    errors = documented_errors(script)

    assert script.startswith("NS=${NS:-http://127.0.0.1:8000/api/v1}\n")
    assert "jq" not in re.findall(r"[\w-]+", script)
    assert {400, 403, 404, 409} <= {status for status, _ in errors}
    assert all(json.loads(body.replace("…", "")) for _, body in errors)


def test_the_walkthrough_runs_as_written_against_the_demo_data(live_server, tmp_path):
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    script = walkthrough(DOC.read_text())
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "NS": f"{live_server.url}/api/v1",
        "WALK_DIR": str(tmp_path),
    }

    result = subprocess.run(  # noqa: S603 - our own script, from our own docs
        ["/bin/bash", "-c", f"set -euo pipefail\n{CURL_RECORDER}\n{script}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    responses = [line.split("\t", 1) for line in (tmp_path / ".responses").read_text().splitlines()]
    errors = [(int(status), body) for status, body in responses if not status.startswith("2")]
    expected = documented_errors(script)
    assert [status for status, _ in errors] == [status for status, _ in expected], errors
    unmatched = [
        (status, documented, body)
        for (status, body), (_, documented) in zip(errors, expected, strict=True)
        if not matches(documented, body)
    ]
    assert unmatched == []
    assert len(responses) > 100

    call = FundingCall.objects.get(title=OPEN_CALL_TITLE)
    proposal = Proposal.objects.get(call=call, title=TITLE)
    award = Award.objects.get(proposal=proposal)
    publication = Publication.objects.get(doi=DOI)
    assert (proposal.pi.username, proposal.status) == ("faculty1", ProposalStatus.FUNDED)
    assert (proposal.decision.outcome, proposal.decision.released_at is not None) == (
        DecisionOutcome.FUNDED,
        True,
    )
    assert (award.amount, award.status) == (proposal.requested_amount, "active")
    assert list(publication.awards.all()) == [award]
    assert publication.recorded_by.username == "faculty1"
    assert (call.status, call.call_review.phase) == (CallStatus.DECIDED, ReviewPhase.CLOSED)
    assert list(call.proposals.filter(status=ProposalStatus.IN_REVIEW)) == []
    reviews = Review.objects.filter(assignment__proposal__call=call)
    assert (reviews.count(), reviews.exclude(status=ReviewStatus.SUBMITTED).count()) == (8, 0)
    assert (tmp_path / "biosketch.pdf").read_bytes().startswith(b"%PDF")
    workbook = load_workbook(tmp_path / "hrsa-report.xlsx", read_only=True)
    assert workbook.sheetnames == SHEETS
    projects = [row for row in workbook["Projects"].iter_rows(values_only=True)]
    assert any(TITLE in row for row in projects)
