"""Issue 10, item 9: the index's empty state, cache headers beside cookies, public sessions."""

import datetime

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from signon.page_cache import PageCacheMiddleware
from signon.views import THANKS_SESSION_KEY

from .conftest import approved_signature, form_data

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
def test_a_public_visitors_session_is_not_saved_on_every_request(client, letter):
    assert client.post(SIGN_URL, form_data()).status_code == 302
    assert client.session[THANKS_SESSION_KEY]
    session_key = client.session.session_key

    for url in ("/", LETTER_URL, reverse("signon:thanks", kwargs={"slug": letter.slug})):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
    # The session still holds the visitor's submission.
    assert client.session.session_key == session_key
    assert client.session[THANKS_SESSION_KEY]
