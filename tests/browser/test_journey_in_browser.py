"""The signer's journey in Chromium: axe finds no violation on the pages it changed,
and each step works from the keyboard alone."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from signon.models import Signature

from ..conftest import make_signature
from .conftest import BROWSER_TEST, add_signatories
from .test_accessibility import assert_no_axe_violations

pytestmark = BROWSER_TEST

FIELDS = [
    ("mayor_first_name", "Ada"), ("mayor_last_name", "Lovelace"), ("city", "Springfield"),
    ("contact_first_name", "Chris"), ("contact_last_name", "Aide"),
    ("contact_email", "chris@springfeild.gov"), ("contact_phone", "(217) 555-0143"),
]  # fmt: skip


def fill_the_form(page: Page, **changes) -> None:
    for name, value in FIELDS:
        page.locator(f"[name={name}]").fill(changes.get(name, value))
    page.locator("[name=state]").select_option(changes.get("state", "IL"))


def test_a_wrong_address_is_corrected_from_the_keyboard(page: Page, site, letter):
    page.goto(site + reverse("signon:sign", kwargs={"slug": letter.slug}))
    fill_the_form(page)
    page.locator("[name=contact_phone]").press("Enter")
    expect(page.locator("#masked-email")).to_have_text("c…s@springfeild.gov")
    assert_no_axe_violations(page)

    summary = page.get_by_text("Wrong e-mail address?")
    summary.focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("Correct e-mail address")
    expect(field).to_be_visible()
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")
    expect(field).to_be_focused()
    page.keyboard.type("chris@springfield.gov")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send a new link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#email-corrected")).to_contain_text("c…s@springfield.gov")
    assert Signature.objects.get().contact_email == "chris@springfield.gov"
    assert_no_axe_violations(page)


def test_an_office_already_listed_reaches_the_question_form_from_the_keyboard(
    page: Page, site, letter
):
    make_signature(letter, city="Springfield", state="IL")
    page.goto(site + reverse("signon:sign", kwargs={"slug": letter.slug}))
    fill_the_form(page, city="springfield")
    page.get_by_role("button", name="Sign on").click()
    expect(page.locator("#duplicate-notice")).to_contain_text("Springfield, IL has already")
    assert_no_axe_violations(page)

    page.locator("#duplicate-ask-link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ask the conference about Springfield, IL"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the question").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Your name").fill("Jordan Clerk")
    page.get_by_label("Your e-mail address").fill("jordan@springfield.gov")
    page.get_by_label("Your question").fill("We have a new mayor.")
    page.get_by_label("Your question").press("Tab")
    page.keyboard.press("Tab")  # past the privacy link to the button
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your question was sent")
    assert Signature.objects.get().notes.get().message == "We have a new mayor."


def test_the_privacy_notice_has_no_axe_violations(page: Page, site, letter):
    page.goto(site + reverse("signon:sign", kwargs={"slug": letter.slug}))
    page.get_by_role("link", name="how we use your details").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we use your details")
    assert_no_axe_violations(page)


def test_the_wide_letter_page_keeps_its_sign_on_panel_in_view(page: Page, site, letter):
    add_signatories(letter, 120)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + letter.get_absolute_url())
    panel = page.locator(".letter-aside__panel")
    expect(panel).to_be_visible()
    page.locator("#sign-on-after-letter").scroll_into_view_if_needed()
    expect(panel.get_by_role("link", name="Sign on for your city")).to_be_in_viewport()
    assert_no_axe_violations(page)


def test_on_a_phone_a_sign_on_button_follows_the_letter(page: Page, site, letter):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + letter.get_absolute_url())
    expect(page.locator(".letter-aside")).to_be_hidden()
    button = page.locator("#sign-on-after-letter").get_by_role("link")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    assert_no_axe_violations(page)


def test_a_shared_filtered_link_opens_on_its_results(page: Page, site, letter):
    add_signatories(letter, 200)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + letter.get_absolute_url() + "?state=TX")
    expect(page.locator("#signatories-title")).to_be_in_viewport()
