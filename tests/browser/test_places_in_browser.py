"""The City field's suggestions in a real browser: pick a state, type, pick the city."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from signon.models import Signature

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST


def fill_the_rest(page: Page) -> None:
    for name, value in [("mayor_first_name", "Alan"), ("mayor_last_name", "Webber"),
                        ("contact_first_name", "Chris"), ("contact_last_name", "Aide"),
                        ("contact_email", "chris@santafenm.gov"),
                        ("contact_phone", "(505) 955-6590")]:  # fmt: skip
        page.locator(f"[name={name}]").fill(value)


def test_a_state_chosen_the_city_field_suggests_its_places_and_passes_axe(
    page: Page, live_server, live_places, letter
):
    page.goto(live_server.url + reverse("signon:sign", kwargs={"slug": letter.slug}))
    page.locator("[name=state]").select_option("NM")
    options = page.locator("#city-suggestions option")
    expect(options.first).to_have_attribute("value", "Albuquerque")
    assert options.count() > 200
    city = page.get_by_label("City")
    expect(city).to_have_attribute("list", "city-suggestions")
    city.click()
    city.press_sequentially("San")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    city.fill("Sante Fe")
    fill_the_rest(page)
    page.get_by_role("button", name="Sign on").click()
    expect(page.locator("#error-summary")).to_contain_text("Did you mean Santa Fe?")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # The signer keeps what they typed: the second "Sign on" is accepted.
    page.get_by_role("button", name="Sign on").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your sign-on was received")
    assert Signature.objects.get().city == "Sante Fe"
