"""Names and cities that only look like another: refused, and never a second office."""

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data, make_signature

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})

MIXED = "mixes letters from different alphabets"
LOOKALIKE = "letters that only look Latin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("city", "Chic\u0430go", MIXED),  # Cyrillic а
        ("city", "\u0421hicago", MIXED),  # Cyrillic С
        ("city", "Sp\u0440ingfield", MIXED),  # Cyrillic р
        ("city", "B\u03bfston", MIXED),  # Greek ο
        ("mayor_first_name", "J\u03bfhn", MIXED),  # Greek ο
        ("mayor_last_name", "Sm\u0456th", MIXED),  # Cyrillic і
        ("contact_first_name", "\u0410da", MIXED),  # Cyrillic А
        ("contact_last_name", "Ai\u0501e", MIXED),  # Cyrillic ԁ
        ("city", "\u0421\u043e\u0441\u043e\u0430", LOOKALIKE),  # "Cocoa", all Cyrillic
        ("mayor_last_name", "\u039a\u039f\u03a7", LOOKALIKE),  # "KOX", all Greek
    ],
)
def test_a_look_alike_is_refused_with_a_message(client, letter, field, value, message):
    response = client.post(SIGN_URL, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert Signature.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("lookalike", ["Chic\u0430go", "CHIC\u0410GO", "\u0421hicago"])
def test_a_look_alike_cannot_slip_past_the_one_per_office_rule(client, letter, lookalike):
    make_signature(letter, city="Chicago", state="IL")
    response = client.post(SIGN_URL, form_data(city=lookalike, state="IL"))
    assert response.status_code == 200
    assert Signature.objects.filter(letter=letter, state="IL").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("city", "state", "key"),
    [
        ("Kaua\u02bbi", "HI", "HI:kauai"),  # the ʻokina is not another alphabet
        ("\u02bbEwa Beach", "HI", "HI:ewa beach"),
        ("Mayag\u00fcez", "PR", "PR:mayaguez"),
        ("Espa\u00f1ola", "NM", "NM:espanola"),
    ],
)
def test_real_places_with_marks_are_accepted(client, letter, city, state, key):
    response = client.post(SIGN_URL, form_data(city=city, state=state))
    assert response.status_code == 302
    assert Signature.objects.get().office_key == key


@pytest.mark.django_db
def test_the_okina_and_an_apostrophe_are_the_same_office(client, letter):
    make_signature(letter, city="Kaua\u02bbi", state="HI")
    response = client.post(SIGN_URL, form_data(city="Kaua'i", state="HI"))
    assert response.status_code == 200
    assert "is already on this letter or under review" in response.text
    assert Signature.objects.count() == 1
