"""Drive Chromium with real X key events while Orca listens, and write what Orca said.

Run by ``screen_reader_pass.sh`` inside its private D-Bus session (Orca and the AT-SPI bus are
already up). Each step presses keys with ``xdotool``, waits until Orca's debug log goes quiet,
and records the ``SPEECH OUTPUT`` lines Orca wrote meanwhile: the words a blind user would hear.
Writes ``transcript.md`` (every utterance, per step) and a screenshot per journey page.
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import sqlite3
import subprocess
import time

# What Orca prints after an utterance: an optional voice name and the voice settings.
ACSS = re.compile(r"(?: voice=\w+)?\s*\[?\{[^{}]*\}\]?\s*$")
PASSWORD = "northstar-demo"


class Pass:
    def __init__(self, out: pathlib.Path, base: str):
        self.out = out
        self.base = base.rstrip("/")
        self.log = out / "orca-debug.txt"
        self.transcript = (out / "transcript.md").open("w")
        self.browser = None
        self.shots = 0

    # ---- the browser -------------------------------------------------------------------
    def open_browser(self, path: str, profile: str) -> None:
        self.close_browser()
        data_dir = self.out / f"profile-{profile}"
        shutil.rmtree(data_dir, ignore_errors=True)
        (data_dir / "Default").mkdir(parents=True)
        # No "Save password?" bubble to read out after signing in.
        (data_dir / "Default" / "Preferences").write_text(
            json.dumps(
                {
                    "credentials_enable_service": False,
                    "profile": {"password_manager_enabled": False},
                }
            )
        )
        self.browser = subprocess.Popen(
            [
                "chromium",
                "--force-renderer-accessibility",
                "--no-sandbox",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--test-type",  # no "unsupported flag" infobar to read out
                "--window-position=0,0",
                "--window-size=1280,1000",
                f"--user-data-dir={data_dir}",
                self.base + path,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(6)
        self.focus_window()

    def focus_window(self) -> None:
        ids = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "chromium"],
            capture_output=True,
            text=True,
        ).stdout.split()
        if ids:
            subprocess.run(["xdotool", "windowfocus", "--sync", ids[-1]], check=False)

    def close_browser(self) -> None:
        if self.browser and self.browser.poll() is None:
            os.killpg(self.browser.pid, signal.SIGTERM)
            self.browser.wait(timeout=10)
        self.browser = None

    # ---- listening ---------------------------------------------------------------------
    def size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def settle(self, quiet: float = 3.0, limit: float = 15.0) -> None:
        """Wait until Orca has written nothing for ``quiet`` seconds."""
        start = time.monotonic()
        last, since = self.size(), time.monotonic()
        while time.monotonic() - start < limit:
            time.sleep(0.25)
            now = self.size()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def heard_since(self, pos: int) -> list[str]:
        """The utterances Orca logged after byte ``pos``: one per ``SPEECH OUTPUT: '...'`` line,
        without the voice settings Orca prints after the closing quote."""
        with self.log.open("rb") as fh:
            fh.seek(pos)
            text = fh.read().decode("utf-8", "replace")
        heard = []
        for line in text.splitlines():
            _, found, rest = line.partition("SPEECH OUTPUT: '")
            if found:
                words = ACSS.sub("", rest).rstrip()
                words = words[:-1] if words.endswith("'") else words
                if words.strip(" '"):
                    heard.append(words.strip())
        return heard

    # ---- acting ------------------------------------------------------------------------
    def do(self, action: str) -> None:
        kind, _, arg = action.partition(":")
        if kind == "key":
            for key in arg.split():
                subprocess.run(["xdotool", "key", "--delay", "150", key], check=True)
                time.sleep(0.4)
        elif kind == "type":
            subprocess.run(["xdotool", "type", "--delay", "60", "--", arg], check=True)
        elif kind == "sleep":
            time.sleep(float(arg))
        elif kind == "goto":
            subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
            time.sleep(0.5)
            subprocess.run(["xdotool", "type", "--delay", "20", self.base + arg], check=True)
            subprocess.run(["xdotool", "key", "Return"], check=True)
            time.sleep(3)
        else:
            raise ValueError(action)

    def step(self, label: str, *actions: str, quiet: float = 3.0, shot: bool = False) -> list:
        pos = self.size()
        for action in actions:
            self.do(action)
        self.settle(quiet=quiet)
        heard = self.heard_since(pos)
        self.transcript.write(f"\n### {label}\n\nKeys: `{' | '.join(actions) or '(none)'}`\n\n")
        for line in heard:
            self.transcript.write(f"- {line}\n")
        if not heard:
            self.transcript.write("- (Orca said nothing)\n")
        self.transcript.flush()
        if shot:
            self.shots += 1
            name = f"shot-{self.shots:02d}.png"
            subprocess.run(["import", "-window", "root", str(self.out / name)], check=False)
            self.transcript.write(f"\n(screenshot {name})\n")
        print(f"[{label}] {len(heard)} utterances", flush=True)
        return heard

    def journey(self, title: str) -> None:
        self.transcript.write(f"\n## {title}\n")

    def sign_in(self, username: str) -> None:
        self.step("Sign-in page: reload it (F5) so Orca reads it", "key:F5", quiet=3, shot=True)
        self.step("Type the username; Tab to the password", f"type:{username}", "key:Tab")
        self.step("Type the password; Tab to the button", f"type:{PASSWORD}", "key:Tab")
        self.step("Press Enter: signed in, the dashboard loads", "key:Return", quiet=3, shot=True)


def newest_proposal(p: Pass, username: str) -> int:
    """The proposal the applicant just started (read from the pass's own demo database)."""
    with sqlite3.connect(p.out / "demo.sqlite3") as db:
        row = db.execute(
            "select max(p.id) from grants_proposal p join accounts_user u on u.id = p.pi_id"
            " where u.username = ?",
            (username,),
        ).fetchone()
    return row[0]


def applicant(p: Pass, call_pk: str) -> None:
    p.journey("Journey 1: an applicant starts and writes a proposal (faculty1)")
    p.open_browser("/accounts/login/", "faculty1")
    p.sign_in("faculty1")
    p.step("Dashboard: h (next heading)", "key:h")
    p.step("Dashboard: h again", "key:h")
    p.step("Dashboard: h again", "key:h")
    p.step("Dashboard: m (next landmark)", "key:m")
    p.step("Open the call page", f"goto:/calls/{call_pk}/", quiet=3, shot=True)
    p.step("Call page: Ctrl+End, then Shift+b (previous button)", "key:ctrl+End", "key:shift+b")
    p.step("Press Enter on the button: the editor loads", "key:Return", quiet=4, shot=True)
    pk = newest_proposal(p, "faculty1")
    p.step("Editor: h (next heading)", "key:h")
    p.step("Editor: m (next landmark)", "key:m")
    p.step("Editor: e (next entry): the title", "key:e")
    p.step("Tab to the abstract (focus mode)", "key:Tab")
    p.step("Type six words in the abstract", "type:Community health workers reach rural families.")
    p.step("Wait for the background save (20 s)", "sleep:24", quiet=3)
    for n in range(19):
        p.step(f"Tab ({n + 1}) to the next control", "key:Tab")
    p.step("Type a negative amount", "type:-5")
    p.step(
        "Press Enter: Save draft, the page comes back with errors", "key:Return", quiet=4, shot=True
    )
    p.step("Tab once from the error summary", "key:Tab")
    p.step("Press Enter on the error link", "key:Return")
    p.step("Open Check & submit", f"goto:/proposals/{pk}/submit/", quiet=4, shot=True)
    p.step("Check & submit: h (next heading)", "key:h")
    p.step("Check & submit: h again", "key:h")
    p.step("Open the team page", f"goto:/proposals/{pk}/team/", quiet=4, shot=True)
    p.step("Team: h", "key:h")
    p.step("Team: h", "key:h")
    p.step("Team: h", "key:h")
    p.step("Team: e (next entry)", "key:e")
    for n in range(6):
        p.step(f"Team: Tab ({n + 1})", "key:Tab")
    p.step("Open the budget page", f"goto:/proposals/{pk}/budget/", quiet=4, shot=True)
    p.step("Budget: e (next entry): the description", "key:e")
    p.step("Budget: Tab to the amount", "key:Tab")
    p.step("Budget: Tab to Add the line", "key:Tab")
    p.step("Budget: Enter: add the line with nothing filled in", "key:Return", quiet=4, shot=True)
    p.step("Budget: Tab from the error summary", "key:Tab")


def budget(p: Pass, call_pk: str) -> None:
    p.journey("The budget page with an empty line (faculty1)")
    p.open_browser("/accounts/login/", "faculty1")
    p.sign_in("faculty1")
    p.step("Open the call page", f"goto:/calls/{call_pk}/", quiet=3)
    p.step("Ctrl+End, then Shift+b (previous button)", "key:ctrl+End", "key:shift+b")
    p.step("Press Enter: start a proposal", "key:Return", quiet=4)
    pk = newest_proposal(p, "faculty1")
    p.step("Open the budget page", f"goto:/proposals/{pk}/budget/", quiet=4)
    p.step("Budget: e (next entry): the description", "key:e")
    p.step("Budget: Tab to the amount", "key:Tab")
    p.step("Budget: Tab to Add the line", "key:Tab")
    p.step("Budget: Enter: add the line with nothing filled in", "key:Return", quiet=4, shot=True)
    p.step("Budget: Tab from the error summary", "key:Tab")


def reviewer(p: Pass, assignment_pk: str) -> None:
    p.journey("Journey 2: a reviewer checks for conflicts and scores (reviewer1)")
    p.open_browser("/accounts/login/", "reviewer1")
    p.sign_in("reviewer1")
    p.step("Open the review queue", "goto:/review/", quiet=4, shot=True)
    p.step("Queue: h", "key:h")
    p.step("Queue: t (next table)", "key:t")
    p.step(
        "Open the conflict check",
        f"goto:/review/assignments/{assignment_pk}/conflict/",
        quiet=4,
        shot=True,
    )
    p.step("Conflict check: h", "key:h")
    p.step("Conflict check: h", "key:h")
    p.step("Conflict check: b (next button)", "key:b")
    p.step("Press Enter: certify, the proposal page loads", "key:Return", quiet=5, shot=True)
    p.step("Proposal page: h", "key:h")
    p.step("Proposal page: h", "key:h")
    p.step(
        "Open the review sheet",
        f"goto:/review/assignments/{assignment_pk}/review/",
        quiet=5,
        shot=True,
    )
    p.step("Review sheet: 2 (next heading level 2)", "key:2")
    p.step("Review sheet: r (next radio button)", "key:r")
    p.step("Review sheet: Tab into the score group", "key:shift+Tab", "key:Tab")
    p.step("Down arrow: choose the next score", "key:Down")
    p.step("Down arrow again", "key:Down")
    p.step("Tab out of the group (to Strengths)", "key:Tab")
    p.step("Type in Strengths", "type:Strong community partner.")
    p.step("Wait for the background save (20 s)", "sleep:24", quiet=3)
    p.step("Tab to the next control", "key:Tab")
    p.step("Tab into the next criterion's scores", "key:Tab")
    p.step("Tab on", "key:Tab")
    p.step("Escape focus mode? Orca+a (toggle browse/focus mode)", "key:Insert+a")
    p.step("Ctrl+End, then Shift+b (previous button)", "key:ctrl+End", "key:shift+b")
    p.step("Press Enter: submit with missing scores", "key:Return", quiet=5, shot=True)
    p.step("Tab once from the error summary", "key:Tab")
    p.step("Press Enter on the error link", "key:Return")
    p.step("Tab from the field the link moved to", "key:Tab")


def fixes(p: Pass, call_pk: str, assignment_pk: str) -> None:
    """Only the three places fixed after the first pass (docs/screen-reader.md findings 5, 7
    and 8): the abstract crossing its word limit and back, the Check & submit checklist, and
    the review sheet's error summary after a refused submit."""
    p.journey("Finding 5: the abstract crosses its word limit, and comes back (faculty1)")
    p.open_browser("/accounts/login/", "faculty1")
    p.sign_in("faculty1")
    p.step("Open the call page", f"goto:/calls/{call_pk}/", quiet=3)
    p.step("Ctrl+End, then Shift+b (previous button)", "key:ctrl+End", "key:shift+b")
    p.step("Press Enter: start a proposal, the editor loads", "key:Return", quiet=4)
    pk = newest_proposal(p, "faculty1")
    p.step("Editor: e (next entry): the title", "key:e")
    p.step("Tab to the abstract (focus mode)", "key:Tab")
    p.step("Type 300 words (exactly the limit)", "type:" + "w " * 300, quiet=4)
    p.step("Wait for the background save (20 s)", "sleep:24", quiet=3)
    p.step("Type one more word: 301 words", "type:over", quiet=5, shot=True)
    p.step("BackSpace the word: 300 words again", *["key:BackSpace"] * 4, quiet=5)
    p.step("Type its first letter and stop: 301 words", "type:o", quiet=5)
    p.step("Type the rest of the word", "type:ver", quiet=5)

    p.journey("Finding 8: the Check & submit checklist (faculty1)")
    p.step("Open Check & submit", f"goto:/proposals/{pk}/submit/", quiet=4, shot=True)
    p.step("Check & submit: h (next heading)", "key:h")
    p.step("Check & submit: h again", "key:h")
    for n in range(4):
        p.step(f"Down arrow ({n + 1}): the next line", "key:Down")

    p.journey("Finding 7: the review sheet's error summary after a refused submit (reviewer1)")
    p.open_browser("/accounts/login/", "reviewer1")
    p.sign_in("reviewer1")
    p.step(
        "Open the conflict check", f"goto:/review/assignments/{assignment_pk}/conflict/", quiet=4
    )
    p.step("Conflict check: h", "key:h")
    p.step("Conflict check: h", "key:h")
    p.step("Conflict check: b (next button)", "key:b")
    p.step("Press Enter: certify, the proposal page loads", "key:Return", quiet=5)
    p.step("Open the review sheet", f"goto:/review/assignments/{assignment_pk}/review/", quiet=5)
    p.step("Ctrl+End, then Shift+b (previous button)", "key:ctrl+End", "key:shift+b")
    p.step("Press Enter: submit with no scores", "key:Return", quiet=5, shot=True)
    p.step("Tab once from the error summary", "key:Tab")
    p.step("Press Enter on the error link", "key:Return")
    p.step("Wait: Orca can report the new focus late", "sleep:5")


def _stop(signum, frame):
    raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--base", default="http://127.0.0.1:8012")
    parser.add_argument("--call", required=True, help="pk of the open call")
    parser.add_argument("--assignment", required=True, help="pk of reviewer1's assignment")
    parser.add_argument(
        "--journeys",
        default="applicant,reviewer",
        help="applicant, reviewer, budget, header, or fixes (findings 5, 7 and 8 only)",
    )
    args = parser.parse_args()
    p = Pass(args.out, args.base)
    # Stopped from outside: still close the browser (the finally below).
    signal.signal(signal.SIGTERM, _stop)
    p.transcript.write("# What Orca said\n")
    try:
        if "header" in args.journeys:  # a quick check: sign in and hear the dashboard
            p.journey("Sign in only (faculty1)")
            p.open_browser("/accounts/login/", "faculty1")
            p.sign_in("faculty1")
        if "budget" in args.journeys:  # the budget page's refused form on its own
            budget(p, args.call)
        if "applicant" in args.journeys:
            applicant(p, args.call)
        if "reviewer" in args.journeys:
            reviewer(p, args.assignment)
        if "fixes" in args.journeys:  # only the places fixed after the pass
            fixes(p, args.call, args.assignment)
    finally:
        p.close_browser()
        p.transcript.close()


if __name__ == "__main__":
    main()
