"""The admin and the public pages work in a real browser under the Content-Security-Policy.

No inline script may run, so this checks the admin's own scripts load from
files and the changelist's actions still post, and records any CSP report.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from letters.models import Letter
from signon.models import Signature

from .conftest import make_signature

# Playwright's sync API runs an event loop in this thread; the test's own
# database calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a-long-staff-password"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_logs_in_and_approves_from_the_changelist_under_the_csp(
    live_server, page, settings
):
    # The live server's static handler finds files by their source names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    get_user_model().objects.create_superuser("reviewer", "reviewer@usmayors.example", PASSWORD)
    letter = Letter.objects.get(slug="immigration-reform")
    letter_pk = make_signature(letter, city="Peoria").pk
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url)
            if response.status >= 400 else None)  # fmt: skip

    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))

    page.goto(live_server.url + reverse("admin:signon_signature_changelist"))
    # actions.js (a file, not inline) shows the selection counter when a row is ticked.
    page.locator(f"input[name=_selected_action][value='{letter_pk}']").check()
    assert page.locator(".action-counter").inner_text().startswith("1 of 1 selected")
    page.select_option("select[name=action]", "approve_selected")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_load_state()
    assert "1 signature(s) approved." in page.content()
    assert Signature.objects.get(pk=letter_pk).status == Signature.Status.APPROVED

    page.goto(live_server.url + reverse("admin:signon_signature_change", args=[letter_pk]))
    assert page.locator("#id_mayor_first_name").input_value() == "Ada"
    assert [url for url in missing if "/static/" in url] == []
    # Not one refused script or style on the log-in, changelist and change pages.
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_public_pages_and_the_form_work_under_the_csp(live_server, page, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip

    page.goto(live_server.url + reverse("signon:index"))
    page.goto(live_server.url + reverse("signon:letter", kwargs={"slug": "immigration-reform"}))
    page.goto(live_server.url + reverse("signon:sign", kwargs={"slug": "immigration-reform"}))
    # The honeypot is not shown to a person.
    assert not page.locator("input[name=website]").is_visible()
    for field, value in {
        "mayor_first_name": "Ada", "mayor_last_name": "Lovelace", "city": "Springfield",
        "contact_first_name": "Chris", "contact_last_name": "Aide",
        "contact_email": "chris.aide@springfield.il.gov", "contact_phone": "(217) 555-0143",
    }.items():  # fmt: skip
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_state").select_option("IL")
    page.get_by_role("button", name="Sign on").click()
    page.wait_for_url(
        live_server.url + reverse("signon:thanks", kwargs={"slug": "immigration-reform"})
    )
    assert Signature.objects.get().city == "Springfield"
    assert violations == []
