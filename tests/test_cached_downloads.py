"""The print view and the CSV and JSON downloads: cached with the page, sent compressed.

They are the cheapest way to load a server that renders them on every request,
so each worker keeps them like the letter page (``page_cache.cached_page``):
the same stamp, the same invalidation, the same pre-compressed encodings.
"""

import gzip

import brotli
import pytest
from django.urls import reverse

from signon import page_cache

from .conftest import admin_action, approved_signature, make_signature

DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}
SLUG = "immigration-reform"
DOWNLOADS = {
    "print": (reverse("signon:letter-print", kwargs={"slug": SLUG}), "text/html; charset=utf-8"),
    "csv": (reverse("signon:signatories-csv", kwargs={"slug": SLUG}), "text/csv; charset=utf-8"),
    "json": (reverse("signon:signatories-json", kwargs={"slug": SLUG}), "application/json"),
}


@pytest.fixture
def listed_cities(letter):
    for i, city in enumerate(["Austin", "Boise", "Dayton", "Eugene", "Fresno", "Tulsa"]):
        approved_signature(letter, mayor_last_name=f"Mayor{i}", city=city, state="TX")
    return letter


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOWNLOADS)
def test_a_second_download_is_served_from_the_workers_memory(
    client, listed_cities, kind, django_assert_num_queries
):
    url, content_type = DOWNLOADS[kind]
    first = client.get(url)
    assert first.status_code == 200
    # Only the stamp's one question (the suite checks it on every request), no render.
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == content_type
    assert again["ETag"] == first["ETag"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_cached_download_keeps_its_file_name(client, listed_cities, kind):
    url, _ = DOWNLOADS[kind]
    for _ in range(3):  # a miss, the view's hit, the middleware's fast hit
        response = client.get(url)
        assert response["Content-Disposition"] == (
            f'attachment; filename="{SLUG}-signatories.{kind}"'
        )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOWNLOADS)
@pytest.mark.parametrize("accept", ["br", "gzip", "gzip, deflate, br"])
def test_each_download_is_sent_compressed_when_the_client_accepts_it(
    client, listed_cities, kind, accept
):
    url, _ = DOWNLOADS[kind]
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    packed = client.get(url, headers={"accept-encoding": accept})
    assert packed["Content-Encoding"] in accept
    assert packed["Vary"] == "Accept-Encoding"
    assert DECODERS[packed["Content-Encoding"]](packed.content) == plain.content


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOWNLOADS)
def test_with_the_cache_off_a_download_is_still_compressed(client, listed_cities, settings, kind):
    settings.PAGE_CACHE = False
    url, _ = DOWNLOADS[kind]
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Austin" in gzip.decompress(packed.content).decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOWNLOADS)
def test_an_approval_shows_in_every_download_on_the_next_request(staff_client, listed_cities, kind):
    url, _ = DOWNLOADS[kind]
    signature = make_signature(listed_cities, mayor_first_name="Rosa", city="Tucson", state="AZ")
    assert "Tucson" not in staff_client.get(url).content.decode()
    admin_action(staff_client, "approve_selected", signature, apply="Approve")
    assert "Tucson" in staff_client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOWNLOADS)
def test_a_query_string_makes_no_new_download(client, listed_cities, kind):
    url, _ = DOWNLOADS[kind]
    first = client.get(url)
    for params in ({"x": "1"}, {"q": "austin"}, {"state": "OH"}):
        assert client.get(url, params).content == first.content
    assert page_cache.held_pages() == {"bare": [(url, "", "")], "filtered": []}


@pytest.mark.django_db
def test_the_json_names_the_site_address_whatever_the_host(client, listed_cities, settings):
    settings.SITE_URL = "https://letters.usmayors.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    url, _ = DOWNLOADS["json"]
    assert b"evil.example" not in client.get(url, HTTP_HOST="evil.example").content
    assert b"https://letters.usmayors.example/letters/" in client.get(url).content
