"""Anti-abuse on the sign-on form: honeypot, fill time, rate limit, client address."""

import re
import time

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
THANKS_URL = reverse("signon:thanks", kwargs={"slug": "immigration-reform"})


def started_stamp(client) -> str:
    """The form's hidden stamp, as a browser that loaded the page would send it."""
    page = client.get(SIGN_URL)
    return re.search(r'name="started" value="([^"]+)"', page.text)[1]


def abuse_events(caplog, event: str) -> list:
    return [r for r in caplog.records if r.name == "signon.abuse" and r.event == event]


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people(client, letter):
    page = client.get(SIGN_URL).text
    field = re.search(r'<div[^>]*hidden="hidden"[^>]*>\s*<input type="text" name="website"', page)
    assert field, "the honeypot sits in a hidden container"
    assert 'aria-hidden="true"' in field[0]
    assert 'tabindex="-1"' in page.split('name="website"')[1].split(">")[0]


@pytest.mark.django_db
def test_a_filled_honeypot_gets_the_thanks_page_and_is_held_not_dropped(client, letter, caplog):
    response = client.post(SIGN_URL, form_data(website="https://cheap-pills.example"))
    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert Signature.objects.get().status == Signature.Status.HELD
    thanks = client.get(THANKS_URL)
    assert "your sign-on was received" in thanks.text
    [event] = abuse_events(caplog, "bot_held")
    assert event.reason == "honeypot"
    assert "cheap-pills" not in caplog.text and "chris.aide" not in caplog.text


@pytest.mark.django_db
def test_a_form_sent_faster_than_a_person_could_gets_thanks_and_is_held(
    client, letter, settings, caplog
):
    settings.SIGNON_MIN_FILL_SECONDS = 60
    response = client.post(SIGN_URL, form_data(started=started_stamp(client)))
    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert Signature.objects.get().held_reason == "too_fast"
    [event] = abuse_events(caplog, "bot_held")
    assert event.reason == "too_fast"


@pytest.mark.django_db
def test_a_person_who_takes_the_time_is_signed_on(client, letter, settings):
    settings.SIGNON_MIN_FILL_SECONDS = 1
    stamp = started_stamp(client)
    time.sleep(1.1)  # a person reading and typing
    response = client.post(SIGN_URL, form_data(started=stamp))
    assert response.status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("stamp", ["", "1700000000.0", "MTc5NTk2.forged:sig"])
def test_a_missing_or_forged_stamp_asks_to_send_again_keeping_what_was_typed(
    client, letter, settings, stamp
):
    settings.SIGNON_MIN_FILL_SECONDS = 1
    response = client.post(SIGN_URL, form_data(started=stamp, city="Peoria"))
    assert response.status_code == 200
    assert "This form had expired" in response.text
    assert 'value="Peoria"' in response.text
    assert Signature.objects.count() == 0
    # The page now carries a genuine stamp, so sending it again (later) works.
    fresh = re.search(r'name="started" value="([^"]+)"', response.text)[1]
    assert fresh != stamp
    time.sleep(1.1)
    again = client.post(SIGN_URL, form_data(started=fresh, city="Peoria"))
    assert again.status_code == 302
    assert Signature.objects.filter(city="Peoria").count() == 1


@pytest.mark.django_db
def test_the_fill_time_check_is_off_at_zero(client, letter, settings):
    settings.SIGNON_MIN_FILL_SECONDS = 0
    assert client.post(SIGN_URL, form_data()).status_code == 302
    assert Signature.objects.count() == 1


CITIES = ["Peoria", "Joliet", "Aurora", "Naperville", "Rockford"]


@pytest.mark.django_db
def test_the_rate_limit_answers_429_with_retry_after_and_saves_nothing(
    client, letter, settings, caplog
):
    settings.SIGNON_RATE_LIMITS = [(2, 600), (20, 86400)]
    for city in CITIES[:2]:
        assert client.post(SIGN_URL, form_data(city=city)).status_code == 302
    response = client.post(SIGN_URL, form_data(city=CITIES[2]))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    assert "Please wait a moment" in response.text
    assert "try again in" in response.text
    assert not Signature.objects.filter(city=CITIES[2]).exists()
    assert Signature.objects.count() == 2
    assert abuse_events(caplog, "rate_limited")


@pytest.mark.django_db
def test_the_daily_limit_counts_too(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(10, 600), (3, 86400)]
    for city in CITIES[:3]:
        assert client.post(SIGN_URL, form_data(city=city)).status_code == 302
    response = client.post(SIGN_URL, form_data(city=CITIES[3]))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 86400
    assert Signature.objects.count() == 3


@pytest.mark.django_db
def test_invalid_posts_count_towards_the_limit(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    for _ in range(2):
        assert client.post(SIGN_URL, form_data(contact_phone="123")).status_code == 200
    assert client.post(SIGN_URL, form_data()).status_code == 429
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_another_client_address_has_its_own_count(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    assert client.post(SIGN_URL, form_data(), REMOTE_ADDR="198.51.100.1").status_code == 302
    assert (
        client.post(SIGN_URL, form_data(city="Peoria"), REMOTE_ADDR="198.51.100.1").status_code
        == 429
    )
    other = client.post(SIGN_URL, form_data(city="Peoria"), REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_count_without_a_proxy(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    settings.TRUSTED_PROXY_HOPS = 0
    statuses = []
    for i, city in enumerate(CITIES[:3]):
        forged = f"203.0.113.{i}"
        response = client.post(SIGN_URL, form_data(city=city), HTTP_X_FORWARDED_FOR=forged)
        statuses.append(response.status_code)
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_count_behind_the_proxy(client, letter, settings):
    """The client writes any X-Forwarded-For it likes; the proxy appends the real address."""
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    settings.TRUSTED_PROXY_HOPS = 1
    statuses = []
    for i, city in enumerate(CITIES[:3]):
        forged_then_real = f"203.0.113.{i}, 10.9.8.{i}, 192.0.2.44"
        response = client.post(SIGN_URL, form_data(city=city), REMOTE_ADDR="10.0.0.2",
                               HTTP_X_FORWARDED_FOR=forged_then_real)  # fmt: skip
        statuses.append(response.status_code)
    assert statuses == [302, 302, 429]
    # The real client behind the same proxy next door is not affected.
    neighbour = client.post(SIGN_URL, form_data(city=CITIES[4]), REMOTE_ADDR="10.0.0.2",
                            HTTP_X_FORWARDED_FOR="192.0.2.45")  # fmt: skip
    assert neighbour.status_code == 302


@pytest.mark.django_db
def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    settings.TRUSTED_PROXY_HOPS = 2
    first = client.post(SIGN_URL, form_data(), HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7, 10.0.0.9")
    second = client.post(SIGN_URL, form_data(city="Peoria"),
                         HTTP_X_FORWARDED_FOR="7.7.7.7, 192.0.2.7, 10.0.0.9")  # fmt: skip
    third = client.post(SIGN_URL, form_data(city="Joliet"),
                        HTTP_X_FORWARDED_FOR="192.0.2.8, 10.0.0.9")  # fmt: skip
    assert [first.status_code, second.status_code, third.status_code] == [302, 429, 302]


@pytest.mark.django_db
def test_a_malformed_forwarded_hop_falls_back_to_the_peer_address(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    settings.TRUSTED_PROXY_HOPS = 1
    first = client.post(SIGN_URL, form_data(), HTTP_X_FORWARDED_FOR="not-an-address")
    second = client.post(SIGN_URL, form_data(city="Peoria"), HTTP_X_FORWARDED_FOR="<script>")
    assert [first.status_code, second.status_code] == [302, 429]
