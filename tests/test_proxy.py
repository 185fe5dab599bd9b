"""nginx in front, as deployed: deploy/nginx.conf run by Debian's nginx over TLS.

TLS and HTTP/2, X-Forwarded-* with TRUSTED_PROXY_HOPS=1, static files from
STATIC_ROOT, the micro-cache, and request buffering (a slow client holds
nothing in gunicorn). Real processes on their own clocks: timings are wall-clock.
"""

import re
import shutil
import socket
import ssl
import threading
import time

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import approved_signature, form_data
from .servers import Browser, Proxy, gunicorn_server, nginx_server

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
AS_DEPLOYED = {"HTTPS_ONLY": "true", "TRUSTED_PROXY_HOPS": "1", "SIGNON_RATE_LIMITS": "off",
               "SIGNON_MIN_FILL_SECONDS": "0"}  # fmt: skip


@pytest.fixture(autouse=True)
def _nginx_installed():
    if shutil.which("nginx") is None:
        message = "nginx is not installed (apt-get install nginx; .ci/run does)"
        if __import__("os").environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def negotiated_protocol(proxy: Proxy) -> str:
    host, port = re.match(r"https://([^:]+):(\d+)", proxy.url).groups()
    context = proxy.tls(alpn=["h2", "http/1.1"])
    with (
        socket.create_connection((host, int(port)), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return tls.selected_alpn_protocol()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_through_nginx_over_https_a_sign_on_works_and_the_app_knows_it_is_https(tmp_path, letter):
    with (
        gunicorn_server(tmp_path, AS_DEPLOYED) as app,
        nginx_server(tmp_path, [app.url]) as proxy,
    ):
        assert negotiated_protocol(proxy) == "h2"
        plain = Browser().get(proxy.http_url + LETTER_URL)
        assert plain.status == 301
        assert plain.headers["Location"] == f"https://127.0.0.1{LETTER_URL}"

        browser = proxy.browser()
        response = browser.post_form(proxy.url + SIGN_URL, form_data(city="Peoria"))
        # No redirect loop to HTTPS, and the cookies are the secure __Host- ones.
        assert response.status == 302, response.text[:500]
        assert response.headers["Location"] == SIGN_URL + "thanks/"
        assert "__Host-csrftoken" in browser.cookies
        assert Signature.objects.filter(city="Peoria").count() == 1
        assert "Strict-Transport-Security" in browser.get(proxy.url + LETTER_URL).headers
        # The app saw the client's address, appended by nginx, not nginx's own hop.
        assert '"remote": "127.0.0.1"' in app.log()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nginx_serves_static_files_for_a_year_and_micro_caches_only_public_pages(tmp_path, letter):
    approved_signature(letter, mayor_first_name="Quinta", city="Marfa", state="TX")
    with (
        gunicorn_server(tmp_path, AS_DEPLOYED) as app,
        nginx_server(tmp_path, [app.url]) as proxy,
    ):
        page = proxy.browser().get(proxy.url + LETTER_URL)
        assert page.status == 200 and "Mayor Quinta" in page.text
        assert page.headers["X-Cache-Status"] == "MISS"
        assert "s-maxage=" in page.headers["Cache-Control"]
        again = proxy.browser().get(proxy.url + LETTER_URL)
        assert (again.headers["X-Cache-Status"], again.text) == ("HIT", page.text)

        # A stylesheet the page links to comes from STATIC_ROOT, never from gunicorn.
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text)[1]
        static = proxy.browser().get(proxy.url + stylesheet)
        assert static.status == 200
        assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert stylesheet not in app.log()
        # Compressed when the browser accepts it: the .gz collectstatic wrote beside it.
        packed = proxy.browser().get(proxy.url + stylesheet, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in static.headers

        # The form sets a cookie and says private: fetched from the app every time.
        form = [proxy.browser().get(proxy.url + SIGN_URL) for _ in range(2)]
        assert all("Set-Cookie" in r.headers for r in form)
        assert [r.headers["X-Cache-Status"] for r in form] == ["MISS", "MISS"]
        # Staff (a session cookie) always reach the app.
        staff = proxy.browser(cookies={"__Host-sessionid": "x"}).get(proxy.url + LETTER_URL)
        assert staff.headers["X-Cache-Status"] == "BYPASS"


def slow_post(url: str, seconds: float, tls: ssl.SSLContext | None) -> None:
    """Sends a POST's headers, then its body one byte at a time over ``seconds``."""
    host, port, scheme = _split(url)
    body = b"x" * 10
    raw = socket.create_connection((host, port), timeout=30)
    sock = tls.wrap_socket(raw, server_hostname=host) if scheme == "https" else raw
    with sock:
        sock.sendall(
            f"POST {SIGN_URL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            # With a CSRF cookie, Django reads the body for the token: it waits for it.
            # (over HTTPS only after a same-origin Referer check).
            f"Cookie: csrftoken={'a' * 32}\r\nReferer: {scheme}://127.0.0.1:{port}/\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        for byte in body:
            time.sleep(seconds / len(body))
            sock.sendall(bytes([byte]))
        assert sock.recv(1024).startswith(b"HTTP/1.1 403")  # no CSRF token: refused, at last


def _split(url: str) -> tuple[str, int, str]:
    scheme, host, port = re.match(r"(https?)://([^:]+):(\d+)", url).groups()
    return host, int(port), scheme


def _health_while_a_client_is_slow(url: str, tls: ssl.SSLContext | None = None) -> float:
    slow = threading.Thread(target=slow_post, args=(url, 3.0, tls))
    slow.start()
    time.sleep(0.5)  # the slow client is connected and sending
    started = time.monotonic()
    assert Browser(tls=tls).get(url + "/healthz").status == 200
    took = time.monotonic() - started
    slow.join()
    return took


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slow_client_holds_the_only_gunicorn_worker_alone_but_not_behind_nginx(tmp_path):
    env = {"HTTPS_ONLY": "false", "TRUSTED_PROXY_HOPS": "1"}
    with (
        gunicorn_server(tmp_path, env, workers=1) as app,
        nginx_server(tmp_path, [app.url]) as proxy,
    ):
        direct = _health_while_a_client_is_slow(app.url)
        proxied = _health_while_a_client_is_slow(proxy.url, proxy.tls())
    print(f"/healthz during a 3 s slow upload: {direct:.2f} s direct, {proxied:.2f} s via nginx")
    assert direct > 2.0  # waited for the slow client's body to finish
    assert proxied < 1.0  # nginx buffered the slow body; the worker was free
