"""Journey: an administrator turns on two-factor sign-in, signs out and back in with a code,
then opens the pages with the most moving parts — the program dashboard's SVG charts, the
Django admin and the API docs — while the browser reports every Content-Security-Policy
violation (there must be none). Also: the lockout page after repeated wrong passwords."""

import time
from datetime import date

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD
from tests.reporting.support import simple_award

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def app_code(user) -> str:
    """What the administrator's authenticator app shows now. Forgets the last code used, so
    the journey need not wait 30 seconds between enrolling and signing in."""
    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


def test_two_factor_enrolment_sign_in_and_no_csp_violations(page):
    _, admin = simple_award(start=date(2025, 7, 1), end=date(2026, 6, 30))
    admin.set_password(PASSWORD)
    admin.is_staff = True
    admin.save()
    violations = watch_csp(page)

    sign_in(page, admin.username, PASSWORD)
    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    assert page.locator(".qr svg path").count() == 1
    assert page.locator(".qr svg").bounding_box()["width"] > 100
    assert len(page.locator("#totp-secret").inner_text().replace(" ", "")) == 32
    check_accessibility(page, "two-factor enrolment")
    page.get_by_label("Code from the app").fill(app_code(admin))
    page.get_by_role("button", name="Turn on two-factor").click()
    assert page.locator(".backup-codes li").count() == 10
    check_accessibility(page, "backup codes")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, admin.username, PASSWORD)
    assert page.url.endswith("/accounts/two-factor/verify/?next=%2F")
    assert page.locator("nav[aria-label=Main]").count() == 0
    check_accessibility(page, "two-factor code")
    page.get_by_label("Code").fill("000000" if app_code(admin) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    time.sleep(1.1)  # django-otp's throttle after a wrong code: one second
    page.get_by_label("Code").fill(app_code(admin))
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").first.inner_text() != "Enter your two-factor code"
    assert page.locator("nav[aria-label=Main]").count() == 1

    page.goto("/reports/dashboard/")
    bars = page.locator("section.chart svg rect")
    assert bars.count() > 0
    assert page.locator("section.chart svg").first.bounding_box()["height"] > 0
    page.goto("/admin/")
    page.goto("/admin/accounts/user/")
    page.goto(f"/admin/accounts/user/{admin.pk}/change/")
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock")
    assert violations == []


def test_lockout_page_after_repeated_wrong_passwords(page):
    from tests.factories import make_user

    make_user("rosa")
    violations = watch_csp(page)

    for _ in range(5):
        sign_in(page, "rosa", "not-her-password")

    assert page.locator("h1").inner_text() == "Sign-in is paused"
    check_accessibility(page, "lockout page")
    assert violations == []
