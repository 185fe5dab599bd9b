"""The review screen in Chromium: a keyboard-only review, its shortcuts shown, axe clean.

Staff decide three submissions without touching the mouse: a note and Approve, a
reason and Reject, then Skip; each key press saves and opens the next one.
"""

import os
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from letters.models import Letter
from signon.models import Signature

from ..conftest import log_in_with_device, make_signature
from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

REVIEW = reverse("admin:signon_signature_review")


def staff_page(page: Page, site: str) -> Page:
    """This browser, holding a staff session past the second factor."""
    staff = get_user_model().objects.create_superuser("reviewer", "reviewer@usmayors.example")
    desk = log_in_with_device(Client(), staff)
    cookie = desk.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie,
                               "url": site}])  # fmt: skip
    return page


def three_pending(letter: Letter) -> list[Signature]:
    """Three pending submissions, oldest first."""
    signatures = []
    for minutes, city in ((30, "Joliet"), (20, "Elgin"), (10, "Peoria")):
        signature = make_signature(letter, city=city, contact_email=f"aide@{city.lower()}.gov")
        created = timezone.now() - timedelta(minutes=minutes)
        Signature.objects.filter(pk=signature.pk).update(created_at=created)
        signatures.append(signature)
    return signatures


def heading(city: str) -> str:
    return f"Mayor Ada Lovelace, {city}, IL"


def test_staff_review_three_submissions_from_the_keyboard_alone(page: Page, site):
    letter = Letter.objects.get(slug="immigration-reform")
    joliet, elgin, peoria = three_pending(letter)
    staff_page(page, site).goto(site + REVIEW)
    mayor = page.locator("#review-mayor")
    expect(mayor).to_have_text(heading("Joliet"))
    expect(page.locator(".signon-review-keys")).to_contain_text("A approve")

    # N: the note; Escape leaves it; A approves with the note.
    page.keyboard.press("n")
    page.keyboard.type("Called city hall, spoke to the chief of staff.")
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    expect(mayor).to_have_text(heading("Elgin"))

    # R: the reason first; R again rejects.
    page.keyboard.press("r")
    expect(page.get_by_label("Reason to reject")).to_be_focused()
    page.keyboard.type("The mayor's office did not send it.")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(mayor).to_have_text(heading("Peoria"))

    # S: skip, it stays pending.
    page.keyboard.press("s")
    expect(page.locator(".signon-review-done")).to_contain_text("1 pending left")

    for signature in (joliet, elgin, peoria):
        signature.refresh_from_db()
    assert (joliet.status, joliet.review_note) == (
        "approved",
        "Called city hall, spoke to the chief of staff.",
    )
    assert (elgin.status, elgin.decision_reason) == (
        "rejected",
        "The mayor's office did not send it.",
    )
    assert peoria.status == "pending"


def test_the_review_screen_has_no_axe_violations(page: Page, site):
    letter = Letter.objects.get(slug="immigration-reform")
    three_pending(letter)
    make_signature(letter, city="Laredo", state="TX", contact_email="john.smith@dc.gov",
                   mayor_first_name="Chris", mayor_last_name="Aide")  # fmt: skip
    staff_page(page, site).goto(site + REVIEW)
    expect(page.locator("#review-mayor")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # And with an error shown: Reject without a reason.
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Say why it is rejected")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_changelist_at_laptop_width_selects_rows_with_its_own_boxes(
    page: Page, site, live_places
):
    # The selection boxes are written out by the desk, not drawn by the form widget:
    # Django's actions script still counts them, and every column still shows.
    letter = Letter.objects.get(slug="immigration-reform")
    three_pending(letter)
    make_signature(letter, city="Sante Fe", state="NM", contact_email="aide@santafenm.gov")
    page.set_viewport_size({"width": 1280, "height": 800})
    staff_page(page, site).goto(site + reverse("admin:signon_signature_changelist"))
    for header in ("Mayor", "City", "Matched place", "Status", "Confirmed", "Domain",
                   "Conflicts", "Directory", "Contact", "Submitted"):  # fmt: skip
        expect(page.locator("#result_list thead")).to_contain_text(header)
    expect(page.locator("#result_list")).to_contain_text("Did you mean Santa Fe, NM")
    page.get_by_label("Select this object for an action - Mayor Ada Lovelace, Elgin, IL").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 4 selected")
    if shots := os.environ.get("SHOTS_DIR"):
        page.screenshot(path=f"{shots}/changelist-1280.png", full_page=True)
    # The list and its boxes (the admin's own breadcrumbs are not this page's to fix).
    results = Axe().run(page, context="#changelist-form")
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    "where",
    ["admin:index", "admin:signon_signature_changelist", "admin:signon_signature_change"],
)
def test_whole_staff_pages_have_no_axe_violations(page: Page, site, where):
    # The whole page, Django's header and breadcrumbs included (static/signon/admin-site.css).
    letter = Letter.objects.get(slug="immigration-reform")
    first = three_pending(letter)[0]
    args = [first.pk] if where.endswith("_change") else []
    staff_page(page, site).goto(site + reverse(where, args=args))
    expect(page.locator("#content")).to_be_visible()
    if shots := os.environ.get("SHOTS_DIR"):
        page.screenshot(path=f"{shots}/{where.replace(':', '-')}.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
