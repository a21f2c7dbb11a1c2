"""Journey 5: the whole submission with the keyboard alone — no clicks, visible focus."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from grants.choices import ProposalStatus
from grants.models import Proposal
from tests.e2e.conftest import check_accessibility
from tests.factories import PASSWORD, make_call, make_user, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el) return "";
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return [el.tagName, el.id, el.name || "", (el.innerText || el.value || "").trim(), label]
    .join("|");
}"""


def tab_to(page, needle: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's tag/id/name/text/label contains ``needle``, and
    check the focus is visible (an outline or shadow is drawn)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if needle in page.evaluate(ACTIVE):
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return s.outlineStyle + ' ' + s.boxShadow; }"
            )
            assert outline != "none none", f"no visible focus on {needle}"
            return
    raise AssertionError(f"Tab never reached {needle!r}")


def press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_submission_with_the_keyboard_only(page, tmp_path):
    call = make_call(title="Pilot Awards")
    make_user("keyboard")
    biosketch = tmp_path / "bio.pdf"
    biosketch.write_bytes(pdf_bytes())

    page.goto("/accounts/login/")
    # The sign-in form focuses the username field on load.
    assert "id_username" in page.evaluate(ACTIVE)
    page.keyboard.type("keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press_and_wait(page)

    # The first Tab on a page reaches the skip link, which jumps to the content.
    tab_to(page, "Skip to main content", limit=1)
    page.keyboard.press("Enter")
    tab_to(page, call.title)
    press_and_wait(page)
    tab_to(page, "Start a proposal")
    press_and_wait(page)

    fields = [
        ("id_title", "Mobile mammography in tribal communities"),
        ("id_abstract", "Screening rates are low where clinics are far. " * 6),
        ("id_specific_aims", "Aim 1: schedule with tribal clinics. Aim 2: measure uptake."),
        ("id_research_strategy", "A stepped-wedge pilot across four sites. " * 8),
    ]
    for field_id, text in fields:
        tab_to(page, field_id)
        page.keyboard.type(text)
    tab_to(page, "American Indian or Alaska Native")
    page.keyboard.press("Space")
    tab_to(page, "id_nimhd_cells_health_care_system_individual")
    page.keyboard.press("Space")
    for field_id, text in [
        ("id_community_engagement_plan", "Tribal health board co-leads."),
        ("id_timeline", "Twelve months."),
        ("id_requested_amount", "15000"),
        ("id_budget_justification", "Van time and navigators."),
    ]:
        tab_to(page, field_id)
        page.keyboard.type(text)
    tab_to(page, "id_irb_status")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Save draft")
    press_and_wait(page)

    tab_to(page, "|Budget|")
    press_and_wait(page)
    tab_to(page, "id_description")
    page.keyboard.type("Mobile unit hours")
    tab_to(page, "id_amount")
    page.keyboard.type("15000")
    press_and_wait(page)

    tab_to(page, "|Documents|")
    press_and_wait(page)
    tab_to(page, "id_file")
    try:
        with page.expect_file_chooser(timeout=5_000) as chooser:
            page.keyboard.press("Space")
    except PlaywrightTimeout:  # a loaded machine may miss the first key; Enter opens it too
        with page.expect_file_chooser(timeout=30_000) as chooser:
            page.keyboard.press("Enter")
    chooser.value.set_files(str(biosketch))
    tab_to(page, "Upload")
    press_and_wait(page)

    tab_to(page, "Check & submit")
    press_and_wait(page)
    check_accessibility(page, "ready to submit")
    tab_to(page, "Submit the proposal")
    press_and_wait(page)

    proposal = Proposal.objects.get(pi__username="keyboard")
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.disparity_populations == ["aian"]
    assert proposal.irb_status != ""
