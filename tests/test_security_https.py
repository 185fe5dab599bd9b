"""HTTPS behaviour with the production defaults, served by gunicorn as in production.

The suite itself runs with HTTPS_ONLY=false; these servers run without it, so
what they show is what DEBUG=false gives on its own.
"""

import pytest
from django.urls import reverse

from .conftest import form_data
from .servers import Browser, gunicorn_server

LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
PRODUCTION = {"HTTPS_ONLY": None, "SIGNON_RATE_LIMITS": "off", "SIGNON_MIN_FILL_SECONDS": "0"}


@pytest.fixture(scope="module")
def direct(django_db_setup, tmp_path_factory):
    """The app facing clients directly: no proxy configured."""
    env = {**PRODUCTION, "TRUSTED_PROXY_HOPS": "0"}
    with gunicorn_server(tmp_path_factory.mktemp("direct"), env) as server:
        yield server


@pytest.fixture(scope="module")
def proxied(django_db_setup, tmp_path_factory):
    """The app behind one TLS proxy, which says X-Forwarded-Proto: https."""
    env = {**PRODUCTION, "TRUSTED_PROXY_HOPS": "1"}
    with gunicorn_server(tmp_path_factory.mktemp("proxied"), env) as server:
        yield server


def test_plain_http_is_redirected_to_https(direct):
    response = Browser().get(direct.url + LETTER_URL)
    assert response.status == 301
    assert (
        response.headers["Location"] == f"https://{direct.url.removeprefix('http://')}{LETTER_URL}"
    )


def test_the_health_check_answers_over_plain_http(direct):
    response = Browser().get(direct.url + "/healthz")
    assert response.status == 200
    assert response.text == "database: ok\ncache: ok\n"


def test_a_forwarded_proto_header_is_ignored_when_no_proxy_is_configured(direct):
    response = Browser().get(direct.url + LETTER_URL, headers={"X-Forwarded-Proto": "https"})
    assert response.status == 301
    assert "Strict-Transport-Security" not in response.headers


def test_behind_the_configured_proxy_https_pages_get_hsts(proxied):
    # The index answers 200 whatever the database holds (these tests share it).
    response = Browser().get(proxied.url + "/", headers={"X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    # What the proxy did not mark as HTTPS is still redirected.
    assert Browser().get(proxied.url + LETTER_URL).status == 301


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_session_and_csrf_cookies_are_secure_host_cookies(proxied):
    browser = Browser()
    https = {"X-Forwarded-Proto": "https",
             "Referer": f"https://{proxied.url.removeprefix('http://')}{SIGN_URL}"}  # fmt: skip
    page = browser.get(proxied.url + SIGN_URL, headers=https)
    posted = browser.post_form(proxied.url + SIGN_URL, form_data(), headers=https)
    assert posted.status == 302
    set_cookies = page.headers.get_all("Set-Cookie") + posted.headers.get_all("Set-Cookie")
    by_name = {header.split("=", 1)[0]: header for header in set_cookies}
    assert set(by_name) == {"__Host-csrftoken", "__Host-sessionid"}
    for header in by_name.values():
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert "secure" in attributes
        assert "path=/" in attributes
        assert not any(part.startswith("domain=") for part in attributes)
        assert "samesite=lax" in attributes
    assert "httponly" in by_name["__Host-sessionid"].lower()
