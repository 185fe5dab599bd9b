"""The second factor in a real browser: set-up, a passkey sign-in, axe and the CSP.

The passkey is made and used by Chromium's virtual authenticator (the DevTools
Protocol's WebAuthn domain), as a phone or a security key would.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from ..conftest import current_code
from .conftest import BROWSER_TEST
from .test_csp_in_browser import record_csp_violations

pytestmark = BROWSER_TEST
PASSWORD = "a-long-staff-password"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def newcomer(db):
    # The migration's staff group is gone in these transactional tests: a superuser.
    return get_user_model().objects.create_superuser("newcomer", "n@usmayors.example", PASSWORD)


@pytest.fixture
def localhost(site, settings) -> str:
    """The live server as http://localhost:port: WebAuthn wants a host name, and
    localhost over plain HTTP is a secure context."""
    url = site.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [url]
    return url


def virtual_authenticator(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})  # fmt: skip


def log_in_with_password(page: Page, site: str, username: str = "newcomer") -> None:
    page.goto(site + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_newcomer_sets_up_an_app_by_keyboard_and_reaches_the_desk(page, site, newcomer):
    violations = record_csp_violations(page)
    log_in_with_password(page, site)
    expect(page.get_by_role("heading", name="Set up your second sign-in step")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "set-up")

    device = newcomer.totpdevice_set.get()
    page.get_by_label("Code from your app").fill(current_code(device))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert_no_axe_violations(page)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="Continue to the sign-on desk").click()
    expect(page.get_by_role("heading", name="Letters and signatures")).to_be_visible()
    assert violations == []


def test_the_code_step_passes_axe_and_the_csp(page, site, newcomer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code at once after a wrong one
    device = newcomer.totpdevice_set.create(name="Authenticator app")
    violations = record_csp_violations(page)
    log_in_with_password(page, site)
    expect(page.get_by_role("heading", name="Second step: confirm it is you")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "sign-in-code")
    page.get_by_role("textbox", name="Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Letters and signatures")).to_be_visible()
    assert violations == []


def test_a_passkey_is_added_and_then_signs_in_in_a_real_browser(page, localhost, newcomer):
    virtual_authenticator(page)
    violations = record_csp_violations(page)
    log_in_with_password(page, localhost)
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkey-register-status-message")).not_to_be_empty()
    assert WebAuthnCredential.objects.filter(user=newcomer).count() == 1
    page.get_by_role("link", name="continue to your recovery codes").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10

    # A new sign-in: password, then the passkey instead of a code.
    page.context.clear_cookies()
    log_in_with_password(page, localhost)
    expect(page.get_by_role("heading", name="Second step: confirm it is you")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "sign-in-passkey")
    page.get_by_role("button", name="Use my passkey").click()
    expect(page.get_by_role("heading", name="Letters and signatures")).to_be_visible()
    assert violations == []
    assert get_user_model().objects.get(pk=newcomer.pk).last_login is not None
