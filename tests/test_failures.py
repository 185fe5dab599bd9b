"""Failures: the database or Redis going away and coming back, a dead mail server.

The database outage is real from the app's side: gunicorn (config/gunicorn.py)
reaches PostgreSQL through a relay that the test cuts, dropping every
established connection as a database restart does, then restores.
"""

import threading
import time

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data, redis_binary, run_queued_mail
from .servers import (
    Browser,
    TcpRelay,
    free_port,
    gunicorn_server,
    redis_server,
    suite_database_url,
)

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})


@pytest.fixture
def relay(transactional_db):
    from django.db import connection

    relay = TcpRelay(connection.settings_dict["HOST"], int(connection.settings_dict["PORT"]))
    relay.start()
    yield relay
    relay.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lost_database_gives_503_saves_nothing_and_the_app_recovers_without_restart(
    relay, tmp_path
):
    env = {
        "DATABASE_URL": suite_database_url("127.0.0.1", relay.port),
        "HTTPS_ONLY": "false",
        "SIGNON_RATE_LIMITS": "off",
        "SIGNON_MIN_FILL_SECONDS": "0",
        # Keep connections open between requests: the outage must cut live ones.
        "CONN_MAX_AGE": "600",
        # A worker may serve its copy of the letter page for PAGE_CACHE_SECONDS
        # without the database; at 0 every request asks it, as this test needs.
        "PAGE_CACHE_SECONDS": "0",
    }
    with gunicorn_server(tmp_path, env) as server:
        browser = Browser()
        assert browser.get(server.url + LETTER_URL).status == 200
        first = browser.post_form(server.url + SIGN_URL, form_data(city="Peoria"))
        assert first.status == 302
        assert Signature.objects.filter(city="Peoria").count() == 1

        # Load the form while the database is up, then lose the database.
        page = browser.get(server.url + SIGN_URL)
        assert page.status == 200
        relay.stop()

        for url in ("/", LETTER_URL, SIGN_URL, "/healthz"):
            response = browser.get(server.url + url)
            assert response.status == 503, url
            assert response.headers["Retry-After"] == "30"
        page_503 = browser.get(server.url + LETTER_URL)
        assert "briefly unavailable" in page_503.text
        assert "Content-Security-Policy" in page_503.headers

        token = browser.cookies["csrftoken"]
        posted = browser.request(
            "POST", server.url + SIGN_URL,
            data={**form_data(city="Joliet"), "csrfmiddlewaretoken": token},
            headers={"Referer": server.url + SIGN_URL},
        )  # fmt: skip
        assert posted.status == 503
        assert posted.headers["Retry-After"] == "30"
        assert "briefly unavailable" in posted.text
        assert not Signature.objects.filter(city="Joliet").exists()

        # The database comes back; the same gunicorn process serves again.
        relay.start()
        pid = server.process.pid
        assert browser.get(server.url + "/healthz").status == 200
        assert browser.get(server.url + LETTER_URL).status == 200
        again = browser.post_form(server.url + SIGN_URL, form_data(city="Joliet"))
        assert again.status == 302
        assert Signature.objects.filter(city="Joliet").count() == 1
        assert server.process.pid == pid and server.process.poll() is None

        # Private data never reached the log, through all of it.
        log = server.log()
        assert "chris.aide" not in log
        assert "555-0143" not in log and "5550143" not in log


@pytest.mark.django_db
def test_a_dead_mail_server_keeps_the_signature_and_the_worker_records_it(client, letter, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    settings.SIGNON_MAIL_RETRY_DELAYS = []
    response = client.post(SIGN_URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("signon:thanks", kwargs={"slug": letter.slug})
    assert run_queued_mail() == ["failed"]
    signature = Signature.objects.get(letter=letter, city="Springfield")
    # The connection was refused, and the failure recorded for staff.
    assert signature.mail_failed_at is not None
    assert "ConnectionRefusedError" in signature.mail_error
    assert signature.receipt_sent_at is None


@pytest.mark.django_db
def test_a_stalled_mail_server_does_not_slow_a_sign_on_at_all(
    client, letter, settings, stalled_mail_server
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = stalled_mail_server
    settings.EMAIL_TIMEOUT = 1
    settings.SIGNON_MAIL_RETRY_DELAYS = []
    started = time.monotonic()
    response = client.post(SIGN_URL, form_data())
    signed_in = time.monotonic() - started
    print(f"sign-on with a stalled mail server: {signed_in * 1000:.0f} ms")
    assert response["Location"] == reverse("signon:thanks", kwargs={"slug": letter.slug})
    # The request never touched the mail server: the worker meets the stall, not the signer.
    started = time.monotonic()
    assert run_queued_mail() == ["failed"]
    print(f"the worker's attempt against it: {time.monotonic() - started:.1f} s")
    assert "SMTPServerDisconnected" in Signature.objects.get().mail_error  # it timed out


@pytest.mark.django_db
def test_an_unavailable_cache_keeps_the_signature_and_logs_it(client, letter, settings, tmp_path,
                                                              caplog):  # fmt: skip
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),  # cannot be created: every write fails
        }
    }
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    for city in ("Peoria", "Joliet"):
        assert client.post(SIGN_URL, form_data(city=city)).status_code == 302
    assert Signature.objects.count() == 2
    assert "Rate limit not checked: the cache is unavailable" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_racing_on_one_office_keep_one_row_and_no_500(tmp_path):
    env = {"HTTPS_ONLY": "false", "SIGNON_RATE_LIMITS": "off", "SIGNON_MIN_FILL_SECONDS": "0"}
    with gunicorn_server(tmp_path, env, workers=2) as server:
        browsers = [Browser() for _ in range(6)]
        for browser in browsers:  # each loads the form first, as a person would
            assert browser.get(server.url + SIGN_URL).status == 200
        barrier = threading.Barrier(len(browsers))
        statuses: list[int] = []

        def post(i: int, browser: Browser) -> None:
            token = browser.cookies["csrftoken"]
            barrier.wait()
            response = browser.request(
                "POST", server.url + SIGN_URL,
                data={**form_data(contact_email=f"aide{i}@example.org"),
                      "csrfmiddlewaretoken": token},
                headers={"Referer": server.url + SIGN_URL},
            )  # fmt: skip
            statuses.append(response.status)

        threads = [threading.Thread(target=post, args=pair) for pair in enumerate(browsers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200] * (len(browsers) - 1) + [302]
        assert Signature.objects.filter(office_key="IL:springfield").count() == 1
        assert "Internal Server Error" not in server.log()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_ons_go_on_while_redis_is_away_and_the_rate_limit_returns_with_it(tmp_path):
    binary = redis_binary()
    port = free_port()
    env = {"HTTPS_ONLY": "false", "SIGNON_RATE_LIMITS": "2/10m", "SIGNON_MIN_FILL_SECONDS": "0",
           "CACHE_URL": f"redis://127.0.0.1:{port}/0"}  # fmt: skip
    with gunicorn_server(tmp_path, env) as server:
        browser = Browser()

        def sign(city: str) -> int:
            return browser.post_form(server.url + SIGN_URL, form_data(city=city)).status

        with redis_server(binary, tmp_path, port=port):
            assert browser.get(server.url + "/healthz").text == "database: ok\ncache: ok\n"
            assert sign("Peoria") == 302

        # Redis is away: every sign-on is taken (the limit of 2 is not checked),
        # the health check says so with a 200, and both are in the log.
        health = browser.get(server.url + "/healthz")
        assert (health.status, health.text) == (200, "database: ok\ncache: unavailable\n")
        started = time.monotonic()
        assert [sign("Joliet"), sign("Aurora")] == [302, 302]
        outage_seconds = time.monotonic() - started
        print(f"two sign-ons while Redis was away took {outage_seconds:.2f} s")
        assert "Rate limit not checked: the cache is unavailable" in server.log()
        assert "Health check: the cache is unavailable" in server.log()

        # Redis comes back (empty, as after a restart): the same process counts again.
        with redis_server(binary, tmp_path, port=port):
            assert browser.get(server.url + "/healthz").text == "database: ok\ncache: ok\n"
            assert [sign("Naperville"), sign("Rockford"), sign("Elgin")] == [302, 302, 429]

    # Nothing lost, nothing saved twice.
    assert sorted(Signature.objects.values_list("city", flat=True)) == [
        "Aurora", "Joliet", "Naperville", "Peoria", "Rockford",
    ]  # fmt: skip
    assert "Internal Server Error" not in server.log()
