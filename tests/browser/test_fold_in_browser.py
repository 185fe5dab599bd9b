"""Issue 10, item 9: the browser's search folds exactly as the server's does.

The browser's fold (static/js/fold.js) is generated from places.normalize.fold;
these run the same cases through both, in a real browser.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from places.normalize import fold

from ..conftest import approved_signature
from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

NAMES = [
    "Kauaʻi", "ʻEwa Beach", "Mayagüez", "Peñasco", "Coeur d’Alene", "O'Fallon", "St. Louis",
    "Ste. Genevieve", "Mt. Pleasant", "Ft. Worth", "Straße", "ŉ", "ǅemal", "Σίσυφος", "Ὀδυσσεύς",
    "Łódź", "Øresund", "Þingvellir", "ﬁeld", "Ｔｏｋｙｏ", "½ Moon Bay", "İstanbul",
    "Jean-Luc_Picard", "Ꮳ Cherokee ꮳ", "a\u0301b", "tab\tand  spaces", "  trimmed  ",
    "x\u200by", "Dža", "Æsir", "ﬃ", "K\u212a", "ſt", "ꭰ", "\U0001d400\U0001d401",
]  # fmt: skip

# Every character of the blocks names are written in, one at a time, between two letters.
BLOCKS = [
    (0x0020, 0x007F), (0x00A0, 0x0250), (0x0250, 0x0370), (0x0370, 0x0400), (0x0400, 0x0530),
    (0x1E00, 0x2000), (0x2000, 0x2070), (0x2100, 0x2150), (0xFB00, 0xFB50), (0xFF00, 0xFFF0),
]  # fmt: skip


def sweep() -> list[str]:
    return [f"a{chr(code)}b" for start, end in BLOCKS for code in range(start, end)]


@pytest.fixture
def kauai(letter):
    approved_signature(letter, mayor_first_name="Derek", mayor_last_name="Kawakami",
                       city="Kauaʻi", state="HI")  # fmt: skip
    approved_signature(letter, mayor_first_name="Kirk", mayor_last_name="Watson",
                       city="Austin", state="TX")  # fmt: skip
    return letter


def test_kauai_finds_kauai_in_the_browser_as_on_the_server(page: Page, site, kauai, client):
    url = reverse("signon:letter", kwargs={"slug": kauai.slug})
    assert "Mayor Derek Kawakami, Kauaʻi, HI" in client.get(url, {"q": "kauai"}).text

    page.goto(site + url)
    page.get_by_label("Search by mayor or city").press_sequentially("kauai")

    expect(page.get_by_role("status")).to_have_text("Showing 1 of 2 matching “kauai”.")
    items = page.locator("#signatories-groups li:visible")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("Mayor Derek Kawakami, Kauaʻi, HI")


def test_the_browser_folds_every_case_as_the_server_does(page: Page, site, kauai):
    page.goto(site + kauai.get_absolute_url())
    cases = NAMES + sweep()

    browser = page.evaluate(
        "cases => cases.map(c => [window.signonFold(c, false), window.signonFold(c, true)])",
        cases,
    )

    server = [[fold(c), fold(c, expand_abbreviations=False)] for c in cases]
    mismatches = [
        (case, f"U+{ord(case[1]):04X}" if len(case) == 3 else "", got, want)
        for case, got, want in zip(cases, browser, server, strict=True)
        if got != want
    ]
    assert mismatches == []
    assert len(cases) > 1500
