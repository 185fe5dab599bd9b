"""The letter page in a real browser: filter and search with and without JavaScript,
phone width, and the print view printed to PDF."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from ..conftest import approve
from .conftest import BROWSER_TEST, add_signatories, public_name

pytestmark = BROWSER_TEST


def visible_names(page: Page) -> list[str]:
    # Each item is the name, then the day it was listed.
    return page.locator("#signatories-groups li:visible").evaluate_all(
        "items => items.map(item => item.firstChild.nodeValue.trim())"
    )


def test_it_filters_as_you_type_and_announces_the_count(page: Page, site, listed):
    page.goto(site + listed.get_absolute_url())
    status = page.get_by_role("status")
    expect(status).to_have_text("Showing all 5.")

    page.get_by_label("Search by mayor or city").press_sequentially("mayague")
    expect(status).to_have_text("Showing 1 of 5 matching “mayague”.")
    assert visible_names(page) == ["Mayor José Guillermo Rodríguez, Mayagüez, PR"]
    expect(page.get_by_role("heading", name="Texas")).to_be_hidden()
    # The address follows, so the filtered list can be linked to.
    assert page.url.endswith("?q=mayague")

    # As on the server: "st" is in "Austin" and is how "St. Louis" is written.
    page.get_by_label("Search by mayor or city").fill("st")
    expect(status).to_have_text("Showing 2 of 5 matching “st”.")
    assert visible_names(page) == [
        "Mayor Lyda Krewson, St. Louis, MO",
        "Mayor Kirk Watson, Austin, TX",
    ]

    page.get_by_label("Search by mayor or city").fill("")
    page.get_by_label("State").select_option("TX")
    expect(status).to_have_text("Showing 3 of 5 from Texas.")
    assert len(visible_names(page)) == 3
    expect(page.locator("#state-TX [data-count]")).to_have_text("3")

    page.get_by_label("Search by mayor or city").press_sequentially("PENA")
    expect(status).to_have_text("Showing 1 of 5 from Texas matching “PENA”.")
    assert visible_names(page) == ["Mayor Ana Peña, El Paso, TX"]
    expect(page.locator("#state-TX [data-count]")).to_have_text("1")

    page.get_by_label("Search by mayor or city").fill("saint louis")
    expect(status).to_have_text("Showing 0 of 5 from Texas matching “saint louis”.")
    expect(page.get_by_text("No signatory matches this search.")).to_be_visible()
    page.get_by_label("State").select_option("")
    expect(status).to_have_text("Showing 1 of 5 matching “saint louis”.")
    assert visible_names(page) == ["Mayor Lyda Krewson, St. Louis, MO"]
    # Pressing Enter keeps the visitor where they are: the list is already filtered.
    page.get_by_label("Search by mayor or city").press("Enter")
    expect(page.get_by_label("Search by mayor or city")).to_be_focused()


def test_it_filters_and_searches_without_javascript(no_js_page: Page, site, listed):
    page = no_js_page
    page.goto(site + listed.get_absolute_url())
    assert len(visible_names(page)) == 5

    page.get_by_label("State").select_option("TX")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?state=TX&q=#signatories-title$"))
    expect(page.get_by_role("status")).to_have_text("Showing 3 of 5 from Texas.")
    assert visible_names(page) == [
        "Mayor Kirk Watson, Austin, TX",
        "Mayor Eric Johnson, Dallas, TX",
        "Mayor Ana Peña, El Paso, TX",
    ]

    page.get_by_label("Search by mayor or city").fill("austin")
    page.get_by_label("Search by mayor or city").press("Enter")
    expect(page.get_by_role("status")).to_have_text("Showing 1 of 5 from Texas matching “austin”.")
    assert visible_names(page) == ["Mayor Kirk Watson, Austin, TX"]

    page.get_by_role("link", name="Show all signatories").click()
    assert len(visible_names(page)) == 5


def test_a_linked_filter_opens_filtered_with_javascript_too(page: Page, site, listed):
    page.goto(site + listed.get_absolute_url() + "?q=mayaguez")
    expect(page.get_by_role("status")).to_have_text("Showing 1 of 5 matching “mayaguez”.")
    assert visible_names(page) == ["Mayor José Guillermo Rodríguez, Mayagüez, PR"]
    expect(page.get_by_label("Search by mayor or city")).to_have_value("mayaguez")


@pytest.mark.parametrize(
    "path",
    ["/", "/letters/immigration-reform/", "/letters/immigration-reform/sign/",
     "/letters/immigration-reform/print/", "/letters/no-such-letter/"],
)  # fmt: skip
def test_a_phone_width_page_has_no_horizontal_scroll(page: Page, site, letter, path):
    add_signatories(letter, 60)
    approve(letter, "Maximiliano Alejandro", "Fernández-Castellanos", "San Buenaventura", "CA")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + path)
    if path.endswith("/sign/"):
        page.get_by_role("button", name="Sign on").click()  # The form with its errors.
        expect(page.locator("#error-summary")).to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_the_print_view_prints_to_pdf_with_every_signatory(page: Page, site, letter):
    signatures = add_signatories(letter, 300)
    signatures.append(approve(letter, "Zoë", "Ibáñez", "Peñasco", "NM"))
    page.goto(site + reverse("signon:letter-print", kwargs={"slug": letter.slug}))
    pdf = page.pdf(format="Letter", print_background=True)

    reader = PdfReader(io.BytesIO(pdf))
    # Names wrap inside the narrow columns: compare with line breaks as spaces.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert len(reader.pages) >= 3
    assert "Dear Members of the U.S. House of Representatives" in text
    assert "301 mayors, by state, as of" in text
    missing = [public_name(s) for s in signatures if public_name(s) not in text]
    assert missing == []
    assert "Sign on" not in text
    assert "Skip to main content" not in text


def test_printing_the_letter_page_itself_leaves_out_the_site_around_it(page: Page, site, listed):
    page.goto(site + listed.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Mayor Kirk Watson, Austin, TX")).to_be_visible()
    for hidden in ("banner", "contentinfo", "search"):
        expect(page.get_by_role(hidden)).to_be_hidden()
    expect(page.get_by_role("link", name="Sign on for your city", exact=True)).to_be_hidden()


def test_the_screen_lays_out_only_the_states_in_view_and_paper_gets_them_all(
    page: Page, site, listed
):
    page.goto(site + listed.get_absolute_url())
    sections = page.locator(".signatories__state")
    expect(sections).to_have_count(3)
    styles = "sections => sections.map(s => getComputedStyle(s).contentVisibility)"
    assert sections.evaluate_all(styles) == ["auto", "auto", "auto"]

    page.emulate_media(media="print")

    assert sections.evaluate_all(styles) == ["visible", "visible", "visible"]
