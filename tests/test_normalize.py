"""places.normalize: how names fold for search, and the office key (one live signature a city).

Inputs that used to make a 500 or slip past the one-per-city rule are here too.
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from places import normalize
from places.normalize import fold, office_key
from signon.models import OfficialDomain, Signature

from .conftest import form_data, make_signature


def test_office_keys_ignore_case_accents_spacing_and_abbreviations():
    assert office_key("saint louis ", "MO") == office_key("Saint Louis", "MO") == "MO:saint louis"
    assert office_key("St. Louis", "mo") == "MO:saint louis"
    assert office_key("Mayagüez", "PR") == "PR:mayaguez"
    assert office_key("Coeur d'Alene", "ID") == office_key("Coeur d’Alene", "ID")


def test_fold_keeps_different_places_apart():
    assert fold("Springfield") != fold("Springdale")
    assert fold("Fort Worth") == fold("Ft. Worth")
    assert fold("Mount Vernon") == fold("Mt Vernon")


def test_fold_can_keep_abbreviations_as_typed_for_a_search():
    assert fold("St. Mayagüez", expand_abbreviations=False) == "st mayaguez"
    assert fold("St. Mayagüez") == "saint mayaguez"


# ---------------------------------------------------------------- office keys in forms and admin
# Inputs that used to make a 500 or slip past the one-per-city rule.
#
# The office key always fits its column, whatever the city; letters that only
# look like others (Unicode's confusables data) fold to the letters they imitate.
SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
LONG_CITIES = ["ß" * 100, "St " * 33, "Ste " * 25, "ﷺ" * 5]


@pytest.mark.django_db
@pytest.mark.parametrize("city", LONG_CITIES)
def test_a_city_whose_key_folds_longer_than_its_column_is_no_500(client, letter, city):
    response = client.post(SIGN_URL, form_data(city=city))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        signature = Signature.objects.get()
        assert len(signature.office_key) <= normalize.OFFICE_KEY_MAX_LENGTH
        # Still one key per office: the same city again is the duplicate it is.
        again = Client().post(SIGN_URL, form_data(city=city, contact_email="other@x.gov"))
        assert again.status_code == 200
        assert "already on this letter" in again.text
        assert Signature.objects.count() == 1
    else:
        assert Signature.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("city", ["ß" * 100, "St " * 33])
def test_a_long_folding_city_saved_in_admin_is_no_500(staff_client, letter, city):
    response = staff_client.post(
        reverse("admin:signon_signature_add"),
        {"letter": letter.pk, "mayor_first_name": "Ada", "mayor_last_name": "Lovelace",
         "city": city, "state": "IL", "contact_first_name": "Chris",
         "contact_last_name": "Aide", "contact_email": "chris@x.gov",
         "contact_phone": "(217) 555-0143", "contact_phone_extension": "", "review_note": "",
         "_save": "Save"},
    )  # fmt: skip
    assert response.status_code == 302
    assert len(Signature.objects.get().office_key) <= normalize.OFFICE_KEY_MAX_LENGTH
    domain = OfficialDomain.objects.create(domain="x.gov", city=city, state="IL")
    assert domain.office_key == Signature.objects.get().office_key


def test_distinct_long_cities_keep_distinct_keys():
    assert normalize.office_key("ß" * 100, "IL") != normalize.office_key("ß" * 99 + "t", "IL")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookalike",
    [
        "Sprin\u0261field",  # LATIN SMALL LETTER SCRIPT G
        "Spr\u0131ngfield",  # LATIN SMALL LETTER DOTLESS I
        "SPR\u0130NGF\u0130ELD",  # capital dotted I, as Turkish keyboards type it
    ],
)
def test_a_latin_look_alike_cannot_sit_beside_a_live_city(client, letter, lookalike):
    make_signature(letter, city="Springfield", state="IL")
    response = client.post(SIGN_URL, form_data(city=lookalike, state="IL"))
    assert response.status_code == 200
    assert "already on this letter or under review" in response.text
    assert Signature.objects.filter(letter=letter).count() == 1


@pytest.mark.django_db
def test_a_cherokee_script_look_alike_is_refused(client, letter):
    # "DALLAS" in Cherokee letters (Ꭰ Ꭺ Ꮮ Ꮪ): no Latin letter in it at all.
    make_signature(letter, city="Dallas", state="TX")
    response = client.post(SIGN_URL, form_data(city="\u13a0\u13aa\u13de\u13de\u13aa\u13da"))
    assert response.status_code == 200
    assert "letters that only look Latin" in response.text
    assert Signature.objects.filter(letter=letter).count() == 1
    # And its office key is Dallas's, should it get past the form some other way.
    assert normalize.office_key("\u13a0\u13aa\u13de\u13de\u13aa\u13da", "TX") == "TX:dallas"


@pytest.mark.parametrize(
    ("city", "key"),
    [
        ("Springfield", "IL:springfield"),
        ("St. Louis", "IL:saint louis"),
        ("Pe\u00f1asco", "IL:penasco"),
        ("Kaua\u02bbi", "IL:kauai"),
        ("Coeur d'Alene", "IL:coeur dalene"),
    ],
)
def test_ordinary_names_keep_their_keys(city, key):
    assert normalize.office_key(city, "il") == key


def test_the_public_search_fold_is_unchanged_by_the_office_key():
    # The browser's search shares normalize.fold: look-alike folding is the key's alone.
    assert normalize.fold("Spr\u0131ngfield") == "spr\u0131ngfield"


@pytest.mark.django_db
def test_the_migration_recomputes_old_keys_and_never_breaks_the_one_live_rule(letter):
    recompute = importlib.import_module("signon.migrations.0010_office_keys").recompute
    springfield = make_signature(letter, city="Springfield", state="IL")
    lookalike = make_signature(letter, city="Peoria", state="IL", status="rejected")
    live_twin = make_signature(letter, city="Joliet", state="IL")
    # Saved before look-alikes folded, with the keys the old code gave them.
    Signature.objects.filter(pk=lookalike.pk).update(
        city="Spr\u0131ngfield", office_key="IL:spr\u0131ngfield"
    )
    Signature.objects.filter(pk=live_twin.pk).update(
        city="Sprin\u0261field", office_key="IL:sprin\u0261field"
    )

    recompute(apps, None)

    keys = dict(Signature.objects.values_list("pk", "office_key"))
    assert keys[springfield.pk] == "IL:springfield"
    assert keys[lookalike.pk] == "IL:springfield"  # rejected: no conflict
    assert keys[live_twin.pk] == "IL:sprin\u0261field"  # kept, for staff to decide
