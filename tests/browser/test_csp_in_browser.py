"""The admin and the public pages work in a real browser under the Content-Security-Policy.

No inline script or style may run, so this checks that the admin's scripts load
from files, the changelist's actions still post, a sign-on goes through, and
the browser reports no CSP violation on the way.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from letters.models import Letter
from signon.models import Signature

from ..conftest import current_code, make_signature
from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

PASSWORD = "a-long-staff-password"


def record_csp_violations(page: Page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    return violations


def test_the_admin_logs_in_and_approves_from_the_changelist_under_the_csp(site, page):
    user = get_user_model().objects.create_superuser("reviewer", "reviewer@usmayors.example",
                                                     PASSWORD)  # fmt: skip
    device = TOTPDevice.objects.create(user=user, name="Authenticator app")
    letter = Letter.objects.get(slug="immigration-reform")
    pk = make_signature(letter, city="Peoria").pk
    violations = record_csp_violations(page)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url)
            if response.status >= 400 and "/static/" in response.url else None)  # fmt: skip

    page.goto(site + reverse("admin:login"))
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("textbox", name="Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(site + reverse("admin:index"))

    page.goto(site + reverse("admin:signon_signature_changelist"))
    # actions.js (a file, not inline) shows the selection counter when a row is ticked.
    page.locator(f"input[name=_selected_action][value='{pk}']").check()
    assert page.locator(".action-counter").inner_text().startswith("1 of 1 selected")
    page.select_option("select[name=action]", "approve_selected")
    page.get_by_role("button", name="Go", exact=True).click()
    # The selection's summary, then the confirmation.
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state()
    assert Signature.objects.get(pk=pk).status == Signature.Status.APPROVED

    page.goto(site + reverse("admin:signon_signature_change", args=[pk]))
    assert page.locator("#id_mayor_first_name").input_value() == "Ada"
    assert missing == []
    # Not one refused script or style on the log-in, changelist and change pages.
    assert violations == []


def test_the_public_pages_and_a_sign_on_work_under_the_csp(site, page):
    violations = record_csp_violations(page)
    page.goto(site + reverse("signon:index"))
    page.goto(site + reverse("signon:letter", kwargs={"slug": "immigration-reform"}))
    page.goto(site + reverse("signon:sign", kwargs={"slug": "immigration-reform"}))
    # The honeypot is not shown to a person.
    assert not page.locator("input[name=website]").is_visible()
    for name, value in {
        "mayor_first_name": "Ada", "mayor_last_name": "Lovelace", "city": "Springfield",
        "contact_first_name": "Chris", "contact_last_name": "Aide",
        "contact_email": "chris.aide@springfield.il.gov", "contact_phone": "(217) 555-0143",
    }.items():  # fmt: skip
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_state").select_option("IL")
    page.get_by_role("button", name="Sign on").click()
    page.wait_for_url(site + reverse("signon:thanks", kwargs={"slug": "immigration-reform"}))
    assert Signature.objects.get().city == "Springfield"
    assert violations == []
