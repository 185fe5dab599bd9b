"""The blank sign-on page kept per letter stamp (signon/blank_form.py): the same page the
view renders, each visitor's own tokens, nothing read while the stamp holds, and a kept
page that went stale records nothing against the letter as it now stands."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from signon.forms import SignatureForm
from signon.models import Signature

from .conftest import conference_staff, form_data, log_in_with_device

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|started)" value=")[^"]+"')


def sign_url(letter: Letter) -> str:
    return reverse("signon:sign", kwargs={"slug": letter.slug})


def names(response) -> list[str]:
    return [template.name for template in response.templates]


def without_tokens(page: bytes) -> str:
    return TOKENS.sub(r'\1…"', page.decode())


@pytest.mark.django_db
def test_the_kept_page_is_the_views_page_but_for_each_visitors_tokens(letter, settings):
    first, second = Client().get(sign_url(letter)), Client().get(sign_url(letter))
    settings.PAGE_CACHE = False  # the view renders every template again
    rendered = Client().get(sign_url(letter))
    assert "signon/sign.html" in names(rendered)
    assert "signon/sign.html" not in names(second)
    assert without_tokens(first.content) == without_tokens(rendered.content)
    assert without_tokens(second.content) == without_tokens(rendered.content)
    one, two = dict(HIDDEN.findall(first.text)), dict(HIDDEN.findall(second.text))
    assert one["started"] != two["started"]
    assert one["csrfmiddlewaretoken"] != two["csrfmiddlewaretoken"]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # The same headers as the view's own answer (Vary: Cookie for the token, no caching).
    headers = {k: v for k, v in rendered.items() if k != "Content-Length"}
    assert {k: v for k, v in second.items() if k != "Content-Length"} == headers


@pytest.mark.django_db
def test_a_page_kept_from_a_staff_members_load_carries_nothing_of_theirs(letter, settings):
    staff = log_in_with_device(Client(), conference_staff("zelda-staffer"))
    kept_by_staff = staff.get(sign_url(letter))
    visitor = Client().get(sign_url(letter))
    settings.PAGE_CACHE = False
    rendered = Client().get(sign_url(letter))
    assert "signon/sign.html" in names(kept_by_staff)
    assert "signon/sign.html" not in names(visitor)
    assert without_tokens(visitor.content) == without_tokens(rendered.content)
    assert "zelda-staffer" not in visitor.text


@pytest.mark.django_db
def test_a_form_load_reads_nothing_while_the_letters_stamp_holds(
    letter, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60
    Client().get(sign_url(letter))
    with django_assert_num_queries(0):
        page = Client().get(sign_url(letter))
    assert page.status_code == 200
    assert "Mayor’s First Name" in page.text


@pytest.mark.django_db
def test_a_change_made_elsewhere_shows_once_the_stamp_is_read_again(client, letter):
    assert dict(HIDDEN.findall(client.get(sign_url(letter)).text))["version"] == "1"
    # Another worker's write: no signal here, only the stamp can tell.
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.CLOSED)
    closed = client.get(sign_url(letter))
    assert closed.status_code == 200
    assert 'name="mayor_first_name"' not in closed.text


@pytest.mark.django_db
def test_a_kept_form_sent_after_the_letter_closed_records_nothing(letter, settings):
    settings.PAGE_CACHE_SECONDS = 60  # this worker still trusts the stamp it read
    browser = Client(enforce_csrf_checks=True)
    browser.get(sign_url(letter))
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.CLOSED)
    fields = dict(HIDDEN.findall(browser.get(sign_url(letter)).text))  # kept: still open
    response = browser.post(sign_url(letter), form_data(**fields))
    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_draft_is_previewed_by_staff_through_the_view_and_hidden_from_others(letter):
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.DRAFT)
    assert Client().get(sign_url(letter)).status_code == 404
    staff = log_in_with_device(Client(), conference_staff())
    for _ in range(2):  # rendered for each request, never kept
        preview = staff.get(sign_url(letter))
        assert preview.status_code == 200
        assert "signon/closed.html" in names(preview)  # its form is not open yet


@pytest.mark.django_db
def test_forms_share_the_state_choices_and_a_form_may_still_replace_its_own(letter):
    first, second = SignatureForm(letter=letter), SignatureForm(letter=letter)
    assert first.fields["state"].choices is second.fields["state"].choices
    first.fields["state"].choices = [("", "Choose"), ("TX", "Texas")]
    assert len(first.fields["state"].widget.choices) == 2
    every = SignatureForm.base_fields["state"].choices
    fresh = SignatureForm(letter=letter)
    assert fresh.fields["state"].choices == fresh.fields["state"].widget.choices == every
    assert len(every) > 50
