"""Property-based tests: whatever text arrives, the form answers with a result or a field error."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from places import normalize
from places.states import State
from signon.forms import SignatureForm

from .conftest import form_data

FIELDS = [
    "mayor_first_name", "mayor_last_name", "city", "state",
    "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
]  # fmt: skip

# Any Unicode text, surrogates and all, plus text built from the characters
# that matter most here: look-alikes, marks, controls, markup, digits.
tricky = st.text(
    alphabet=st.sampled_from(
        [*"AaSsZz09 .,'’-()&/<>{}%\"\\:;=+@#",
         "\u0430", "\u0441", "\u03bf", "\u02bb", "\u0301", "\u202e", "\u200b", "\x00", "\t",
         "\n", "\ufeff", "ﬁ", "Ａ", "é", "ß", "İ", "\U0001f600"]
    ),
    max_size=120,
)  # fmt: skip
anything = st.one_of(st.text(max_size=300), tricky)
hypothesis_settings = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(form: SignatureForm) -> None:
    """Valid with clean data, or invalid with a message on a named field."""
    if form.is_valid():
        data = form.cleaned_data
        assert data["state"] in State.values
        assert data["contact_phone"].startswith("+")
        for name in ("mayor_first_name", "mayor_last_name", "city"):
            assert data[name] == data[name].strip() and len(data[name]) <= 100
            assert normalize.clean_text(data[name]) == data[name]  # cleaning is stable
        key = normalize.office_key(data["city"], data["state"])
        assert key.startswith(f"{data['state']}:")
        assert len(key) <= normalize.OFFICE_KEY_MAX_LENGTH  # fits its column
    else:
        assert form.errors
        for field, messages in form.errors.items():
            assert field in FIELDS or field == "__all__"
            assert all(isinstance(m, str) and m for m in messages)


@pytest.mark.django_db
@hypothesis_settings
@given(field=st.sampled_from(FIELDS), value=anything)
def test_any_text_in_one_field_gives_a_result_or_a_field_error(letter, field, value):
    check(SignatureForm(form_data(**{field: value}), letter=letter))


@pytest.mark.django_db
@hypothesis_settings
@given(values=st.fixed_dictionaries({field: anything for field in FIELDS}))
def test_any_text_in_every_field_gives_a_result_or_field_errors(letter, values):
    check(SignatureForm(values, letter=letter))


# Mostly acceptable city names, with the letters that fold, case and decompose
# differently: most examples are accepted, so the property is really checked.
city_like = st.text(
    alphabet=st.sampled_from(
        [*"AaSsZzIiLl .'-", "é", "ß", "İ", "ı", "ɡ", "\u02bb", "ﬁ", "Ａ", "\u0301", "\t"]
    ),
    min_size=1,
    max_size=60,
)  # fmt: skip


@pytest.mark.django_db
@hypothesis_settings
@given(city=city_like, state=st.sampled_from(State.values))
def test_an_accepted_city_keys_the_same_however_it_is_cased_or_spaced(letter, city, state):
    form = SignatureForm(form_data(city=city, state=state), letter=letter)
    # Not a silent return: too many rejected examples fail the test (a health check).
    assume(form.is_valid())
    clean = form.cleaned_data["city"]
    variants = [clean.upper(), clean.lower(), f"  {clean}  ", clean.replace(" ", "  ")]
    for variant in variants:
        again = SignatureForm(form_data(city=variant, state=state), letter=letter)
        # A variant is refused only for its length ("ß" upper-cases to "SS").
        if not again.is_valid():
            assert [e.code for e in again.errors.as_data()["city"]] == ["max_length"], (
                variant,
                again.errors,
            )
            assert len(variant) > 100
            continue
        assert normalize.office_key(again.cleaned_data["city"], state) == (
            normalize.office_key(clean, state)
        )


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.fixed_dictionaries({field: anything for field in FIELDS}))
def test_any_post_to_the_view_answers_200_or_302_never_500(client, letter, values):
    from django.urls import reverse

    response = client.post(reverse("signon:sign", kwargs={"slug": letter.slug}), values)
    assert response.status_code in (200, 302)
