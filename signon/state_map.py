"""The letter page's map: a tile grid of the states, shaded by their number of signatories.

Owns the grid (one equal square per state, D.C. and territory, in its usual
place, as newsrooms draw them), the colour scale and its legend, and the
markup: an inline SVG whose tiles are named links to that state's part of the
list (``?state=XX``, relative to the page), and the same figures as a table. Drawn on the server
from the per-state counts the page already holds, so it costs no query and is
cached with the page; no script, no inline style (the page's CSP forbids them;
the look is in static/css/site.css and print.css).

The scale is ColorBrewer's sequential "Blues": one hue growing darker, which
people with any common colour-blindness read in order, and which prints as
grey steps from light to dark; each tile also carries its count as text.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from places.states import State

# (column, row) of each tile. The 50 states and D.C. in the common newsroom
# layout; the territories along the bottom row, the Pacific ones on the left
# and the Caribbean ones on the right.
GRID: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (11, 0),
    "WI": (6, 1), "VT": (10, 1), "NH": (11, 1),
    "WA": (1, 2), "ID": (2, 2), "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2),
    "MI": (7, 2), "NY": (9, 2), "MA": (10, 2),
    "OR": (1, 3), "NV": (2, 3), "WY": (3, 3), "SD": (4, 3), "IA": (5, 3), "IN": (6, 3),
    "OH": (7, 3), "PA": (8, 3), "NJ": (9, 3), "CT": (10, 3), "RI": (11, 3),
    "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4), "KY": (6, 4),
    "WV": (7, 4), "VA": (8, 4), "MD": (9, 4), "DE": (10, 4),
    "AZ": (2, 5), "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5),
    "SC": (8, 5), "DC": (9, 5),
    "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (0, 7), "TX": (4, 7), "FL": (9, 7),
    "AS": (0, 8), "GU": (1, 8), "MP": (2, 8), "PR": (10, 8), "VI": (11, 8),
}  # fmt: skip

TILE = 48  # a tile's side, in the SVG's units
GAP = 4
PAD = 3  # around the grid, in the same units
COLUMNS = 1 + max(column for column, _ in GRID.values())
ROWS = 1 + max(row for _, row in GRID.values())

# ColorBrewer "Blues", light to dark, one colour per class of counts; the text
# on each keeps a contrast of at least 4.5:1 (dark text on the two light ones).
SHADES = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")
DARK_TEXT_SHADES = 2
# A state with no signatory yet: nearly white, outlined.
EMPTY_SHADE = "#f7f7f7"


@dataclass(frozen=True)
class Band:
    """A class of counts on the scale, ``low`` to ``high`` inclusive, and its shade."""

    low: int
    high: int
    shade: str
    dark_text: bool

    @property
    def label(self) -> str:
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"


def bands(highest: int) -> list[Band]:
    """The scale's classes for counts from 1 to ``highest``: up to four, of equal width.

    With few signatories each count is its own class (1, 2, 3); the darkest
    shade is always the highest count, so one signatory is not drawn pale.
    """
    if highest < 1:
        return []
    classes = min(len(SHADES), highest)
    tops = sorted({math.ceil(highest * k / classes) for k in range(1, classes + 1)})
    # The darkest shades go to the highest classes.
    shades = SHADES[len(SHADES) - len(tops) :]
    result, low = [], 1
    for top, shade in zip(tops, shades, strict=True):
        dark_text = SHADES.index(shade) < DARK_TEXT_SHADES
        result.append(Band(low=low, high=top, shade=shade, dark_text=dark_text))
        low = top + 1
    return result


@dataclass(frozen=True)
class _Place:
    """Where a state's tile goes and its name: worked out once, not per render."""

    x: int
    y: int
    middle: str  # the tile's centre line, where its texts are anchored
    label: str
    name: str  # the label, escaped


_PLACES = {
    code: _Place(
        x=column * (TILE + GAP),
        y=row * (TILE + GAP),
        middle=f"{column * (TILE + GAP) + TILE / 2:g}",
        label=State(code).label,
        name=escape(State(code).label),
    )
    for code, (column, row) in GRID.items()
}


def state_name_html(code: str) -> str:
    """A state's name, escaped once per process (the map and the state picker use it)."""
    return _PLACES[code].name


def band_for(count: int, scale: list[Band]) -> Band | None:
    return next((band for band in scale if band.low <= count <= band.high), None)


def signatories_phrase(count: int) -> str:
    return f"{count:,} signator{'y' if count == 1 else 'ies'}"


@dataclass
class StateMap:
    """The map of one letter's signatories: counts per USPS code, and the state shown."""

    counts: Mapping[str, int]
    # The state the list is filtered on, if any: its tile is marked.
    current: str = ""
    # The people each state's listed mayors represent (signon/population.py), when
    # any city matched a place: the table gives them beside the counts.
    population: Mapping[str, int] | None = None

    @property
    def scale(self) -> list[Band]:
        return bands(max(self.counts.values(), default=0))

    places = len(GRID)

    @property
    def state_count(self) -> int:
        return sum(1 for count in self.counts.values() if count)

    def svg(self) -> SafeString:
        scale = self.scale
        width = COLUMNS * (TILE + GAP) - GAP
        height = ROWS * (TILE + GAP) - GAP
        linked = [code for code in GRID if self.counts.get(code)]
        empty = [code for code in GRID if not self.counts.get(code)]
        # States without a signatory are drawn for the shape of the country, in one
        # group silent to a screen reader (the table says which states signed).
        counts, current = self.counts, self.current
        tiles = "\n".join(
            _tile(code, counts[code], band_for(counts[code], scale), code == current)
            for code in linked
        )
        blanks = "".join(_tile(code, 0, None, code == current) for code in empty)
        return mark_safe(  # noqa: S308 -- codes and shades are constants; names are escaped
            # A margin for the outlines (a marked tile's is 4 wide): the edge rows
            # and columns are drawn whole at any width.
            f'<svg class="state-map__svg" viewBox="{-PAD} {-PAD} {width + 2 * PAD} '
            f'{height + 2 * PAD}" '
            f'aria-labelledby="state-map-title" role="group" focusable="false">\n'
            f'<g class="state-map__empty" aria-hidden="true">{blanks}</g>\n{tiles}\n</svg>'
        )

    def legend(self) -> SafeString:
        """The scale as a list: each shade beside the counts it stands for."""
        items = [
            f'<li><svg class="state-map__swatch" viewBox="0 0 16 16" aria-hidden="true">'
            f'<rect width="16" height="16" fill="{band.shade}"/></svg> {escape(band.label)}</li>'
            for band in self.scale
        ]
        items.insert(
            0,
            '<li><svg class="state-map__swatch" viewBox="0 0 16 16" aria-hidden="true">'
            f'<rect width="16" height="16" fill="{EMPTY_SHADE}" class="state-map__blank"/>'
            "</svg> none yet</li>",
        )
        return mark_safe(  # noqa: S308 -- built from numbers and constants, escaped
            '<ul class="state-map__legend list-unstyled">' + "".join(items) + "</ul>"
        )

    def rows(self) -> list[tuple[str, str, int]]:
        """(code, name, count) of each state with signatories, by name: the table's rows."""
        return sorted(
            ((code, _PLACES[code].label, count) for code, count in self.counts.items() if count),
            key=lambda row: row[1],
        )

    def table(self) -> SafeString:
        people = self.population
        body = "\n".join(
            _table_row(code, count, people.get(code, 0) if people else None)
            for code, _, count in self.rows()
        )
        population_heading = (
            '<th scope="col" class="state-map__number">Population represented</th>'
            if people
            else ""
        )
        return mark_safe(  # noqa: S308 -- names escaped; codes are USPS constants
            '<table class="table table-sm state-map__table">'
            "<caption>Signatories by state</caption>"
            '<thead><tr><th scope="col">State</th><th scope="col" class="state-map__number">'
            f"Signatories</th>{population_heading}</tr></thead>\n<tbody>\n{body}\n"
            "</tbody></table>"
        )


# A tile's and a table row's markup depend on a few small values each: drawn once per
# process for each. After a staff decision only the changed state's are drawn again (all
# tiles when the scale's bands move). A cold render of the page at 1,400 names: 11.60 ->
# 10.75 million instructions (callgrind).
# Bounded: 56 places times the counts and populations a worker sees.
@lru_cache(maxsize=4096)
def _tile(code: str, count: int, band: Band | None, current: bool) -> str:
    # Short markup: the page repeats it 56 times. The look (stroke, fonts) is in
    # state-map.css, by element; "l" marks light text, "n" the count.
    place = _PLACES[code]
    marked = ' class="current"' if current else ""
    light = ' class="l"' if band and not band.dark_text else ""
    shape = (
        f'<rect x="{place.x}" y="{place.y}" width="{TILE}" height="{TILE}" '
        f'fill="{band.shade if band else EMPTY_SHADE}"{marked}/>'
        f'<text x="{place.middle}" y="{place.y + 20}"{light}>{code}</text>'
    )
    if not count:
        return shape
    aria_current = ' aria-current="true"' if current else ""
    # Relative to the page: on a filtered view too, it replaces the filter.
    return (
        f'<a href="?state={code}#signatories-title" '
        f'aria-label="{place.name}: {signatories_phrase(count)}"{aria_current}>'
        f'{shape}<text x="{place.middle}" y="{place.y + 38}" class="n{" l" if light else ""}">'
        f"{count:,}</text></a>"
    )


_NUMBER = '<td class="state-map__number">{:,}</td>'


@lru_cache(maxsize=4096)
def _table_row(code: str, count: int, people: int | None) -> str:
    """A state's row in the table; ``people`` None when no city matched (no such column)."""
    return (
        f'<tr><th scope="row"><a href="?state={code}#signatories-title">'
        f"{_PLACES[code].name}</a></th>{_NUMBER.format(count)}"
        f"{_NUMBER.format(people) if people is not None else ''}</tr>"
    )
