"""The delivery packet on paper: page labels, state headings kept with their names,
names at a legible size. Read from the PDF's text, page by page."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from places.states import State
from signon.delivery import record_delivery
from signon.packet import delivery_packet_pdf

from .conftest import approved_signature

# Thirty states with one to seven mayors each: enough pages and state boundaries
# that, left to itself, the layout puts some heading at the foot of a page.
STATES = [code for code, _label in State.choices][:30]


def packet_pages(letter) -> list:
    for n, state in enumerate(STATES):
        for k in range(1 + (n * 5) % 7):
            approved_signature(
                letter, mayor_first_name="Ada", mayor_last_name=f"Lovelace{n}x{k}",
                city=f"Springfield {n}-{k}", state=state,
            )  # fmt: skip
    delivery = record_delivery(
        letter, user=None, delivered_on=datetime.date(2026, 3, 9),
        delivered_to="Members of Congress", method="hand-delivered",
    )  # fmt: skip
    return PdfReader(io.BytesIO(delivery_packet_pdf(delivery))).pages


STATE_NAMES = "|".join(re.escape(label) for _, label in State.choices)
HEADING = re.compile(rf"^(?:{STATE_NAMES}) \(\d+\)$")


@pytest.mark.django_db
def test_every_page_is_labelled_x_of_y(letter):
    pages = packet_pages(letter)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page.extract_text()


@pytest.mark.django_db
def test_no_state_heading_ends_a_page(letter):
    pages = packet_pages(letter)
    headings_seen = 0
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        for index, line in enumerate(lines):
            if HEADING.match(line):
                headings_seen += 1
                after = lines[index + 1] if index + 1 < len(lines) else ""
                assert after.startswith("Ada Lovelace"), (
                    f"page {number}: {line!r} is followed by {after!r}, not by its names"
                )
    assert headings_seen == len(STATES)


@pytest.mark.django_db
def test_names_are_set_at_nine_points_or_more(letter):
    sizes = set()

    def visit(text, cm, tm, font_dict, font_size):
        if text.startswith("Ada Lovelace"):
            sizes.add(round(font_size * tm[0], 2))

    for page in packet_pages(letter):
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 9, sizes
