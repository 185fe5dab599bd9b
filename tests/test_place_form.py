"""The sign-on form and places: "Did you mean …?" once, the city suggestions per state."""

import gzip

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})


def suggestions_url(state: str) -> str:
    return reverse("places:suggestions", args=[state])


def test_a_city_close_to_a_place_is_asked_about_once_and_nothing_is_saved_yet(client, places):
    response = client.post(SIGN_URL, form_data(city="Sante Fe", state="NM"))
    assert response.status_code == 200
    assert "Did you mean Santa Fe?" in response.text
    assert 'name="city_checked" value="NM:sante fe"' in response.text
    assert 'value="Sante Fe"' in response.text  # what was typed is kept
    assert not Signature.objects.exists()


def test_the_signer_may_keep_what_they_typed_by_sending_it_again(client, places):
    client.post(SIGN_URL, form_data(city="Sante Fe", state="NM"))
    response = client.post(
        SIGN_URL, form_data(city="Sante Fe", state="NM", city_checked="NM:sante fe")
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.city, signature.matched_place) == ("Sante Fe", None)


def test_correcting_the_city_saves_it_with_its_place(client, places):
    client.post(SIGN_URL, form_data(city="Sante Fe", state="NM"))
    response = client.post(
        SIGN_URL, form_data(city="Santa Fe", state="NM", city_checked="NM:sante fe")
    )
    assert response.status_code == 302
    assert str(Signature.objects.get().matched_place) == "Santa Fe, NM"


def test_another_close_city_is_asked_about_again(client, places):
    response = client.post(
        SIGN_URL, form_data(city="Nashvile", state="TN", city_checked="NM:sante fe")
    )
    assert "Did you mean Nashville?" in response.text
    assert not Signature.objects.exists()


@pytest.mark.parametrize(("city", "state"), [("Gotham", "NY"), ("Coeur d'Alene", "ID")])
def test_a_real_or_made_up_city_with_no_close_candidate_is_accepted_at_once(
    client, places, city, state
):
    response = client.post(SIGN_URL, form_data(city=city, state=state))
    assert response.status_code == 302
    assert Signature.objects.get().city == city


def test_the_form_works_without_javascript_and_suggests_nothing_in_its_html(client, places):
    page = client.get(SIGN_URL).text
    # The suggestions list is added by the script; the field itself is a plain text box.
    assert "<datalist" not in page and 'list="' not in page
    assert 'data-places-url="/places/STATE.json"' in page
    assert "/static/js/city-suggestions." in page
    assert client.post(SIGN_URL, form_data(city="Springfield", state="IL")).status_code == 302


def test_the_suggestions_are_the_states_places_largest_first(client, places):
    response = client.get(suggestions_url("TX"))
    names = response.json()["places"]
    assert names[:3] == ["Houston", "San Antonio", "Dallas"]
    assert len(names) == len(set(names)) > 1000
    assert client.get(suggestions_url("PR")).json()["places"][0] == "San Juan"


def test_the_suggestions_are_small_gzipped_and_cacheable(client, places):
    # Pennsylvania has the most places (1,478).
    response = client.get(suggestions_url("PA"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 12_000
    assert len(gzip.decompress(response.content)) < 30_000
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]


def test_the_suggestions_are_read_from_the_database_once(client, places, django_assert_num_queries):
    client.get(suggestions_url("MO"))
    with django_assert_num_queries(0):
        assert client.get(suggestions_url("MO")).status_code == 200


@pytest.mark.parametrize("state", ["ON", "tx", "XX"])
def test_an_unknown_state_has_no_suggestions(client, places, state):
    assert client.get(suggestions_url(state)).status_code == 404


@pytest.mark.parametrize(
    ("typed", "state", "saved"),
    [
        ("austin", "TX", "Austin"),
        ("SAINT LOUIS", "MO", "St. Louis"),
        ("winston-salem", "NC", "Winston-Salem"),
        # The office's own mixed case is kept, even where the data spells it otherwise.
        ("Saint Louis", "MO", "Saint Louis"),
        # No place by that name: kept as typed.
        ("gotham", "NY", "gotham"),
    ],
)
def test_a_city_typed_all_lower_or_upper_case_takes_its_places_spelling(
    client, places, typed, state, saved
):
    response = client.post(SIGN_URL, form_data(city=typed, state=state))
    assert response.status_code == 302
    assert Signature.objects.get().city == saved
    thanks = client.get(response["Location"]).text
    assert f"of {saved}, {state} to" in thanks


def test_a_sign_on_looks_its_place_up_once(client, places, monkeypatch):
    from places import matching

    calls = []
    find = matching.find
    monkeypatch.setattr(matching, "find", lambda *args: calls.append(args) or find(*args))
    assert client.post(SIGN_URL, form_data(city="Austin", state="TX")).status_code == 302
    assert calls == [("Austin", "TX")]
    assert Signature.objects.get().matched_place.name == "Austin"
