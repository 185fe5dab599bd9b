"""axe-core, run in Chromium, finds no violation on the public pages (WCAG 2.1 AA and
axe's best practices), in the states a visitor meets them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from .conftest import BROWSER_TEST, add_signatories

pytestmark = BROWSER_TEST

AXE = Axe()


def assert_no_axe_violations(page: Page) -> None:
    # The site's own stylesheets are in force: contrast is checked on the real page.
    assert page.evaluate("document.styleSheets.length") >= 1
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def sign_url(letter) -> str:
    return reverse("signon:sign", kwargs={"slug": letter.slug})


def test_the_index_has_no_axe_violations(page: Page, site, letter):
    add_signatories(letter, 5)
    page.goto(site + reverse("signon:index"))
    assert_no_axe_violations(page)


def test_the_letter_page_with_signatories_has_no_axe_violations(page: Page, site, letter):
    add_signatories(letter, 200)
    page.goto(site + letter.get_absolute_url())
    assert_no_axe_violations(page)
    # And while a search filters the list.
    page.get_by_label("Search by mayor or city").fill("spring")
    expect(page.get_by_role("status")).to_contain_text("matching “spring”")
    assert_no_axe_violations(page)


def test_the_empty_letter_page_has_no_axe_violations(page: Page, site, letter):
    page.goto(site + letter.get_absolute_url())
    expect(page.get_by_text("Be the first")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_empty_form_has_no_axe_violations(page: Page, site, letter):
    page.goto(site + sign_url(letter))
    assert_no_axe_violations(page)


def test_the_form_with_errors_has_no_axe_violations(page: Page, site, letter):
    page.goto(site + sign_url(letter))
    page.get_by_role("button", name="Sign on").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_thanks_page_has_no_axe_violations(page: Page, site, letter):
    page.goto(site + sign_url(letter))
    for name, value in [("mayor_first_name", "Ada"), ("mayor_last_name", "Lovelace"),
                        ("city", "Springfield"), ("contact_first_name", "Chris"),
                        ("contact_last_name", "Aide"), ("contact_email", "chris@springfield.gov"),
                        ("contact_phone", "(217) 555-0143")]:  # fmt: skip
        page.locator(f"[name={name}]").fill(value)
    page.locator("[name=state]").select_option("IL")
    page.get_by_role("button", name="Sign on").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your sign-on was received")
    assert_no_axe_violations(page)


def test_the_print_view_has_no_axe_violations(page: Page, site, letter):
    add_signatories(letter, 100)
    page.goto(site + reverse("signon:letter-print", kwargs={"slug": letter.slug}))
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/letters/no-such-letter/"])
def test_the_404_page_has_no_axe_violations(page: Page, site, letter, path):
    response = page.goto(site + path)
    assert response.status == 404
    assert_no_axe_violations(page)


def test_the_checker_itself_catches_a_violation(page: Page, site, letter):
    # Proof that the checks above can fail: the form with one label taken away.
    page.goto(site + sign_url(letter))
    page.evaluate("document.querySelector('label[for=id_city]').remove()")
    results = AXE.run(page)
    assert "label" in {violation["id"] for violation in results.response["violations"]}
