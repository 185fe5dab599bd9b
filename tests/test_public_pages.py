"""The pages around the letter: the index, the form's markup, error pages, favicon."""

import datetime
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from letters.models import Letter
from signon.models import Signature
from signon.page_cache import PageCacheMiddleware
from signon.views import THANKS_SESSION_KEY

from .conftest import approved_signature, form_data, make_signature


@pytest.mark.django_db
def test_the_index_lists_open_letters_first_with_their_counts(client, letter):
    make_signature(letter, status=Signature.Status.APPROVED)
    make_signature(letter, city="Peoria", status=Signature.Status.PENDING)
    closed = Letter.objects.create(
        slug="closed-one", title="An older closed letter", salutation="Dear", body="x",
        status=Letter.Status.CLOSED,
    )  # fmt: skip
    make_signature(closed, city="Aurora", state="CO", status=Signature.Status.APPROVED)
    make_signature(closed, city="Boulder", state="CO", status=Signature.Status.APPROVED)
    html = client.get(reverse("signon:index")).text
    open_part, closed_part = html.split("An older closed letter")
    assert "1 mayor has signed" in open_part
    assert "Open for signatures" in open_part
    assert "2 mayors have signed" in closed_part
    assert "Closed" in closed_part
    assert '<meta name="description" content="Open letters from America’s mayors to' in html


@pytest.mark.django_db
def test_the_form_groups_mayor_and_contact_and_hints_autofill(client, letter):
    html = client.get(reverse("signon:sign", kwargs={"slug": letter.slug})).text
    assert re.search(r"<fieldset[^>]*>\s*<legend>Mayor</legend>", html)
    assert re.search(r"<fieldset[^>]*>\s*<legend>Contact Information</legend>", html)
    for name, hint in [("mayor_first_name", "section-mayor given-name"),
                       ("mayor_last_name", "section-mayor family-name"),
                       ("city", "address-level2"), ("contact_first_name", "given-name"),
                       ("contact_last_name", "family-name"), ("contact_email", "email"),
                       ("contact_phone", "tel")]:  # fmt: skip
        assert re.search(rf'<input[^>]*name="{name}"[^>]*autocomplete="{hint}"', html), name
    assert re.search(r'<select[^>]*name="state"[^>]*autocomplete="address-level1"', html)
    assert re.search(r'<input type="tel"[^>]*inputmode="tel"', html)
    assert re.search(r'<input type="email"[^>]*name="contact_email"', html)
    assert "What happens next" in html
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert "<form" in html and "novalidate" in html


@pytest.mark.django_db
def test_errors_are_summarized_at_the_top_and_tied_to_their_fields(client, letter):
    url = reverse("signon:sign", kwargs={"slug": letter.slug})
    response = client.post(url, form_data(contact_email="not-an-address", city=""))
    html = response.text
    assert response.status_code == 200
    assert Signature.objects.count() == 0
    assert "<title>Error: Sign on:" in html
    start = html.index('id="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert '<h2 id="error-summary-title" class="h5">There is a problem</h2>' in summary
    assert '<a href="#id_city">Enter the city.</a>' in summary
    assert '<a href="#id_contact_email">Enter an e-mail address like' in summary
    assert html.index('id="error-summary"') < html.index("<form")
    assert re.search(
        r'<input[^>]*name="contact_email"[^>]*aria-invalid="true"[^>]*'
        r'aria-describedby="id_contact_email_helptext id_contact_email_error"',
        html,
    )
    # GOV.UK's order: the label, its hint, the error, then the input.
    label = html.index('<label for="id_contact_email"')
    hint = html.index('id="id_contact_email_helptext"')
    error = html.index('id="id_contact_email_error"')
    assert label < hint < error < html.index('<input type="email" name="contact_email"')
    assert 'id="id_contact_email_error"' in html
    assert 'value="not-an-address"' in html
    assert 'value="Ada"' in html
    assert "js/error-summary." in html


@pytest.mark.django_db
def test_an_unknown_address_gets_the_styled_404_page(client):
    response = client.get("/letters/no-such-letter/")
    assert response.status_code == 404
    assert '<h1 class="page-title">Page not found</h1>' in response.text
    assert "<title>Page not found · U.S. Conference of Mayors</title>" in response.text
    assert 'href="/"' in response.text


@pytest.mark.django_db
def test_a_server_error_gets_the_styled_500_page():
    # Django's own handler, as it runs after an unhandled exception.
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "<title>Something went wrong · U.S. Conference of Mayors</title>" in html
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_every_page_names_its_favicon_and_favicon_ico_leads_to_it(client, letter):
    for url in (reverse("signon:index"), letter.get_absolute_url(),
                reverse("signon:letter-print", kwargs={"slug": letter.slug})):  # fmt: skip
        assert re.search(r'<link rel="icon" href="/static/img/favicon\.[0-9a-f]+\.svg"',
                         client.get(url).text), url  # fmt: skip
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/img/favicon\.[0-9a-f]+\.svg", response["Location"])
    icon = client.get(response["Location"])
    icon.close()  # WhiteNoise streams the file.
    assert icon.status_code == 200


@pytest.mark.django_db
def test_public_pages_carry_no_inline_script_style_or_handler(client, letter):
    # A strict Content-Security-Policy (script-src 'self'; style-src 'self') must
    # not break them: every script and style comes from a static file.
    make_signature(letter, status=Signature.Status.APPROVED)
    sign = reverse("signon:sign", kwargs={"slug": letter.slug})
    pages = [
        client.get(reverse("signon:index")),
        client.get(letter.get_absolute_url()),
        client.get(letter.get_absolute_url(), {"q": "x"}),
        client.get(reverse("signon:letter-print", kwargs={"slug": letter.slug})),
        client.get(sign),
        client.post(sign, form_data(city="")),
        client.get(reverse("signon:thanks", kwargs={"slug": letter.slug})),
        client.get("/letters/no-such-letter/"),
    ]
    for response in pages:
        html = response.text
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), response.request
        assert "<style" not in html, response.request
        assert not re.search(r"\sstyle=", html), response.request
        assert not re.search(r"\son[a-z]+=", html), response.request
        assert "javascript:" not in html, response.request


# ---------------------------------------------------------------- empty index, cookies, sessions
# the index's empty state, cache headers beside cookies, public sessions.
LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})


@pytest.mark.django_db
def test_a_letter_nobody_signed_invites_the_first_signature_on_the_index(client, letter):
    page = client.get("/").text

    assert "0 mayors have signed" not in page
    assert f'<a href="{SIGN_URL}">Be the first mayor to sign</a>' in page


@pytest.mark.django_db
def test_a_closed_letter_nobody_signed_invites_no_signature(client, letter):
    letter.deadline = timezone.now() - datetime.timedelta(minutes=1)
    letter.save()

    page = client.get("/").text

    assert "0 mayors have signed" not in page
    assert "Be the first mayor to sign" not in page
    assert "No mayor signed" in page


@pytest.mark.django_db
def test_the_index_still_counts_the_signatories(client, letter):
    approved_signature(letter)
    assert "1 mayor has signed" in client.get("/").text


@pytest.mark.django_db
def test_a_staff_members_page_never_sends_a_cookie_with_public_caching(staff_client, letter):
    approved_signature(letter)
    for url in (LETTER_URL, LETTER_URL, "/", "/admin/"):  # the letter's full pass and its hit
        response = staff_client.get(url)
        assert response.status_code == 200
        cache_control = response.get("Cache-Control", "")
        assert not (response.cookies and "public" in cache_control), url


@pytest.mark.django_db
def test_a_staff_session_still_slides_on_each_staff_request(staff_client):
    first = staff_client.get("/admin/")
    second = staff_client.get("/admin/")
    assert first.cookies and second.cookies
    assert "public" not in second.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_cookie_set_beside_public_caching_makes_the_response_private(rf):
    def view(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "public, max-age=0, s-maxage=3"
        response.set_cookie("sessionid", "abc")
        return response

    response = PageCacheMiddleware(view)(rf.get("/somewhere/"))

    assert response["Cache-Control"] == "private, no-cache"
    assert response.cookies["sessionid"].value == "abc"


@pytest.mark.django_db
def test_a_public_visitors_session_is_not_saved_on_every_request(client, letter, settings):
    assert client.post(SIGN_URL, form_data()).status_code == 302
    assert client.session[THANKS_SESSION_KEY]
    session_key = client.session.session_key

    for url in ("/", LETTER_URL, reverse("signon:thanks", kwargs={"slug": letter.slug})):
        response = client.get(url)
        assert response.status_code == 200
        # The thanks page's address-correction form renews the CSRF cookie; no page
        # saves the session again.
        assert settings.SESSION_COOKIE_NAME not in response.cookies, url
    # The session still holds the visitor's submission.
    assert client.session.session_key == session_key
    assert client.session[THANKS_SESSION_KEY]
