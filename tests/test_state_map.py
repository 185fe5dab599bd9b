"""The letter page's tile map: counts, links and names per state, drawn on the server."""

import re

import pytest
from django.urls import reverse

from signon.state_map import EMPTY_SHADE, GRID, SHADES, StateMap, bands

from .conftest import make_signature

LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})


def tile_links(html: str) -> dict[str, str]:
    """Each linked tile's state code and its accessible name, from the page's SVG."""
    svg = re.search(r"<svg class=\"state-map__svg\".*?</svg>", html, re.S).group(0)
    link = r'<a href="\?state=(\w\w)#signatories-title" aria-label="([^"]+)"'
    return dict(re.findall(link, svg))


def test_the_grid_places_every_state_dc_and_territory_once_on_its_own_square():
    from places.states import State

    assert set(GRID) == set(State.values)
    assert len(set(GRID.values())) == len(GRID)


@pytest.mark.django_db
def test_the_map_names_and_links_each_state_with_its_count_of_signatories(client, listed):
    page = client.get(LETTER_URL)
    assert tile_links(page.text) == {
        "TX": "Texas: 3 signatories",
        "PR": "Puerto Rico: 1 signatory",
        "MO": "Missouri: 1 signatory",
    }
    assert "Mayors from 3 of the 56 states, D.C. and territories." in page.text


@pytest.mark.django_db
def test_the_map_counts_only_approved_signatories(client, listed):
    # The listed fixture's pending Houston mayor is not on the map.
    page = client.get(LETTER_URL)
    assert tile_links(page.text)["TX"] == "Texas: 3 signatories"
    assert ">3</text>" in page.text


@pytest.mark.django_db
def test_a_tile_leads_to_its_state_part_of_the_list_and_marks_it_current(client, listed):
    texas = client.get(LETTER_URL, {"state": "TX"})
    assert "Showing 3 of 5 from Texas." in texas.text
    assert 'aria-label="Texas: 3 signatories" aria-current="true"' in texas.text
    # The map still shows every state while one is chosen.
    assert set(tile_links(texas.text)) == {"TX", "PR", "MO"}


@pytest.mark.django_db
def test_the_same_figures_are_in_a_table_that_needs_no_script(client, listed):
    page = client.get(LETTER_URL)
    table = re.search(r'<table class="[^"]*state-map__table">.*?</table>', page.text, re.S)
    row = r'\?state=(\w\w)#signatories-title">([^<]+)</a></th><td[^>]*>(\d+)</td>'
    rows = re.findall(row, table.group(0))
    assert rows == [("MO", "Missouri", "1"), ("PR", "Puerto Rico", "1"), ("TX", "Texas", "3")]
    assert "<summary>View as a table</summary>" in page.text


@pytest.mark.django_db
def test_a_letter_with_no_signatory_shows_no_map_but_says_none_is_listed(client, letter):
    make_signature(letter)  # pending: not public
    page = client.get(LETTER_URL)
    assert "state-map" not in page.text
    assert "No mayors are listed yet." in page.text


@pytest.mark.django_db
def test_one_signatory_fills_one_tile_with_the_darkest_shade(client, letter):
    make_signature(letter, status="approved", city="Boise", state="ID")
    page = client.get(LETTER_URL)
    assert tile_links(page.text) == {"ID": "Idaho: 1 signatory"}
    assert page.text.count(f'fill="{SHADES[-1]}"') == 2  # the tile and its legend swatch
    assert "Mayors from 1 of the 56 states, D.C. and territories." in page.text


def test_the_scale_splits_counts_into_at_most_four_classes_with_the_highest_darkest():
    assert [(b.low, b.high) for b in bands(1)] == [(1, 1)]
    assert [(b.low, b.high) for b in bands(3)] == [(1, 1), (2, 2), (3, 3)]
    assert [(b.low, b.high) for b in bands(100)] == [(1, 25), (26, 50), (51, 75), (76, 100)]
    assert bands(3)[-1].shade == bands(100)[-1].shade == SHADES[-1]
    assert bands(0) == []


def test_the_legend_states_every_class_and_the_empty_shade():
    legend = StateMap({"TX": 40, "CA": 3}).legend()
    assert "none yet" in legend and EMPTY_SHADE in legend
    for label in ("1–10", "11–20", "21–30", "31–40"):
        assert label in legend


def test_tiles_without_signatories_are_hidden_from_screen_readers_but_drawn():
    svg = StateMap({"TX": 2}).svg()
    hidden = re.search(r'<g class="state-map__empty" aria-hidden="true">(.*?)</g>', svg).group(1)
    assert hidden.count("<rect") == len(GRID) - 1 and "<a " not in hidden
    assert svg.count("<a ") == 1


def test_every_tile_and_its_widest_outline_fit_inside_the_drawing():
    svg = str(StateMap({"AK": 3, "VI": 1, "ME": 2, "AS": 1}, current="VI").svg())
    left, top, width, height = map(float, re.search(r'viewBox="([^"]+)"', svg)[1].split())
    outline = 4 / 2  # a marked tile's stroke, half of it outside the square
    for x, y, w, h in re.findall(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', svg):
        assert float(x) - outline >= left and float(y) - outline >= top
        assert float(x) + float(w) + outline <= left + width
        assert float(y) + float(h) + outline <= top + height


def test_a_map_drawn_again_shows_the_new_counts_shades_and_highlight():
    # Tiles and table rows are kept per process by what they show (state_map._tile): a
    # new count, a moved scale or another highlighted state draws them anew.
    before = StateMap({"TX": 3, "CA": 1}, population={"TX": 900})
    str(before.svg()), str(before.table())
    after = StateMap({"TX": 4, "CA": 1}, current="CA", population={"TX": 950})
    svg, table = str(after.svg()), str(after.table())
    assert tile_links(svg) == {"TX": "Texas: 4 signatories", "CA": "California: 1 signatory"}
    assert '<a href="?state=CA#signatories-title" aria-label="California: 1 signatory"' in svg
    assert 'aria-current="true"' in svg and svg.count('class="current"') == 1
    assert '<td class="state-map__number">950</td>' in table
    assert "900" not in table
    # Four classes up to 4 now: California's 1 takes the lightest shade, not the 1-of-3 one.
    california = re.search(r'aria-label="California[^>]*><rect [^>]*fill="([^"]+)"', svg)[1]
    assert california == bands(4)[0].shade
    assert svg == str(StateMap({"TX": 4, "CA": 1}, current="CA").svg())
