"""The review desk's place signals: the matched place, its population, the filters,
and staff correcting a match."""

import pytest

from places.models import Place
from signon.models import Signature

from .conftest import CHANGELIST, admin_action, make_signature
from .test_admin_signatures import admin_data, change_page


@pytest.fixture
def three_cities(places, letter):
    return {
        "st_louis": make_signature(letter, city="St. Louis", state="MO"),
        "small": make_signature(letter, city="Saint Louis", state="MI"),
        "typo": make_signature(letter, city="Sante Fe", state="NM"),
        "made_up": make_signature(letter, city="Gotham", state="NY"),
    }


def cities_listed(client, **params) -> set[str]:
    page = client.get(CHANGELIST, params)
    assert page.status_code == 200
    return {signature.city for signature in page.context["cl"].result_list}


def test_the_changelist_shows_each_place_with_its_population_or_what_is_wrong(
    staff_client, three_cities
):
    page = staff_client.get(CHANGELIST).content.decode()
    assert "St. Louis, MO" in page and "pop. 279,695 · member size" in page
    assert "pop. 7,482" in page
    assert "Did you mean Santa Fe, NM (pop. 87,505)?" in page
    assert page.count("Not found.") == 2  # the typo and the made-up city


def test_the_member_size_filter_lists_cities_of_30000_or_more(staff_client, three_cities):
    assert cities_listed(staff_client, place="member") == {"St. Louis"}


def test_the_no_matching_place_filter_lists_the_unmatched(staff_client, three_cities):
    assert cities_listed(staff_client, place="none") == {"Sante Fe", "Gotham"}


def test_staff_correct_the_match_among_the_places_of_that_state(staff_client, three_cities):
    signature = three_cities["typo"]
    santa_fe = Place.objects.get(name="Santa Fe", state="NM")
    page = staff_client.get(change_page(signature))
    assert f'<option value="{santa_fe.pk}">Santa Fe (pop. 87,505)</option>' in page.content.decode()

    response = staff_client.post(
        change_page(signature), admin_data(signature, matched_place=santa_fe.pk)
    )

    assert response.status_code == 302
    signature.refresh_from_db()
    assert (signature.city, signature.matched_place) == ("Sante Fe", santa_fe)


def test_a_place_of_another_state_is_refused(staff_client, three_cities):
    signature = three_cities["typo"]
    austin = Place.objects.get(name="Austin", state="TX")
    response = staff_client.post(
        change_page(signature), admin_data(signature, matched_place=austin.pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    signature.refresh_from_db()
    assert signature.matched_place is None


def test_changing_the_city_in_admin_finds_the_new_place(staff_client, three_cities):
    signature = three_cities["made_up"]
    response = staff_client.post(change_page(signature), admin_data(signature, city="Albany"))
    assert response.status_code == 302
    signature.refresh_from_db()
    assert str(signature.matched_place) == "Albany, NY"


def test_a_staff_choice_made_with_a_new_city_is_kept(staff_client, three_cities):
    signature = three_cities["made_up"]
    yonkers = Place.objects.get(name="Yonkers", state="NY")
    response = staff_client.post(
        change_page(signature), admin_data(signature, city="Albany", matched_place=yonkers.pk)
    )
    assert response.status_code == 302
    assert Signature.objects.get(pk=signature.pk).matched_place == yonkers


def test_actions_that_lock_rows_work_beside_the_place_column(reviewer_client, three_cities):
    # The matched place is prefetched: FOR UPDATE is refused beside an outer join.
    response = admin_action(
        reviewer_client, "resend_confirmation", three_cities["st_louis"], follow=True
    )
    assert response.status_code == 200
    response = admin_action(
        reviewer_client, "approve_selected", three_cities["st_louis"], apply="Approve"
    )
    assert response.status_code == 302
    assert Signature.objects.get(pk=three_cities["st_louis"].pk).status == "approved"


def test_conference_staff_may_look_places_up_but_not_change_them(reviewer_client, places):
    from django.urls import reverse

    listed = reviewer_client.get(reverse("admin:places_place_changelist"), {"q": "Coeur"})
    assert listed.status_code == 200
    assert "Coeur d’Alene" in listed.text or "Coeur d&#x27;Alene" in listed.text
    place = Place.objects.get(name__startswith="Coeur", state="ID")
    page = reviewer_client.get(reverse("admin:places_place_change", args=[place.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # a view-only page
