"""``make prod-check``: the production stack on loopback, driven the way users drive it.

1. A fresh PostgreSQL database (``northstar_prodcheck``; ``PRODCHECK_DATABASE_URL``), migrated,
   with the demo data; the project's static files collected as a release would (without the
   admin's and the API docs' bundles, which these pages do not use and whose compression
   takes minutes).
2. A Celery worker and gunicorn with production settings (DEBUG off, a random SECRET_KEY,
   tasks on the Redis broker at ``PRODCHECK_REDIS_URL``, default ``redis://127.0.0.1:6379/5``).
3. ``/healthz``; ``/readyz`` must report the database and the broker ok.
4. An applicant signs in through the sign-in form, completes a draft through the API (its
   missing biosketch) and submits it; the worker sends the receipt.
5. The administrator signs in, asks for the HRSA workbook on the report page's "Prepare the
   export", polls its status until the worker has built it, downloads it and opens it.
6. A second gunicorn on another port, same database, media folder and secret key: it serves
   the same proposal, the same export file, and accepts the sessions made on the first
   (the web tier keeps no state of its own).

Everything is stopped afterwards, also on failure (process groups), the database dropped and
the folders removed. Exit status 0 only if every step passed; the first failure is named.
"""

import argparse
import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.server import (
    celery_worker,
    child,
    drop_database,
    fresh_database,
    gunicorn,
    production_env,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/northstar_prodcheck"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
PASSWORD = "northstar-demo"  # noqa: S105 (the demo accounts' published password)
APPLICANT = "faculty7"  # the demo's draft that lacks only its biosketch
ADMIN = "admin"
WAIT_SECONDS = 60  # for the worker to send a mail or build an export
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CheckFailed(Exception):
    """A step did not give what production must give."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# ---- A tiny browser: cookies, CSRF, no redirects followed ----------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise CheckFailed(f"expected JSON, got {self.status}: {self.body[:200]!r}") from exc

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One person's cookies against a base URL. Production cookies are ``Secure``; a browser
    sends them only over HTTPS (the load balancer's side), so on plain-HTTP loopback this
    client sends them itself, as the proxy's HTTPS hop would carry them."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.me: dict = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def on(self, base: str) -> "Browser":
        """The same person (the same cookies) talking to another server."""
        other = Browser(base)
        other.cookies, other.me = self.cookies, self.me
        return other

    def request(
        self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method not in {"GET", "HEAD"} and "csrftoken" in self.cookies:
            headers.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                answer = Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            answer = Answer(exc.code, exc.headers, exc.read())
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return answer

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict) -> Answer:
        return self.request(
            "POST",
            path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_json(self, path: str, payload: dict | None = None) -> Answer:
        return self.request(
            "POST",
            path,
            data=json.dumps(payload or {}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )

    def post_file(self, path: str, fields: dict, *, name: str, filename: str, content: bytes):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def sign_in(self, username: str) -> None:
        """Through the sign-in form: its CSRF cookie and token, then the form post."""
        page = self.get("/accounts/login/")
        check(page.status == 200, f"the sign-in page answered {page.status}")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        check(match is not None and "csrftoken" in self.cookies, "no CSRF token on sign-in")
        answer = self.post_form(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": html.unescape(match.group(1)),
                "username": username,
                "password": PASSWORD,
            },
        )
        check(
            answer.status == 302 and "sessionid" in self.cookies,
            f"signing in as {username} answered {answer.status}, not a redirect with a session",
        )
        me = self.get("/api/v1/me/", headers={"Accept": "application/json"})
        check(me.status == 200, f"/api/v1/me/ answered {me.status} after signing in")
        self.me = me.json()
        check(self.me.get("username") == username, f"signed in as someone else than {username}")


# ---- The steps -------------------------------------------------------------------------------


def academic_year(today) -> str:
    first = today.year if today.month >= 7 else today.year - 1
    return f"{first}-{first + 1}"


def wait_until(what: str, ready, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = ready()
        if answer:
            return answer
        time.sleep(0.3)
    raise CheckFailed(f"{what}: not within {seconds:.0f} s")


def probe(base: str) -> dict:
    health = Browser(base).get("/healthz")
    check(health.status == 200, f"/healthz answered {health.status}")
    ready = Browser(base).get("/readyz")
    body = ready.json()
    check(
        ready.status == 200 and body["checks"] == {"database": "ok", "queue": "ok"},
        f"/readyz answered {ready.status} {body}; it must check the database and the broker",
    )
    return body["checks"]


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def submit_proposal(applicant: Browser, worker_log: Path) -> dict:
    """The applicant's draft: add the missing biosketch, check, submit; the receipt is sent by
    the worker (its console mail backend prints it to the worker's log)."""
    drafts = applicant.get(
        "/api/v1/proposals/?status=draft", headers={"Accept": "application/json"}
    ).json()
    check(drafts["count"] >= 1, f"{APPLICANT} has no draft in the demo data")
    proposal = drafts["results"][0]
    pid = proposal["id"]
    upload = applicant.post_file(
        f"/api/v1/proposals/{pid}/attachments/",
        {"kind": "biosketch"},
        name="file",
        filename="biosketch.pdf",
        content=pdf(),
    )
    check(upload.status == 201, f"uploading the biosketch answered {upload.status}: {upload.text}")
    checklist = applicant.get(f"/api/v1/proposals/{pid}/checklist/").json()
    check(checklist["ready"], f"the draft is not ready to submit: {checklist['blockers']}")
    submitted = applicant.post_json(f"/api/v1/proposals/{pid}/submit/")
    check(submitted.status == 200, f"submitting answered {submitted.status}: {submitted.text}")
    check(submitted.json()["status"] == "submitted", "the proposal is not submitted")

    def receipt_sent() -> bool:
        # The worker's console mail backend prints the message; the task then says it succeeded.
        log = worker_log.read_bytes()
        sent = re.search(rb"accounts\.tasks\.send_email\[[^]]+\] succeeded", log)
        return bool(sent) and f"To: {applicant.me['email']}".encode() in log

    wait_until("the worker sending the submission receipt", receipt_sent)
    return {"id": pid, "title": proposal["title"]}


def prepare_export(admin: Browser, period: str, worker_log: Path) -> tuple[int, bytes]:
    """ "Prepare the export" on the report page, then its status until the worker built it."""
    page = admin.get(f"/reports/hrsa/?period={period}")
    check(page.status == 200, f"the report page answered {page.status}")
    check("Prepare the export" in page.text, "the report page offers no prepared export")
    created = admin.post_form(
        "/reports/hrsa/exports/",
        {
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            "period": period,
            "format": "xlsx",
            "threshold": "10",
        },
    )
    location = created.headers.get("Location", "")
    match = re.fullmatch(r"/reports/hrsa/exports/(\d+)/", location)
    check(created.status == 302 and match, f"preparing answered {created.status} -> {location!r}")
    job = int(match.group(1))
    progress = admin.get(location)
    check(progress.status == 200, f"the progress page answered {progress.status}")

    def finished():
        state = admin.get(f"/reports/hrsa/exports/{job}/status/").json()
        return state if state["finished"] else None

    state = wait_until("the worker building the export", finished)
    check(state["status"] == "done", f"the export failed: {state['error']}")
    check(
        b"reporting.tasks.build_export" in worker_log.read_bytes(),
        "the export finished but the worker's log does not show it building it",
    )
    download = admin.get(state["download_url"])
    check(download.status == 200, f"the download answered {download.status}")
    check(download.headers.get("Content-Type") == XLSX, "the download is not a workbook")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(download.body), read_only=True)
    check(
        workbook.sheetnames[:2] == ["Program set-up", "Summary"],
        f"unexpected sheets {workbook.sheetnames}",
    )
    return job, download.body


def same_data_on(second: str, applicant: Browser, admin: Browser, pid: int, job: int, file: bytes):
    """The second server: the same proposal, the same file, the first server's sessions."""
    first_view = applicant.get(f"/api/v1/proposals/{pid}/").json()
    second_view = applicant.on(second).get(f"/api/v1/proposals/{pid}/")
    check(second_view.status == 200, f"server 2 refused server 1's session ({second_view.status})")
    check(second_view.json() == first_view, "server 2 shows the proposal differently")
    me = admin.on(second).get("/api/v1/me/").json()
    check(me.get("username") == ADMIN, "server 2 does not know the administrator's session")
    again = admin.on(second).get(f"/reports/hrsa/exports/{job}/download/")
    check(again.status == 200 and again.body == file, "server 2 serves another export file")


def run(args) -> list[str]:
    report: list[str] = []
    started = time.monotonic()

    def done(step: str) -> None:
        line = f"ok  {time.monotonic() - started:6.1f} s  {step}"
        report.append(line)
        print(line, flush=True)

    work = Path(tempfile.mkdtemp(prefix="northstar-prodcheck-"))
    media = work / "media"
    media.mkdir()
    worker_log = work / "worker.log"
    queue = "northstar-prodcheck"
    env = production_env(
        args.database_url,
        media,
        CELERY_BROKER_URL=args.redis_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        LOG_LEVEL="INFO",
        ACCESS_LOG="0",
    )
    try:
        with ExitStack() as stack:
            fresh_database(args.database_url)
            child(env, "manage.py", "migrate", "--noinput", "-v", "0")
            child(env, "manage.py", "seed_demo", "--force", capture=True)  # its logins list
            # The project's and the apps' own files, hashed and compressed as a release's.
            child(
                env,
                "manage.py",
                "collectstatic",
                "--noinput",
                "-v",
                "0",
                "--ignore=admin",
                "--ignore=drf_spectacular_sidecar",
                "--ignore=rest_framework",
            )
            done("database migrated and seeded, static files collected")
            import redis

            redis.Redis.from_url(args.redis_url).delete(queue)  # nothing left from a past run
            stack.enter_context(celery_worker(env, log_path=worker_log, queue=queue))
            done("Celery worker ready")
            first = stack.enter_context(gunicorn(env, workers=2))
            checks = probe(first)
            done(f"gunicorn 1 at {first}: /healthz ok, /readyz {checks}")

            applicant = Browser(first)
            applicant.sign_in(APPLICANT)
            admin = Browser(first)
            admin.sign_in(ADMIN)
            done(f"signed in through the form as {APPLICANT} and {ADMIN}")

            proposal = submit_proposal(applicant, worker_log)
            done(f"proposal {proposal['id']} submitted; the worker sent its receipt")

            period = academic_year(datetime.now(ZoneInfo("America/Los_Angeles")).date())
            job, file = prepare_export(admin, period, worker_log)
            done(f"HRSA {period} workbook built by the worker (job {job}, {len(file):,} bytes)")

            second = stack.enter_context(gunicorn(env, workers=1))
            probe(second)
            same_data_on(second, applicant, admin, proposal["id"], job, file)
            done(f"gunicorn 2 at {second}: same proposal, same file, server 1's sessions")
        done("everything stopped")
    except BaseException:
        if worker_log.exists():
            print("---- the worker's log (last lines) ----", file=sys.stderr)
            print(worker_log.read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)  # media, the collected static files, the log
        if not args.keep:
            drop_database(args.database_url)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("PRODCHECK_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--redis-url", default=os.environ.get("PRODCHECK_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        run(args)
    except (CheckFailed, RuntimeError, OSError) as exc:
        print(f"\nprod-check FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a failed child command, a refused connection: still say what
        print(f"\nprod-check FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"prod-check passed in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
