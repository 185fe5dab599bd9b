"""signon.abuse: honeypot, fill time, rate limit, client address, held submissions, uploads.

Also: names and cities that only look like another are refused and never a second office;
the rate limit holds across worker processes (two gunicorn servers sharing one CACHE_URL,
as two machines behind one balancer would be).
"""

import re
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon import abuse
from signon.models import Signature

from .conftest import CHANGELIST, admin_action, form_data, make_signature, run_queued_mail
from .servers import Browser, gunicorn_server

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
def test_a_person_who_takes_the_time_is_signed_on(client, letter, settings, time_machine):
    settings.SIGNON_MIN_FILL_SECONDS = 1
    time_machine.move_to(timezone.now())
    stamp = started_stamp(client)
    time_machine.shift(1.1)  # a person reading and typing
    response = client.post(SIGN_URL, form_data(started=stamp))
    assert response.status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("stamp", ["", "1700000000.0", "MTc5NTk2.forged:sig"])
def test_a_missing_or_forged_stamp_asks_to_send_again_keeping_what_was_typed(
    client, letter, settings, stamp, time_machine
):
    settings.SIGNON_MIN_FILL_SECONDS = 1
    time_machine.move_to(timezone.now())
    response = client.post(SIGN_URL, form_data(started=stamp, city="Peoria"))
    assert response.status_code == 200
    assert "This form had expired" in response.text
    assert 'value="Peoria"' in response.text
    assert Signature.objects.count() == 0
    # The page now carries a genuine stamp, so sending it again (later) works.
    fresh = re.search(r'name="started" value="([^"]+)"', response.text)[1]
    assert fresh != stamp
    time_machine.shift(1.1)
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
def test_a_person_correcting_the_form_many_times_is_not_refused(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    settings.SIGNON_INVALID_RATE_LIMITS = [(30, 600)]
    for _ in range(6):
        assert client.post(SIGN_URL, form_data(contact_phone="123")).status_code == 200
    assert client.post(SIGN_URL, form_data()).status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_invalid_posts_count_towards_a_looser_limit_of_their_own(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(5, 600)]
    settings.SIGNON_INVALID_RATE_LIMITS = [(3, 600)]
    for _ in range(3):
        assert client.post(SIGN_URL, form_data(contact_phone="123")).status_code == 200
    refused = client.post(SIGN_URL, form_data(contact_phone="456"))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    # A valid sign-on still goes through: the strict limit has not been touched.
    assert client.post(SIGN_URL, form_data()).status_code == 302


@pytest.mark.django_db
def test_a_refused_post_keeps_what_was_typed_and_says_when_and_whom_to_ask(
    client, letter, settings
):
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    assert client.post(SIGN_URL, form_data()).status_code == 302
    refused = client.post(SIGN_URL, form_data(city="Peoria", mayor_first_name="Grace"))
    assert refused.status_code == 429
    assert 'value="Peoria"' in refused.text and 'value="Grace"' in refused.text
    assert "try again in 10 minutes" in refused.text
    assert "questions@conference.example" in refused.text
    assert not Signature.objects.filter(city="Peoria").exists()


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


def three_sign_ons_forging(client, forwarded_for: str, **extra) -> list[int]:
    """The statuses of three sign-ons, each with another X-Forwarded-For ({i} counts up)."""
    return [
        client.post(SIGN_URL, form_data(city=city), HTTP_X_FORWARDED_FOR=forwarded_for.format(i=i),
                    **extra).status_code
        for i, city in enumerate(CITIES[:3])
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_count_without_a_proxy(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    settings.TRUSTED_PROXY_HOPS = 0
    assert three_sign_ons_forging(client, "203.0.113.{i}") == [302, 302, 429]


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_count_behind_the_proxy(client, letter, settings):
    """The client writes any X-Forwarded-For it likes; the proxy appends the real address."""
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    settings.TRUSTED_PROXY_HOPS = 1
    forged_then_real = "203.0.113.{i}, 10.9.8.{i}, 192.0.2.44"
    statuses = three_sign_ons_forging(client, forged_then_real, REMOTE_ADDR="10.0.0.2")
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


# ---------------------------------------------------------------- held submissions, stamps, uploads
# Nothing a person submits vanishes; what looks automated is held for staff, not dropped.
#
# Also: a form is sent once (a reused stamp is held, a double click gets the thanks
# page twice and makes one row), uploads are refused unread, an embargoed list is
# not revealed by the duplicate message, and IPv6 clients count by their /64.
SLUG = "immigration-reform"


# ---------------------------------------------------------------- quarantine


@pytest.mark.django_db
def test_a_sign_on_sent_one_second_after_loading_is_held_for_staff_not_lost(
    client, letter, settings, caplog
):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    stamp = started_stamp(client)
    response = client.post(SIGN_URL, form_data(started=stamp))
    assert run_queued_mail() == []  # nothing is even queued while held
    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert "We received the sign-on of Mayor Ada Lovelace" in client.get(THANKS_URL).text
    held = Signature.objects.get()
    assert held.status == Signature.Status.HELD
    assert held.held_reason == "too_fast"
    assert 0 <= held.fill_seconds < 3
    assert held.contact_email == "chris.aide@springfield.il.gov"  # everything typed is kept
    assert mail.outbox == []  # nothing is mailed while held
    assert held.receipt_sent_at is None
    [event] = abuse_events(caplog, "bot_held")
    assert event.reason == "too_fast"
    assert "chris.aide" not in caplog.text


@pytest.mark.django_db
def test_a_filled_honeypot_is_held_with_its_reason_and_mails_nobody(client, letter):
    data = form_data(website="https://cheap-pills.example", contact_email="x@example.com")
    response = client.post(SIGN_URL, data)
    assert run_queued_mail() == []
    assert response["Location"] == THANKS_URL
    held = Signature.objects.get()
    assert (held.status, held.held_reason) == ("held", "honeypot")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_held_submission_is_never_public_nor_counted(client, letter):
    make_signature(letter, city="Peoria", status=Signature.Status.HELD, held_reason="too_fast")
    Signature.objects.update(approved_at=timezone.now())  # even with a stray approval date
    page = client.get(letter.get_absolute_url()).text
    assert "Peoria" not in page
    downloads = [client.get(reverse(f"signon:signatories-{kind}", kwargs={"slug": SLUG}))
                 for kind in ("csv", "json")]  # fmt: skip
    assert all("Peoria" not in r.content.decode() for r in downloads)
    assert downloads[1].json()["count"] == 0
    embed = client.get(reverse("signon:embed-json", kwargs={"slug": SLUG})).json()
    assert embed["count"] == 0


@pytest.mark.django_db
def test_a_held_submission_does_not_block_the_real_office(client, letter):
    make_signature(letter, status=Signature.Status.HELD, held_reason="honeypot")
    response = client.post(SIGN_URL, form_data())
    assert response["Location"] == THANKS_URL
    statuses = sorted(Signature.objects.values_list("status", flat=True))
    assert statuses == ["held", "pending"]


@pytest.mark.django_db
def test_staff_find_held_submissions_with_their_reason_and_timing(staff_client, letter):
    make_signature(letter, city="Peoria", status=Signature.Status.HELD,
                   held_reason="too_fast", fill_seconds=0.8)  # fmt: skip
    make_signature(letter, city="Joliet")
    page = staff_client.get(CHANGELIST, {"status__exact": "held"}).text
    assert "Held: looked automated" in page
    assert "Peoria" in page and "Joliet" not in page
    assert "Sent faster than the minimum fill time; sent 0.8 s after the form was loaded" in page


@pytest.mark.django_db
def test_staff_release_held_submissions_into_review_in_one_action_which_mails_the_receipt(
    staff_client, staff, letter
):
    held = make_signature(letter, status=Signature.Status.HELD, held_reason="too_fast")
    response = admin_action(staff_client, "release_selected", held, follow=True)
    assert run_queued_mail() == ["sent"]
    assert "1 signature(s) released into review." in response.text
    held.refresh_from_db()
    assert held.status == Signature.Status.PENDING
    assert held.reviewed_by == staff
    [entry] = LogEntry.objects.filter(object_id=str(held.pk))
    assert entry.change_message == "Status: Held: looked automated → Pending review."
    assert [m.to for m in mail.outbox] == [["chris.aide@springfield.il.gov"]]
    assert held.receipt_sent_at is not None


@pytest.mark.django_db
def test_releasing_a_held_submission_whose_city_is_taken_says_so_and_keeps_it(staff_client, letter):
    make_signature(letter)  # the real office's pending signature
    held = make_signature(letter, status=Signature.Status.HELD, held_reason="honeypot")
    response = admin_action(staff_client, "release_selected", held, follow=True)
    assert response.status_code == 200
    assert "1 signature(s) not released into review: their city already has" in response.text
    held.refresh_from_db()
    assert held.status == Signature.Status.HELD


@pytest.mark.django_db
def test_the_purge_deletes_held_submissions_after_the_set_time(letter, settings):
    settings.SIGNON_HELD_DAYS = 30
    old = make_signature(letter, city="Peoria", status=Signature.Status.HELD)
    recent = make_signature(letter, city="Joliet", status=Signature.Status.HELD)
    old_pending = make_signature(letter, city="Aurora")
    Signature.objects.filter(pk__in=[old.pk, old_pending.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    call_command("purge_contact_details", stdout=(out := __import__("io").StringIO()))
    assert "Deleted 1 held submission(s) older than 30 day(s)." in out.getvalue()
    assert set(Signature.objects.values_list("pk", flat=True)) == {recent.pk, old_pending.pk}


# ---------------------------------------------------------------- the form's stamp


@pytest.mark.django_db
def test_a_script_reusing_one_forms_stamp_for_other_cities_is_held(
    client, letter, settings, time_machine
):
    settings.SIGNON_MIN_FILL_SECONDS = 1
    time_machine.move_to(timezone.now())
    stamp = started_stamp(client)
    time_machine.shift(1.1)  # waits like a person would
    for city in ["Peoria", "Joliet", "Aurora"]:
        client.cookies.clear()  # a script keeps no session
        response = client.post(SIGN_URL, form_data(started=stamp, city=city))
        assert response["Location"] == THANKS_URL
    rows = dict(Signature.objects.values_list("city", "status"))
    assert rows == {"Peoria": "pending", "Joliet": "held", "Aurora": "held"}
    assert set(Signature.objects.filter(status="held").values_list("held_reason", flat=True)) == {
        "reused_stamp"
    }


@pytest.mark.django_db
def test_the_same_form_sent_twice_without_a_session_gets_thanks_twice_and_one_row(client, letter):
    stamp = started_stamp(client)
    for _ in range(2):
        client.cookies.clear()  # a first-time visitor: the first answer's cookie never arrived
        response = client.post(SIGN_URL, form_data(started=stamp))
        assert response["Location"] == THANKS_URL
    assert Signature.objects.get().status == Signature.Status.PENDING


@pytest.mark.django_db
def test_a_stamp_older_than_the_maximum_age_asks_to_send_again_keeping_what_was_typed(
    client, letter, settings, time_machine
):
    settings.SIGNON_MIN_FILL_SECONDS = 3
    settings.SIGNON_FORM_MAX_AGE_HOURS = 6
    now = timezone.now()
    time_machine.move_to(now - timedelta(hours=7))
    old = abuse.started_token()
    time_machine.move_to(now)
    response = client.post(SIGN_URL, form_data(started=old, city="Peoria"))
    assert response.status_code == 200
    assert "This form had expired" in response.text
    assert 'value="Peoria"' in response.text
    assert Signature.objects.count() == 0


# ---------------------------------------------------------------- uploads


@pytest.mark.django_db
def test_a_50_mb_upload_is_refused_before_it_is_parsed(client, letter):
    big = SimpleUploadedFile("letter.pdf", b"\0" * (50 * 1024 * 1024), "application/pdf")
    with mock.patch("django.http.request.MultiPartParser") as parser:
        response = client.post(SIGN_URL, {**form_data(), "attachment": big})
    assert response.status_code == 400
    assert "This form takes no files" in response.text
    parser.assert_not_called()
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_a_small_file_in_a_sign_on_is_skipped_never_stored(client, letter):
    small = SimpleUploadedFile("note.txt", b"hello", "text/plain")
    handlers = "django.core.files.uploadhandler"
    with (
        mock.patch(f"{handlers}.TemporaryFileUploadHandler") as temp,
        mock.patch(f"{handlers}.MemoryFileUploadHandler") as memory,
    ):
        response = client.post(SIGN_URL, {**form_data(), "attachment": small})
    assert response["Location"] == THANKS_URL
    temp.assert_not_called()
    memory.assert_not_called()
    assert Signature.objects.count() == 1


# ---------------------------------------------------------------- embargo


@pytest.mark.django_db
def test_under_embargo_the_duplicate_message_does_not_confirm_that_a_city_signed(client, letter):
    letter.list_published_at = timezone.now() + timedelta(days=7)
    letter.save()
    make_signature(letter, city="Austin", state="TX")
    response = client.post(SIGN_URL, form_data(city="Austin", state="TX"))
    assert response.status_code == 200
    errors = " ".join(re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', response.text, re.S))
    assert "may already have a submission for this office" in errors
    assert "Austin" not in errors and "already on this letter" not in errors
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_once_the_list_is_public_the_duplicate_message_names_the_city(client, letter):
    make_signature(letter, city="Austin", state="TX")
    response = client.post(SIGN_URL, form_data(city="Austin", state="TX"))
    assert "Austin, TX is already on this letter or under review" in response.text


# ---------------------------------------------------------------- IPv6


@pytest.mark.django_db
def test_the_rate_limit_counts_an_ipv6_client_by_its_64(client, letter, settings):
    settings.SIGNON_RATE_LIMITS = [(2, 600)]
    statuses = [
        client.post(
            SIGN_URL, form_data(city=city), REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}"
        ).status_code
        for i, city in enumerate(["Peoria", "Joliet", "Aurora"])
    ]
    assert statuses == [302, 302, 429]
    neighbour = client.post(SIGN_URL, form_data(city="Rockford"), REMOTE_ADDR="2001:db8:1:3::1")
    assert neighbour.status_code == 302
    assert Signature.objects.count() == 3


@pytest.mark.django_db
def test_the_admin_lock_out_counts_an_ipv6_client_by_its_64(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_user_model().objects.create_superuser("reviewer", "r@usmayors.example", "right-pw-123")
    login = reverse("admin:login")

    def log_in(password: str, address: str):
        return client.post(login, {"username": "reviewer", "password": password},
                           REMOTE_ADDR=address).status_code  # fmt: skip

    statuses = [log_in("wrong", f"2001:db8:7:7:{i}::1") for i in range(1, 6)]
    assert statuses == [200, 200, 200, 200, 429]
    assert log_in("right-pw-123", "2001:db8:7:7:99::1") == 429
    assert log_in("right-pw-123", "2001:db8:7:8::1") == 302  # another /64
    assert abuse.client_network(mock.Mock(META={"REMOTE_ADDR": "192.0.2.7"})) == "192.0.2.7"


# ---------------------------------------------------------------- a real double click


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_racing_on_two_workers_gets_the_thanks_page_twice_and_one_row(tmp_path):
    env = {"HTTPS_ONLY": "false", "SIGNON_RATE_LIMITS": "off", "SIGNON_MIN_FILL_SECONDS": "0",
           "CACHE_URL": "locmemcache://"}  # fmt: skip
    with gunicorn_server(tmp_path, env, workers=2) as server:
        for city in ["Peoria", "Joliet", "Aurora"]:
            browser = Browser()  # a first-time visitor: no session yet
            page = browser.get(server.url + SIGN_URL)
            hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                                     page.text))  # fmt: skip
            body = {**hidden, **form_data(city=city)}
            start = threading.Barrier(2)
            results = []

            def click(body=body, start=start, results=results, browser=browser):
                start.wait()
                referer = {"Referer": server.url + SIGN_URL}
                results.append(
                    browser.request("POST", server.url + SIGN_URL, data=body, headers=referer)
                )

            threads = [threading.Thread(target=click) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert [(r.status, r.headers["Location"]) for r in results] == [
                (302, THANKS_URL),
                (302, THANKS_URL),
            ], server.log()[-2000:]
            assert Signature.objects.filter(city=city).count() == 1


@pytest.mark.django_db
def test_a_stamp_from_one_letters_form_reused_on_another_letter_is_held_not_a_500(client, letter):
    other = Letter.objects.create(slug="second-letter", title="A second letter",
                                  status=Letter.Status.OPEN, body="Words.")  # fmt: skip
    stamp = started_stamp(client)
    assert client.post(SIGN_URL, form_data(started=stamp))["Location"] == THANKS_URL
    other_url = reverse("signon:sign", kwargs={"slug": other.slug})
    response = client.post(other_url, form_data(started=stamp))
    assert response.status_code == 302
    assert Signature.objects.get(letter=other).held_reason == "reused_stamp"


@pytest.mark.django_db
def test_a_held_submissions_page_shows_why_and_offers_release_or_reject(staff_client, letter):
    held = make_signature(letter, status=Signature.Status.HELD, held_reason="honeypot")
    page = staff_client.get(reverse("admin:signon_signature_change", args=[held.pk])).text
    assert "Filled the hidden field only scripts see; no valid form stamp" in page
    release = reverse("admin:signon_signature_decide", args=[held.pk, "pending"])
    assert release in page
    assert reverse("admin:signon_signature_decide", args=[held.pk, "rejected"]) in page
    assert staff_client.post(release, {"reason": ""}).status_code == 302
    held.refresh_from_db()
    assert held.status == Signature.Status.PENDING


MIXED = "mixes letters from different alphabets"
LOOKALIKE = "letters that only look Latin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("city", "Chic\u0430go", MIXED),  # Cyrillic а
        ("city", "\u0421hicago", MIXED),  # Cyrillic С
        ("city", "Sp\u0440ingfield", MIXED),  # Cyrillic р
        ("city", "B\u03bfston", MIXED),  # Greek ο
        ("mayor_first_name", "J\u03bfhn", MIXED),  # Greek ο
        ("mayor_last_name", "Sm\u0456th", MIXED),  # Cyrillic і
        ("contact_first_name", "\u0410da", MIXED),  # Cyrillic А
        ("contact_last_name", "Ai\u0501e", MIXED),  # Cyrillic ԁ
        ("city", "\u0421\u043e\u0441\u043e\u0430", LOOKALIKE),  # "Cocoa", all Cyrillic
        ("mayor_last_name", "\u039a\u039f\u03a7", LOOKALIKE),  # "KOX", all Greek
    ],
)
def test_a_look_alike_is_refused_with_a_message(client, letter, field, value, message):
    response = client.post(SIGN_URL, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert Signature.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("lookalike", ["Chic\u0430go", "CHIC\u0410GO", "\u0421hicago"])
def test_a_look_alike_cannot_slip_past_the_one_per_office_rule(client, letter, lookalike):
    make_signature(letter, city="Chicago", state="IL")
    response = client.post(SIGN_URL, form_data(city=lookalike, state="IL"))
    assert response.status_code == 200
    assert Signature.objects.filter(letter=letter, state="IL").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("city", "state", "key"),
    [
        ("Kaua\u02bbi", "HI", "HI:kauai"),  # the ʻokina is not another alphabet
        ("\u02bbEwa Beach", "HI", "HI:ewa beach"),
        ("Mayag\u00fcez", "PR", "PR:mayaguez"),
        ("Espa\u00f1ola", "NM", "NM:espanola"),
    ],
)
def test_real_places_with_marks_are_accepted(client, letter, city, state, key):
    response = client.post(SIGN_URL, form_data(city=city, state=state))
    assert response.status_code == 302
    assert Signature.objects.get().office_key == key


@pytest.mark.django_db
def test_the_okina_and_an_apostrophe_are_the_same_office(client, letter):
    make_signature(letter, city="Kaua\u02bbi", state="HI")
    response = client.post(SIGN_URL, form_data(city="Kaua'i", state="HI"))
    assert response.status_code == 200
    assert "is already on this letter or under review" in response.text
    assert Signature.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_holds_across_two_worker_processes_sharing_redis(tmp_path, shared_redis_url):
    env = {
        "HTTPS_ONLY": "false",
        "SIGNON_RATE_LIMITS": "3/10m,20/d",
        "SIGNON_MIN_FILL_SECONDS": "0",
        "CACHE_URL": shared_redis_url,
    }
    with (
        gunicorn_server(tmp_path, env) as one,
        gunicorn_server(tmp_path, env) as two,
    ):
        assert one.process.pid != two.process.pid
        browser = Browser()
        statuses = []
        for server, city in zip(
            [one, two, one, two, one], ["Peoria", "Joliet", "Aurora", "Naperville", "Rockford"],
            strict=True,
        ):  # fmt: skip
            response = browser.post_form(server.url + SIGN_URL, form_data(city=city))
            statuses.append(response.status)
            if response.status == 429:
                assert 1 <= int(response.headers["Retry-After"]) <= 600
        # The form loads (GET) are not counted; the POSTs are, on both servers.
        assert statuses == [302, 302, 302, 429, 429]
        assert sorted(Signature.objects.values_list("city", flat=True)) == [
            "Aurora", "Joliet", "Peoria",
        ]  # fmt: skip
        # Each server saw the limit: both logged a refusal from the same client.
        assert '"rate_limited"' in two.log()
        assert '"rate_limited"' in one.log()
