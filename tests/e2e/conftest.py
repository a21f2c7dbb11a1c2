"""Browser tests: Playwright for Python driving the operating system's Chromium.

Nothing here downloads a browser. Without /usr/bin/chromium (or NORTHSTAR_CHROMIUM) the e2e
tests are skipped with a clear message — except in CI (CI=true), where that is a failure.
Every page a journey visits is checked with axe-core (WCAG 2.0/2.1 A and AA) from node_modules.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NORTHSTAR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing() -> str:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (install the 'chromium' package)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (run `make install`, which runs npm ci)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (run `make install`)"
    return ""


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if not reason:
        return
    e2e = [item for item in items if "e2e" in item.keywords]
    if not e2e:
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true but the browser tests cannot run: {reason}.")
    config._northstar_e2e_skipped = (len(e2e), reason)
    for item in e2e:
        item.add_marker(pytest.mark.skip(reason=f"e2e skipped: {reason}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_northstar_e2e_skipped", None)
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {skipped[0]} browser (e2e) tests were SKIPPED: {skipped[1]}.", yellow=True
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Confirmations before irreversible actions: the journeys mean them.
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def check_accessibility(page, context: str = "") -> None:
    """Run axe-core on the current page; fail with every violation listed."""
    # Evaluated through the DevTools protocol: a <script> tag added to the page would be inline
    # code, which Northstar's Content-Security-Policy refuses. (";0": the value is not a function.)
    page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert violations == [], f"axe violations on {page.url} {context}:\n" + json.dumps(
        violations, indent=2
    )


def screenshot(page, name: str, *, phone: bool = False) -> None:
    """Keep a screenshot of a main page for the README and the user guide; with ``phone``,
    also ``<name>-phone.png`` at 320 CSS px wide (the reflow width of WCAG 1.4.10).

    Only when NORTHSTAR_SCREENSHOTS=1 (`make screenshots`), so a test run leaves the tree clean.
    """
    if os.environ.get("NORTHSTAR_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
    if phone:
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 720})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=False)
        page.set_viewport_size(size)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
