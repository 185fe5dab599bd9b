"""Searches and state filters: answered from what the worker already read, with the same results.

A new search or state filter reads nothing again while the letter's stamp holds:
the letter, its rows, their groups and folded search texts are kept per stamp
(``page_cache.held``), and a stamp read less than ``PAGE_CACHE_SECONDS`` ago is
trusted as a held page would be. No timing assertions: ``make bench`` has the figures.
"""

import pytest
from django.urls import reverse

from signon import page_cache
from signon.public_list import ListFilter, PublicList, public_rows
from signon.views import LIST_FIELDS

from .conftest import approved_signature

LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
PEOPLE = [
    ("José", "Peñasco", "Mayagüez", "PR"), ("Ada", "O'Brien", "St. Louis", "MO"),
    ("Liam", "Stamford", "Stamford", "CT"), ("Noa", "Kahale", "Kauaʻi", "HI"),
    ("Ana", "de la Cruz", "Austin", "TX"), ("Bo", "Smith", "Saint Paul", "MN"),
    ("Eve", "Smithson", "Dallas", "TX"), ("Zoë", "Van Buren", "Fort Worth", "TX"),
]  # fmt: skip
FILTERS = [
    {"q": "st"}, {"q": "saint"}, {"q": "penasco"}, {"q": "Peñasco mayag"}, {"q": "kauai"},
    {"q": "smith"}, {"q": "SMITH tx"}, {"state": "TX"}, {"state": "tx", "q": "dal"},
    {"state": "TX", "q": "zzz"}, {"q": "o'brien"}, {"q": "  "}, {"state": "XX", "q": "ana"},
]  # fmt: skip


@pytest.fixture
def people(letter):
    for first, last, city, state in PEOPLE:
        approved_signature(
            letter, mayor_first_name=first, mayor_last_name=last, city=city, state=state
        )
    return letter


@pytest.mark.django_db
@pytest.mark.parametrize("params", FILTERS)
def test_a_filter_finds_exactly_the_rows_its_row_by_row_test_accepts(people, params):
    rows = public_rows(people, fields=LIST_FIELDS)
    wanted = ListFilter.from_params(params)
    expected = [row for row in rows if not wanted.is_active or wanted.matches(row)]
    assert PublicList(rows).matching(wanted) == expected


@pytest.mark.django_db
def test_st_finds_saint_and_half_typed_names(people):
    rows = public_rows(people, fields=LIST_FIELDS)
    found = PublicList(rows).matching(ListFilter.from_params({"q": "st"}))
    assert {row["city"] for row in found} == {"St. Louis", "Stamford", "Saint Paul", "Austin"}


@pytest.mark.django_db
def test_a_new_search_in_the_window_asks_the_database_nothing(
    client, people, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 2
    assert client.get(LETTER_URL).status_code == 200
    for params in FILTERS:
        with django_assert_num_queries(0):
            page = client.get(LETTER_URL, params)
        assert page.status_code == 200
    assert "Mayor Eve Smithson, Dallas, TX" in client.get(LETTER_URL, {"q": "smiths"}).text


@pytest.mark.django_db
def test_an_approval_shows_in_the_next_new_search_of_the_worker_that_recorded_it(
    client, people, settings
):
    settings.PAGE_CACHE_SECONDS = 2
    assert "Tucson" not in client.get(LETTER_URL, {"q": "tucs"}).text
    approved_signature(people, mayor_first_name="Rosa", city="Tucson", state="AZ")
    assert "Mayor Rosa Lovelace, Tucson, AZ" in client.get(LETTER_URL, {"q": "tucson"}).text
    assert "Mayor Rosa Lovelace, Tucson, AZ" in client.get(LETTER_URL, {"state": "AZ"}).text


@pytest.mark.django_db
def test_a_new_search_renders_only_the_list_into_the_page_held_for_the_stamp(client, people):
    assert client.get(LETTER_URL, {"state": "TX"}).status_code == 200

    page = client.get(LETTER_URL, {"q": "smith"})

    rendered = {template.name for template in page.templates}
    assert "signon/letter_list.html" in rendered
    assert "signon/letter_detail.html" not in rendered
    assert "base.html" not in rendered
    assert "Mayor Bo Smith, Saint Paul, MN" in page.text


@pytest.mark.django_db
def test_each_filter_reads_the_same_in_a_held_page_as_in_a_fresh_one(client, people):
    fresh = {}
    for params in [{}, *FILTERS]:
        page_cache.clear()
        fresh[str(params)] = client.get(LETTER_URL, params).content
    # Now every filter after every other, in one held page: nothing of one (the map's
    # highlighted state, the search box, the script that scrolls to the results)
    # stays in the next.
    page_cache.clear()
    for params in [*FILTERS, {}, *reversed(FILTERS)]:
        assert client.get(LETTER_URL, params).content == fresh[str(params)], params
