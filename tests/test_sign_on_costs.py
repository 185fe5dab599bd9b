"""What a sign-on costs: the blank form's fields rendered once per letter version, the state
picker once per value, no session written on a GET, no query a sign-on does not need.

The picker's 57 options went through a template each on every form load (about
half the form's render); then the whole crispy layout was rendered for every
visitor (about 9 ms of a 10 ms form load). A session is saved only when a
sign-on has something to remember. No timing assertions: ``make bench`` has the
sign-on figures.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.forms.widgets import ChoiceWidget
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signon import forms as signon_forms
from signon.forms import SignatureForm, StateSelect
from signon.models import Signature

from .conftest import SIGNER, form_data, make_signature

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@pytest.fixture
def layouts_rendered(monkeypatch):
    """How many times the sign-on form's crispy layout was rendered."""
    calls = []
    original = signon_forms.render_crispy_form

    def counted(form, *args, **kwargs):
        calls.append(form.is_bound)
        return original(form, *args, **kwargs)

    monkeypatch.setattr(signon_forms, "render_crispy_form", counted)
    SignatureForm._blank_html.clear()
    return calls


@pytest.fixture
def option_groups_built(monkeypatch):
    """How many times a choice widget built its options (the costly part)."""
    calls = []
    original = ChoiceWidget.optgroups

    def counted(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ChoiceWidget, "optgroups", counted)
    StateSelect._rendered.clear()
    return calls


@pytest.mark.django_db
def test_a_second_blank_form_reuses_the_state_pickers_markup(letter, option_groups_built):
    first = str(SignatureForm(letter=letter)["state"])
    second = str(SignatureForm(letter=letter)["state"])
    assert second == first
    assert option_groups_built == ["state"]
    assert '<option value="" selected>Choose a state or territory</option>' in first


@pytest.mark.django_db
def test_the_picker_shows_each_forms_own_choice_and_errors(letter, option_groups_built):
    blank = str(SignatureForm(letter=letter)["state"])
    texas = SignatureForm(form_data(state="TX"), letter=letter)
    texas.is_valid()
    wrong = SignatureForm(form_data(state="ZZ"), letter=letter)
    wrong.is_valid()
    assert '<option value="TX" selected>' in str(texas["state"])
    assert '<option value="TX" selected>' not in blank
    assert "aria-invalid" in str(wrong["state"])
    assert "aria-invalid" not in str(texas["state"])
    assert str(SignatureForm(letter=letter)["state"]) == blank


@pytest.mark.django_db
def test_the_sign_page_still_offers_every_state(client, letter):
    page = client.get(reverse("signon:sign", kwargs={"slug": letter.slug})).text
    assert '<option value="WY">Wyoming</option>' in page
    assert '<option value="PR">Puerto Rico</option>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["signon:letter", "signon:sign", "signon:letter-print", "signon:signatories-json"]
)
def test_a_visitors_get_writes_no_session(client, letter, name):
    url = reverse(name, kwargs={"slug": letter.slug})
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_sign_on_saves_its_session_once_and_the_thanks_page_does_not_again(client, letter):
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    client.get(sign)
    assert client.post(sign, form_data()).status_code == 302
    assert Session.objects.count() == 1
    stored = Session.objects.get().expire_date
    thanks = client.get(reverse("signon:thanks", kwargs={"slug": letter.slug}))
    assert "sessionid" not in thanks.cookies
    assert Session.objects.get().expire_date == stored


def hidden_inputs(page: str) -> dict[str, str]:
    return dict(HIDDEN.findall(page))


@pytest.mark.django_db
def test_blank_forms_share_their_fields_but_each_gets_its_own_stamp_and_token(
    letter, layouts_rendered
):
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    first, second = (Client().get(sign).text for _ in range(2))
    assert layouts_rendered == [False]
    one, two = hidden_inputs(first), hidden_inputs(second)
    assert one["started"] != two["started"]
    assert one["csrfmiddlewaretoken"] != two["csrfmiddlewaretoken"]
    assert one["version"] == two["version"] == "1"
    for label in ("Mayor’s First Name", "City", "E-Mail Address", "Phone"):
        assert label in first and label in second


@pytest.mark.django_db
def test_each_kept_form_is_sent_once_with_its_own_stamp(letter, layouts_rendered):
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    for city in ("Springfield", "Peoria"):
        browser = Client(enforce_csrf_checks=True)
        fields = hidden_inputs(browser.get(sign).text)
        response = browser.post(sign, form_data(**fields, city=city))
        assert response.status_code == 302
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 2
    assert Signature.objects.filter(held_reason="").count() == 2


@pytest.mark.django_db
def test_a_new_text_version_gets_a_form_carrying_its_number(client, letter, layouts_rendered):
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    assert hidden_inputs(client.get(sign).text)["version"] == "1"
    Signature.objects.create(
        letter=letter, letter_version=letter.current_version, mayor_first_name="A",
        mayor_last_name="B", city="Austin", state="TX", contact_first_name="C",
        contact_last_name="D", contact_email="c@austintexas.gov", contact_phone="+12025550143",
    )  # fmt: skip
    letter.body += "\n\nA sentence added after a signature."
    letter.save()
    assert hidden_inputs(client.get(sign).text)["version"] == "2"
    assert layouts_rendered == [False, False]


@pytest.mark.django_db
def test_a_form_sent_back_with_errors_shows_what_was_typed(client, letter, layouts_rendered):
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    client.get(sign)
    page = client.post(sign, form_data(mayor_first_name="Grace", contact_phone="12")).text
    assert 'value="Grace"' in page
    assert "Enter a phone number we can call" in page
    assert layouts_rendered == [False, True]


def sign_on_queries(letter, **typed) -> CaptureQueriesContext:
    """The queries of one sign-on's post, sent as a browser sends the form it loaded."""
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    browser = Client(enforce_csrf_checks=True)
    fields = hidden_inputs(browser.get(sign).text)
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(sign, form_data(**fields, **typed))
    assert response.status_code == 302
    return queries


@pytest.mark.django_db
def test_a_sign_on_asks_only_what_it_needs(letter, places):
    """A sign-on for a city on file: the letter with its current version's number (one
    query), whether the office is taken, its place; then the row, its mail and the
    session are written. No question whether the form was sent before (its unique id
    answers that on insert) and none whether a new session key is taken."""
    queries = sign_on_queries(letter, city="Springfield", state="IL")
    statements = [
        q["sql"].split(" WHERE ")[0] for q in queries.captured_queries
        if q["sql"].startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))
    ]  # fmt: skip
    tables = [re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql).group(1) for sql in statements]
    assert tables == [
        "letters_letter", "signon_signature", "places_place", "signon_signature",
        "django_tasks_database_dbtaskresult", "django_session",
    ]  # fmt: skip
    assert [sql.split()[0] for sql in statements][-3:] == ["INSERT", "INSERT", "INSERT"]


@pytest.mark.django_db
def test_a_city_on_no_list_is_looked_for_by_name_and_other_names_at_once(letter, places):
    queries = sign_on_queries(letter, city="Zzyzxville", state="IL")
    looked_up = [
        q["sql"] for q in queries.captured_queries
        if '"places_place"' in q["sql"] and "'IL:zzyzxville'" in q["sql"]
    ]  # fmt: skip
    assert len(looked_up) == 1
    assert '"places_placealias"' in looked_up[0]


@pytest.mark.django_db
def test_each_public_form_carries_one_csrf_token(letter):
    """The sign-on page writes its token itself (its fields are kept); the question form's
    token still comes from crispy."""
    browser = Client(enforce_csrf_checks=True)
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    Signature.objects.create(
        letter=letter, letter_version=letter.current_version, mayor_first_name="A",
        mayor_last_name="B", city="Springfield", state="IL", contact_first_name="C",
        contact_last_name="D", contact_email="c@example.gov", contact_phone="+12025550143",
        status=Signature.Status.APPROVED,
    )  # fmt: skip
    fields = hidden_inputs(browser.get(sign).text)
    duplicate = browser.post(sign, form_data(**fields)).text
    assert duplicate.count('name="csrfmiddlewaretoken"') == 1
    ask = browser.get(reverse("signon:ask", kwargs={"slug": letter.slug})).text
    assert ask.count('name="csrfmiddlewaretoken"') == 1
    token = hidden_inputs(ask)["csrfmiddlewaretoken"]
    sent = browser.post(
        reverse("signon:ask", kwargs={"slug": letter.slug}),
        {"csrfmiddlewaretoken": token, "asker_name": "Jordan Clerk",
         "asker_email": "jordan@springfield.gov", "message": "We have a new mayor."},
    )  # fmt: skip
    assert sent.status_code == 302


@pytest.fixture
def status_checks_built(monkeypatch):
    """Each time the status check constraint was validated (built as a query)."""
    calls = []
    check = next(c for c in Signature._meta.constraints if c.name == "signature_status_valid")
    original = type(check).validate

    def counted(self, model, instance, exclude=None, **kwargs):
        if self is check:
            calls.append(set(exclude or ()))
        return original(self, model, instance, exclude=exclude, **kwargs)

    monkeypatch.setattr(type(check), "validate", counted)
    return calls


@pytest.mark.django_db
def test_a_sign_on_does_not_build_the_status_check_its_form_cannot_make(
    letter, places, status_checks_built
):
    """The form has no status: Django would build the check's query and drop it."""
    sign_on_queries(letter, city="Springfield", state="IL")
    assert status_checks_built == []
    assert Signature.objects.get(city="Springfield").status == Signature.Status.PENDING


def constraint_errors(validate) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        validate()
    return {
        field: [str(e.message) for e in errors]
        for field, errors in refused.value.error_dict.items()
    }


@pytest.mark.django_db
def test_constraints_on_validated_fields_are_checked_as_django_checks_them(
    letter, status_checks_built
):
    """Staff's full validation still meets each constraint, with Django's own errors."""
    made = make_signature(letter, form_nonce="n-1")
    refused = [
        Signature(**{**SIGNER, "letter": letter, "status": "bogus", "form_nonce": "n-2"}),
        Signature(**{**SIGNER, "letter": letter, "form_nonce": made.form_nonce}),
        Signature(**{**SIGNER, "letter": letter, "office_key": made.office_key}),
    ]
    refused[1].office_key = "IL:elsewhere"
    errors = []
    for signature in refused:
        errors.append(constraint_errors(signature.validate_constraints))
        assert errors[-1] == constraint_errors(lambda s=signature: Model.validate_constraints(s))
    assert "signature_status_valid" in str(errors[0])
    # Ours, then Django's, for each of the three: the status check built every time.
    assert len(status_checks_built) == 6
