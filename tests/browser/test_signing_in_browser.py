"""Signing on in a real browser: by mouse, by keyboard alone, and with a mistake."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from signon.models import Signature

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

SIGN_PATH = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
THANKS_PATH = reverse("signon:thanks", kwargs={"slug": "immigration-reform"})

TYPED = {
    "Mayor’s First Name": "María",
    "Mayor’s Last Name": "Peña-Ibáñez",
    "City": "Mayagüez",
    "First Name": "Chris",
    "Last Name": "Aide",
    "E-Mail Address": "chris.aide@mayaguez.pr.gov",
    "Phone": "(787) 555-0143",
}


def field(page: Page, label: str) -> Locator:
    """The form field with this label (the label ends in the required-field asterisk)."""
    # Playwright matches a pattern against the label's raw text, spaces included.
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def test_a_mayors_office_signs_on_with_the_mouse(page: Page, site, letter):
    page.goto(site + letter.get_absolute_url())
    page.get_by_role("link", name="Sign on for your city", exact=True).first.click()
    expect(page).to_have_url(site + SIGN_PATH)

    for label, value in TYPED.items():
        field(page, label).click()
        field(page, label).fill(value)
    field(page, "State").select_option(label="Puerto Rico")
    page.get_by_role("button", name="Sign on").click()

    expect(page).to_have_url(site + THANKS_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your sign-on was received"
    )
    expect(page.get_by_text("Mayor María Peña-Ibáñez of Mayagüez, PR")).to_be_visible()
    signature = Signature.objects.get()
    assert (signature.city, signature.state, signature.status) == ("Mayagüez", "PR", "pending")
    assert signature.contact_phone == "+17875550143"


def test_a_mayors_office_signs_on_with_the_keyboard_alone(page: Page, site, letter):
    page.goto(site + SIGN_PATH)
    # The first Tab reaches the skip link, which shows itself with a focus ring.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    # Tab on until the first field has the focus.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_mayor_first_name":
            break
    expect(field(page, "Mayor’s First Name")).to_be_focused()

    page.keyboard.type("Kirk")
    page.keyboard.press("Tab")
    page.keyboard.type("Watson")
    page.keyboard.press("Tab")
    page.keyboard.type("Austin")
    page.keyboard.press("Tab")
    expect(field(page, "State")).to_be_focused()
    page.keyboard.type("Texas")  # A focused list picks the option typed.
    expect(field(page, "State")).to_have_value("TX")
    for value in ("Chris", "Aide", "chris.aide@austintexas.gov", "512-555-0143"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    expect(field(page, "Phone")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(site + THANKS_PATH)
    signature = Signature.objects.get()
    assert (signature.mayor_name, signature.city, signature.state) == (
        "Kirk Watson",
        "Austin",
        "TX",
    )
    assert signature.contact_email == "chris.aide@austintexas.gov"


def test_a_mistake_is_summarized_linked_to_its_field_and_nothing_typed_is_lost(
    page: Page, site, letter
):
    page.goto(site + SIGN_PATH)
    for label, value in {**TYPED, "E-Mail Address": "chris.aide at mayaguez"}.items():
        field(page, label).fill(value)
    field(page, "State").select_option("PR")
    page.get_by_role("button", name="Sign on").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Sign on"))
    link = summary.get_by_role("link", name=re.compile("^Enter an e-mail address"))
    link.click()
    email = field(page, "E-Mail Address")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter an e-mail address like"))

    # Everything typed is still there, the mistake included.
    for label, value in {**TYPED, "E-Mail Address": "chris.aide at mayaguez"}.items():
        expect(field(page, label)).to_have_value(value)
    expect(field(page, "State")).to_have_value("PR")
    assert Signature.objects.count() == 0

    email.fill("chris.aide@mayaguez.pr.gov")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + THANKS_PATH)
    assert Signature.objects.get().contact_email == "chris.aide@mayaguez.pr.gov"


@pytest.mark.parametrize("label", ["Mayor’s First Name", "City", "E-Mail Address", "Phone"])
def test_required_fields_are_announced_as_required(page: Page, site, letter, label):
    page.goto(site + SIGN_PATH)
    input_ = field(page, label)
    expect(input_).to_have_attribute("required", "")
    assert input_.evaluate("e => e.required")
