"""Security headers on every kind of page: public, admin, errors, refusals."""

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import form_data

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response) -> None:
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["font-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        (reverse("signon:index"), 200),
        (reverse("signon:letter", kwargs={"slug": "immigration-reform"}), 200),
        (SIGN_URL, 200),
        (reverse("signon:thanks", kwargs={"slug": "immigration-reform"}), 200),
        (reverse("admin:login"), 200),
        (reverse("admin:index"), 302),
        ("/letters/no-such-letter/", 404),
        ("/no/such/page", 404),
        ("/healthz", 200),
        ("/static/css/site.css", 200),
    ],
)
def test_every_page_carries_the_security_headers(client, letter, url, status):
    response = client.get(url)
    response.close()  # static files are streamed from an open file
    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_rate_limit_page_carries_the_security_headers(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    client.post(SIGN_URL, form_data())
    response = client.post(SIGN_URL, form_data(city="Peoria"))
    assert response.status_code == 429
    assert_security_headers(response)


@pytest.mark.django_db
def test_an_oversized_body_is_refused_with_the_security_headers(client, letter):
    response = client.post(SIGN_URL, form_data(mayor_first_name="A" * 300_000))
    assert response.status_code == 400
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_admin_pages_carry_the_security_headers_when_logged_in(admin_client, letter):
    for url in (
        reverse("admin:index"),
        reverse("admin:signon_signature_changelist"),
        reverse("admin:letters_letter_change", args=[letter.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


@pytest.mark.django_db
def test_a_server_error_page_carries_the_security_headers(letter, settings):
    # A request the app cannot serve for a reason that is not the database.
    settings.ROOT_URLCONF = "tests.broken_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert_security_headers(response)
