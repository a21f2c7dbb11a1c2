"""``make bench`` measures real pages: on seed_scale data, every address it times answers 200
to the account it signs in as, and the floor answers with the same number of rows."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from bench.bench import build_targets
from config.floor import floor


@pytest.mark.django_db
def test_every_benchmarked_page_answers_200_with_the_rows_the_floor_matches(settings, rf):
    settings.DEBUG = True  # seed_scale, like seed_demo, is for development databases
    out = StringIO()
    call_command("seed_scale", "--proposals=150", "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    settings.DEBUG = False

    targets = build_targets(summary)
    admin = User.objects.get(username=summary["accounts"]["admin"])

    assert {p["as"] for p in targets["pages"]} == {"applicant", "reviewer", "admin", "token"}
    paths = {p["path"] for p in targets["pages"]}
    assert {
        "/program/portfolio/",
        "/program/enrollment/",
        "/reports/dashboard/",
        "/api/v1/portfolio/nimhd/",
        "/api/v1/portfolio/pilot-outcomes/",
    } <= paths
    assert any(p.startswith("/api/v1/awards/") and p.endswith("/enrollment/") for p in paths)
    for page in targets["pages"]:
        client = Client()
        if page["as"] == "token":
            headers = {"Authorization": f"Token {targets['token']}"}
        else:
            client.cookies["sessionid"] = targets["sessions"][page["as"]]
            headers = {}
        response = client.get(page["path"], headers=headers)
        assert response.status_code == 200, page
        assert page["rows"] >= 1, page
        request = rf.get("/_bench/floor/", {"rows": page["rows"]})
        request.user = admin  # the benchmark asks the floor as the administrator
        assert json.loads(floor(request).content)["count"] == page["rows"], page


def test_bench_figures_table_marks_missed_targets():
    from bench.bench import Timing, page_table

    rows = page_table(
        [
            {
                "name": "fast",
                "rows": 1,
                "page": Timing(0.02, 0.03, 10),
                "floor": Timing(0.01, 0.015, 10),
            },
            {
                "name": "slow",
                "rows": 1,
                "page": Timing(0.1, 0.2, 10),
                "floor": Timing(0.01, 0.015, 10),
            },
        ]
    )

    assert rows[2].startswith("| fast | 1 | 20.0 | 30.0 | 10.0 | 15.0 | 2.00 | 2.00 | met |")
    assert rows[3].endswith("| **missed** |")
