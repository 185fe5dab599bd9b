"""What a sign-on costs: the state picker rendered once per value, no session written on a GET.

The picker's 57 options went through a template each on every form load (about
half the form's render). A session is saved only when a sign-on has something
to remember. No timing assertions: ``make bench`` has the sign-on figures.
"""

import pytest
from django.contrib.sessions.models import Session
from django.forms.widgets import ChoiceWidget
from django.urls import reverse

from signon.forms import SignatureForm, StateSelect

from .conftest import form_data


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
