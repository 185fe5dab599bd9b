"""The share card: a 1200×630 PNG per letter, pointed at by the page's og:image."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from signon.share_card import card_key, render_card

from .conftest import approved_signature

CARD_URL = reverse("signon:share-card", kwargs={"slug": "immigration-reform"})
LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})


def image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


@pytest.mark.django_db
def test_the_card_is_a_1200_by_630_png(client, letter):
    response = client.get(CARD_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    card = image(response.content)
    assert (card.format, card.size) == ("PNG", (1200, 630))


@pytest.mark.django_db
def test_the_card_changes_when_a_mayor_is_approved(client, letter):
    before = client.get(CARD_URL).content
    assert client.get(CARD_URL).content == before  # cached, and stable
    approved_signature(letter)
    after = client.get(CARD_URL).content
    assert after != before
    assert image(after).size == (1200, 630)


def test_the_population_line_is_drawn_only_when_known():
    title = "A letter to Congress"
    without = render_card(title, 12)
    assert render_card(title, 12, population=None) == without
    assert render_card(title, 12, population=2_345_678) != without


def test_a_very_long_title_still_fits_the_card():
    card = image(render_card("Immigration reform now " * 20, 1400, population=45_000_000))
    assert card.size == (1200, 630)


@pytest.mark.django_db
def test_the_letter_page_points_previews_at_its_card_with_the_count_in_the_address(
    client, letter, settings
):
    approved_signature(letter)
    page = client.get(LETTER_URL)
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', page.text).group(1)
    assert og_image == f"{settings.SITE_URL}{CARD_URL}?n=1"
    assert '<meta name="twitter:card" content="summary_large_image">' in page.text


@pytest.mark.django_db
def test_the_cards_address_changes_when_a_place_is_corrected_too(client, letter, settings):
    from places.models import Place

    springfield = Place.objects.create(
        name="Springfield", state="IL", population=114_394, source="geonames", source_id="1"
    )
    approved_signature(letter)  # Springfield, IL

    def og_image() -> str:
        page = client.get(LETTER_URL).text
        return re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)

    assert og_image() == f"{settings.SITE_URL}{CARD_URL}?n=1&amp;p=114394"
    springfield.population = 120_000  # a staff correction: the card's line changes
    springfield.save()
    assert og_image() == f"{settings.SITE_URL}{CARD_URL}?n=1&amp;p=120000"


@pytest.mark.django_db
def test_a_draft_letter_has_no_card(client, letter):
    letter.status = "draft"
    letter.save()
    assert client.get(CARD_URL).status_code == 404


@pytest.mark.django_db
def test_the_card_is_drawn_once_per_count_then_read_from_the_cache(client, letter):
    client.get(CARD_URL)
    assert cache.get(card_key(letter, 0, None)) is not None
    approved_signature(letter)
    assert cache.get(card_key(letter, 1, None)) is None
    client.get(CARD_URL)
    assert cache.get(card_key(letter, 1, None)) is not None


@pytest.mark.django_db
def test_under_embargo_the_card_shows_no_count(client, letter):
    letter.list_published_at = timezone.now() + datetime.timedelta(days=3)
    letter.save()
    approved_signature(letter)
    assert client.get(CARD_URL).content == render_card(letter.title, 0)


@pytest.mark.django_db
def test_the_card_gives_the_population_the_listed_mayors_cities_hold(letter):
    from places.models import Place
    from signon.share_card import card_population

    Place.objects.create(
        name="Springfield", state="IL", population=114_394, source="geonames", source_id="1"
    )
    assert card_population(letter) is None  # nobody listed: no line at all
    approved_signature(letter)  # Springfield, IL
    approve_unmatched = approved_signature(letter, city="Nowhereville", state="IL")
    assert approve_unmatched.matched_place is None
    assert card_population(letter) == 114_394
    letter.list_published_at = timezone.now() + datetime.timedelta(days=3)
    assert card_population(letter) is None  # under embargo the card says nothing
