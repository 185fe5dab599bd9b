"""The tile map on the letter page in a real browser: with JavaScript off, by keyboard and
screen-reader name, as a table, and under axe."""

from playwright.sync_api import Page, expect

from ..conftest import approve
from .conftest import BROWSER_TEST
from .test_accessibility import assert_no_axe_violations

pytestmark = BROWSER_TEST


def test_with_javascript_off_a_tile_leads_to_its_state_part_of_the_list(
    no_js_page: Page, site, listed
):
    page = no_js_page
    page.goto(site + listed.get_absolute_url())
    texas = page.get_by_role("link", name="Texas: 3 signatories")
    expect(texas).to_be_visible()
    expect(page.get_by_role("link", name="Missouri: 1 signatory")).to_be_visible()
    # States without a signatory are drawn but are not links.
    expect(page.get_by_role("link", name="Ohio", exact=False)).to_have_count(0)
    texas.click()
    expect(page.locator("#filter-status")).to_have_text("Showing 3 of 5 from Texas.")
    expect(page.locator("[aria-current=true]")).to_have_attribute(
        "aria-label", "Texas: 3 signatories"
    )


def test_with_javascript_off_the_map_opens_as_a_table(no_js_page: Page, site, listed):
    page = no_js_page
    page.goto(site + listed.get_absolute_url())
    table = page.get_by_role("table", name="Signatories by state")
    expect(table).to_be_hidden()
    page.get_by_text("View as a table").click()
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(4)  # the heading, then three states
    expect(table.get_by_role("row", name="Texas 3")).to_be_visible()


def test_a_keyboard_reaches_the_tiles_in_turn(page: Page, site, letter):
    approve(letter, "Ada", "Lovelace", "Boise", "ID")
    approve(letter, "Bo", "Diddley", "Austin", "TX")
    page.goto(site + letter.get_absolute_url())
    page.get_by_role("link", name="Idaho: 1 signatory").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Texas: 1 signatory")).to_be_focused()


def test_the_letter_page_with_its_map_and_table_open_has_no_axe_violations(
    page: Page, site, listed
):
    page.goto(site + listed.get_absolute_url())
    assert_no_axe_violations(page)
    page.get_by_text("View as a table").click()
    assert_no_axe_violations(page)
    page.goto(site + listed.get_absolute_url() + "?state=PR")
    assert_no_axe_violations(page)
