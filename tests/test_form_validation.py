"""The sign-on form, as a table of what real offices type and what must be refused."""

import pytest

from signon.forms import SignatureForm

from .conftest import form_data

REAL_NAMES_AND_PLACES = [
    "Coeur d'Alene", "O’Fallon", "Winston-Salem", "St. Louis", "Peñasco", "Mayagüez",
    "Ste. Genevieve", "Lynn-Marie", "José",
]  # fmt: skip

TEXT_FIELDS = [
    "mayor_first_name", "mayor_last_name", "city", "contact_first_name", "contact_last_name",
]  # fmt: skip


def validate(letter, **fields) -> SignatureForm:
    form = SignatureForm(form_data(**fields), letter=letter)
    form.is_valid()
    return form


@pytest.mark.django_db
@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("value", REAL_NAMES_AND_PLACES)
def test_it_accepts_real_names_and_places(letter, field, value):
    form = validate(letter, **{field: value})
    assert form.errors == {}
    assert form.cleaned_data[field] == value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("  Kansas   City ", "Kansas City"),
        ("Kansas\tCity\n", "Kansas City"),
        ("Ｓａｎｔａ Ｆｅ", "Santa Fe"),  # full-width letters, NFKC
        ("Jose\u0301", "José"),  # combining accent composes
    ],
)
def test_it_trims_collapses_and_normalizes_text(letter, typed, cleaned):
    form = validate(letter, city=typed)
    assert form.errors == {}
    assert form.cleaned_data["city"] == cleaned


BAD_TEXT = [
    ("<b>Ada</b>", "“<” and “>” are not allowed"),
    ("Ada\x00", "control characters"),
    ("Ada\x07", "control characters"),
    ("\u202eogacihC", "invisible formatting characters"),
    ("Chi\u200bcago", "invisible formatting characters"),
    ("Chicаgo", "mixes letters from different alphabets"),  # Cyrillic а
    ("{{7*7}}", "is not allowed here"),
    ("javascript:alert(1)", "is not allowed here"),
    ("   ", "Enter"),
    ("A" * 101, "at most 100 characters (it has 101)"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(("value", "message"), BAD_TEXT)
def test_it_refuses_bad_text_with_a_message(letter, field, value, message):
    form = validate(letter, **{field: value})
    assert field in form.errors
    assert message in " ".join(form.errors[field])


@pytest.mark.django_db
def test_every_field_is_required_with_its_own_message(letter):
    form = SignatureForm({}, letter=letter)
    assert not form.is_valid()
    assert form.errors == {
        "mayor_first_name": ["Enter the mayor’s first name."],
        "mayor_last_name": ["Enter the mayor’s last name."],
        "city": ["Enter the city."],
        "state": ["Choose the state or territory."],
        "contact_first_name": ["Enter your first name."],
        "contact_last_name": ["Enter your last name."],
        "contact_email": ["Enter your e-mail address."],
        "contact_phone": ["Enter a phone number."],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["DC", "PR", "GU", "VI", "AS", "MP", "TX", "WY"])
def test_it_accepts_states_dc_and_territories(letter, code):
    assert validate(letter, state=code).errors == {}


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Texas", "tx", "XX", "FM", "PW", "MH", "AA", ""])
def test_it_refuses_anything_but_a_listed_code(letter, value):
    assert "state" in validate(letter, state=value).errors


@pytest.mark.django_db
def test_state_choices_are_the_50_states_dc_and_five_territories(letter):
    codes = [code for code, _ in SignatureForm(letter=letter).fields["state"].choices if code]
    assert len(codes) == 56
    assert {"DC", "AS", "GU", "MP", "PR", "VI"} <= set(codes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "e164", "extension"),
    [
        ("(202) 555-0143", "+12025550143", ""),
        ("202-555-0143", "+12025550143", ""),
        ("202.555.0143", "+12025550143", ""),
        ("2025550143", "+12025550143", ""),
        ("+1 202 555 0143", "+12025550143", ""),
        ("1-202-555-0143", "+12025550143", ""),
        ("(202) 555-0143 ext. 12", "+12025550143", "12"),
        ("202-555-0143 x204", "+12025550143", "204"),
        ("(787) 724-7171", "+17877247171", ""),  # San Juan, PR
    ],
)
def test_it_stores_phone_numbers_as_e164(letter, typed, e164, extension):
    form = validate(letter, contact_phone=typed)
    assert form.errors == {}
    signature = form.save()
    signature.refresh_from_db()
    assert signature.contact_phone == e164
    assert signature.contact_phone_extension == extension


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["555-1234", "123", "not a number", "(000) 000-0000", "+1 999"])
def test_it_refuses_phone_numbers_that_are_not_real(letter, typed):
    form = validate(letter, contact_phone=typed)
    assert form.errors["contact_phone"] == [
        "Enter a phone number we can call, e.g. (202) 555-0143 or +1 202 555 0143 x12."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["chris", "chris@", "@city.gov", "chris@city", "a b@city.gov"])
def test_it_refuses_malformed_email(letter, typed):
    form = validate(letter, contact_email=typed)
    assert form.errors["contact_email"] == ["Enter an e-mail address like name@cityname.gov."]


@pytest.mark.django_db
def test_it_lowercases_the_email_domain_only(letter):
    form = validate(letter, contact_email="Chris.Aide@SpringField.IL.GOV")
    assert form.cleaned_data["contact_email"] == "Chris.Aide@springfield.il.gov"


@pytest.mark.django_db
def test_the_labels_are_the_clients_word_for_word(letter):
    labels = [field.label for field in SignatureForm(letter=letter).visible_fields()]
    assert labels == [
        "Mayor’s First Name", "Mayor’s Last Name", "City", "State",
        "First Name", "Last Name", "E-Mail Address", "Phone",
    ]  # fmt: skip
