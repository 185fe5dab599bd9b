"""manage.py import_places: the conference's own file of places, checked row by row."""

import pytest
from django.core.management import CommandError, call_command

from places import matching
from places.models import Place

from .conftest import make_signature

GOOD = """id,name,state,population,aliases
usm-1,Gotham,NY,1200000,Gotham City|New Gotham
usm-2,Sante Fe,NM,,
"""


def write(tmp_path, text: str):
    path = tmp_path / "places.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_adds_its_places_and_the_cities_they_name_match(db, tmp_path, capsys):
    call_command("import_places", write(tmp_path, GOOD))

    gotham = Place.objects.get(source=Place.Source.CONFERENCE, source_id="usm-1")
    assert (gotham.name, gotham.state, gotham.population) == ("Gotham", "NY", 1_200_000)
    assert Place.objects.get(source_id="usm-2").population is None
    assert matching.match("gotham city", "NY").place == gotham
    assert "2 added" in capsys.readouterr().out


def test_importing_again_updates_by_id_and_links_waiting_signatures(db, letter, tmp_path):
    signature = make_signature(letter, city="New Gotham", state="NY")
    assert signature.matched_place is None
    call_command("import_places", write(tmp_path, GOOD))
    call_command("import_places", write(tmp_path, GOOD.replace("1200000", "1300000")))

    assert Place.objects.get(source_id="usm-1").population == 1_300_000
    assert Place.objects.filter(source=Place.Source.CONFERENCE).count() == 2
    signature.refresh_from_db()
    assert signature.matched_place.name == "Gotham"


def test_the_conference_file_wins_over_geonames_for_the_same_city(places, tmp_path):
    conference = "id,name,state,population\nx,Saint Louis,MO,300000\n"
    call_command("import_places", write(tmp_path, conference))
    assert matching.match("St. Louis", "MO").place.source == Place.Source.CONFERENCE


def test_a_bad_file_names_every_bad_row_and_saves_nothing(db, tmp_path, capsys):
    bad = (
        "id,name,state,population\n"
        "a,Gotham,NY,1000\n"
        "b,,NY,5\n"
        "c,Metropolis,ZZ,5\n"
        'd,Smallville,KS,"12,000"\n'
        "a,Gotham Again,NY,1\n"
        "e,<b>Star City</b>,CA,1\n"
    )
    with pytest.raises(CommandError, match=r"5 error\(s\).*nothing was saved"):
        call_command("import_places", write(tmp_path, bad))

    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == "Line 3: name is empty."
    assert errors[1].startswith("Line 4: state “ZZ” is not a USPS")
    assert errors[2].startswith("Line 5: population “12,000” is not a whole number")
    assert errors[3] == "Line 6: id a is also on line 2."
    assert errors[4].startswith("Line 7: name: Use letters only")
    assert not Place.objects.filter(source=Place.Source.CONFERENCE).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("name,state\nGotham,NY\n", "lacks the column(s) id"), ("", "lacks the column(s) id, name")],
)  # fmt: skip
def test_a_file_without_the_columns_says_which_are_missing(db, tmp_path, capsys, text, message):
    with pytest.raises(CommandError):
        call_command("import_places", write(tmp_path, text))
    assert message in capsys.readouterr().err


def test_a_missing_or_unreadable_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_places", tmp_path / "nope.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("id,name,state\n1,Mayagüez,PR\n".encode("latin-1"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_places", latin1)
