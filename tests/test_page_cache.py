"""signon.page_cache: the public page cache cannot be busted, and does not go stale.

No timing assertions: these check what the cache keeps, what it answers from,
and that an edit shows on the next request.
"""

import datetime
import gzip

import brotli
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signon import page_cache
from signon.delivery import record_delivery
from signon.models import Delivery

from .conftest import approved_signature

LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})


def deliver(letter, on=datetime.date(2026, 3, 9)):
    return record_delivery(
        letter, user=None, delivered_on=on, delivered_to="Members of Congress",
        method="hand-delivered",
    )  # fmt: skip


# Keys on the normalized filter ------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_parameter_is_answered_from_the_bare_pages_entry(
    client, letter, django_assert_num_queries
):
    approved_signature(letter, city="Austin", state="TX")
    bare = client.get(LETTER_URL)
    assert bare.status_code == 200

    # Warm: only the stamp's one question, no render.
    with django_assert_num_queries(1):
        busted = client.get(LETTER_URL, {"x": "1"})
    assert busted.status_code == 200
    assert busted["ETag"] == bare["ETag"]
    assert busted.content == bare.content
    assert page_cache.held_pages() == {"bare": [(LETTER_URL, "", "")], "filtered": []}


@pytest.mark.django_db
def test_spellings_of_one_filter_share_one_entry(client, letter, django_assert_num_queries):
    approved_signature(letter, mayor_last_name="Kahale", city="Kauaʻi", state="HI")
    first = client.get(LETTER_URL, {"state": "hi", "q": "  Kauaʻi "})
    assert first.status_code == 200
    assert "Mayor Ada Kahale, Kauaʻi, HI" in first.text
    assert "Showing 1 of 1 from Hawaii matching “kauai”." in first.text

    spellings = [{"q": "KAUAI", "state": "HI"}, {"utm_source": "x", "state": " HI", "q": "kauai"}]
    for params in spellings:
        with django_assert_num_queries(1):
            again = client.get(LETTER_URL, params)
        assert again["ETag"] == first["ETag"]
    assert page_cache.held_pages()["filtered"] == [(LETTER_URL, "HI", "kauai")]


@pytest.mark.django_db
def test_a_thousand_unique_searches_leave_the_bare_page_in_place(client, letter, monkeypatch):
    approved_signature(letter, city="Austin", state="TX")
    bare = client.get(LETTER_URL)
    bare_bytes = page_cache.held_bytes()["bare"]
    # A budget the flood overflows many times over, to see it hold.
    monkeypatch.setattr(page_cache, "MAX_BYTES", bare_bytes + 1)
    monkeypatch.setattr(page_cache, "FILTERED_MAX_BYTES", bare_bytes * 3)

    for i in range(1000):
        assert client.get(LETTER_URL, {"q": f"nobody {i}"}).status_code == 200

    held = page_cache.held_pages()
    assert (LETTER_URL, "", "") in held["bare"]
    assert 0 < len(held["filtered"]) <= page_cache.FILTERED_MAX_PAGES
    assert held["filtered"][-1] == (LETTER_URL, "", "nobody 999")
    assert page_cache.held_bytes()["filtered"] <= bare_bytes * 3
    # The bytes counted as pages came and went are the bytes held.
    held_sizes = [page.size for page in page_cache._filtered.pages.values()]
    assert page_cache.held_bytes()["filtered"] == sum(held_sizes)
    assert client.get(LETTER_URL)["ETag"] == bare["ETag"]


@pytest.mark.django_db
def test_a_filtered_page_is_compressed_only_as_clients_ask(client, letter):
    approved_signature(letter, city="Austin", state="TX")
    # Compressed as it is first asked for, in gzip when the client takes it (the cheaper
    # of the fast encoders at about the same size: page_cache._fast_encoding).
    browser = client.get(LETTER_URL, {"q": "austin"}, HTTP_ACCEPT_ENCODING="gzip, br")
    assert browser["Content-Encoding"] == "gzip"
    only_gzip = page_cache.held_bytes()["filtered"]

    brotli_only = client.get(LETTER_URL, {"q": "austin"}, HTTP_ACCEPT_ENCODING="br")
    assert brotli_only["Content-Encoding"] == "br"
    assert brotli.decompress(brotli_only.content) == gzip.decompress(browser.content)
    assert page_cache.held_bytes()["filtered"] == only_gzip + len(brotli_only.content)

    # Both held now: nothing more is compressed for either kind of client.
    client.get(LETTER_URL, {"q": "austin"}, HTTP_ACCEPT_ENCODING="gzip, br")
    client.get(LETTER_URL, {"q": "austin"}, HTTP_ACCEPT_ENCODING="gzip")
    assert page_cache.held_bytes()["filtered"] == only_gzip + len(brotli_only.content)

    plain = client.get(LETTER_URL, {"q": "austin"}, HTTP_ACCEPT_ENCODING="identity")
    assert not plain.has_header("Content-Encoding")
    assert plain.content == gzip.decompress(browser.content)
    assert page_cache.held_pages()["filtered"] == [(LETTER_URL, "", "austin")]


@pytest.mark.django_db
def test_a_new_search_filters_the_workers_list_without_reading_the_rows_again(client, letter):
    approved_signature(letter, mayor_last_name="Watson", city="Austin", state="TX")
    approved_signature(letter, mayor_last_name="Johnson", city="Dallas", state="TX")
    assert "Mayor Ada Watson, Austin, TX" in client.get(LETTER_URL, {"q": "austin"}).text

    with CaptureQueriesContext(connection) as queries:
        page = client.get(LETTER_URL, {"q": "dallas"}).text

    assert "Mayor Ada Johnson, Dallas, TX" in page
    assert "Austin" not in page.split('id="signatories-groups"')[1]
    assert not [q["sql"] for q in queries if "mayor_first_name" in q["sql"]]

    # A decision changes the stamp: the next search reads the list afresh.
    approved_signature(letter, mayor_last_name="Adler", city="Dallas Heights", state="TX")
    assert "Mayor Ada Adler, Dallas Heights, TX" in client.get(LETTER_URL, {"q": "dal"}).text


# Delivery edits refresh the page ----------------------------------------------


@pytest.mark.django_db
def test_editing_a_delivery_date_shows_at_once_in_the_worker_that_saved_it(
    client, letter, settings
):
    approved_signature(letter)
    delivery = deliver(letter)
    settings.PAGE_CACHE_SECONDS = 60  # the signal, not the stamp check, must refresh it
    assert "Delivered to Congress on March 9, 2026" in client.get(LETTER_URL).text

    delivery.delivered_on = datetime.date(2026, 3, 10)
    delivery.save()

    assert "Delivered to Congress on March 10, 2026" in client.get(LETTER_URL).text


@pytest.mark.django_db
def test_a_delivery_edited_elsewhere_changes_the_stamp(client, letter):
    approved_signature(letter)
    delivery = deliver(letter)
    assert "Delivered to Congress on March 9, 2026" in client.get(LETTER_URL).text

    # Another worker's write: no signal here, only the stamp can tell.
    Delivery.objects.filter(pk=delivery.pk).update(delivered_on=datetime.date(2026, 3, 11))

    assert "Delivered to Congress on March 11, 2026" in client.get(LETTER_URL).text


# Links from SITE_URL, not the request's Host ------------------------------------


@pytest.mark.django_db
def test_canonical_and_og_url_come_from_site_url_whatever_the_host(client, letter, settings):
    settings.SITE_URL = "https://letters.usmayors.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    page = client.get(LETTER_URL, HTTP_HOST="evil.example").text
    expected = f"https://letters.usmayors.example{LETTER_URL}"
    assert f'<link rel="canonical" href="{expected}">' in page
    assert f'<meta property="og:url" content="{expected}">' in page
    assert "evil.example" not in page
    # And a later visitor on the right host gets the same, correct page.
    assert "evil.example" not in client.get(LETTER_URL).text


# No re-render on a timer --------------------------------------------------------


@pytest.mark.django_db
def test_a_page_whose_stamp_holds_is_not_rendered_again_minutes_later(
    client, letter, settings, monkeypatch
):
    approved_signature(letter)
    settings.PAGE_CACHE_SECONDS = 0  # every request asks for the stamp
    first = client.get(LETTER_URL)
    # Ten minutes on this worker's clock, and nothing written.
    later = page_cache.time.monotonic() + 600
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)

    again = client.get(LETTER_URL)

    # The same stored page, sent without rendering any template.
    assert first.templates
    assert again.templates == []
    assert again.content == first.content


@pytest.mark.django_db
def test_the_printed_on_date_turns_at_midnight_without_any_write(
    client, letter, settings, time_machine
):
    approved_signature(letter)
    settings.PAGE_CACHE_SECONDS = 0
    conference_zone = page_cache.timezone.get_current_timezone()
    time_machine.move_to(datetime.datetime(2026, 12, 1, 23, 59, tzinfo=conference_zone))
    assert "printed December 1, 2026" in client.get(LETTER_URL).text
    assert "printed December 1, 2026" in client.get(LETTER_URL, {"q": "a"}).text

    time_machine.shift(datetime.timedelta(minutes=2))

    assert "printed December 2, 2026" in client.get(LETTER_URL).text
    assert "printed December 2, 2026" in client.get(LETTER_URL, {"q": "a"}).text
