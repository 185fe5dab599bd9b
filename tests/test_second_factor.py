"""Staff reach the desk with a password and a second factor; a password alone opens nothing."""

import base64
import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from letters.models import Letter
from signon.models import Delivery, OfficialDomain, Signature

from .conftest import (
    CHANGELIST,
    SEED_SLUG,
    conference_staff,
    current_code,
    log_in_with_device,
    make_signature,
)

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
VERIFY = reverse("admin:second-factor")
SET_UP = reverse("admin:second-factor-setup")
CODES = reverse("admin:second-factor-recovery-codes")
PASSWORD = "a-long-staff-password"


@pytest.fixture(autouse=True)
def _fast_password_hashing_and_no_wait_between_codes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # In production each failed code doubles a device's wait before the next try
    # (1 s, 2 s, 4 s…); these tests type the next code at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def colleague(db):
    """A Conference staff member with a password and an authenticator app."""
    user = conference_staff("ana")
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="Authenticator app")
    return user


def password_step(client: Client, username: str = "ana", address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD, "next": CHANGELIST},
                       REMOTE_ADDR=address)  # fmt: skip


def code_step(client: Client, code: str, address: str = "192.0.2.10"):
    return client.post(VERIFY, {"code": code, "next": CHANGELIST}, REMOTE_ADDR=address)


def is_verified(client: Client) -> bool:
    return "otp_device_id" in client.session


# ------------------------------------------------------------ every admin URL


def admin_urls() -> list[str]:
    """Every named URL of the admin site, with real objects' ids where it takes one."""
    letter = Letter.objects.get(slug=SEED_SLUG)
    ids = {
        "signon_signature": make_signature(letter).pk,
        "letters_letter": letter.pk,
        "letters_letterversion": letter.versions.first().pk,
        "signon_officialdomain": OfficialDomain.objects.get_or_create(domain="city.example.gov")[
            0
        ].pk,
        "auth_user": get_user_model().objects.first().pk,
        "auth_group": Group.objects.first().pk,
        "otp_totp_totpdevice": TOTPDevice.objects.first().pk,
    }
    delivery = Delivery.objects.first()
    if delivery:
        ids["signon_delivery"] = delivery.pk

    def walk(patterns, namespace="admin"):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry

    urls = []
    for entry in walk(admin.site.get_urls()):
        names = list(entry.pattern.regex.groupindex)
        prefix = next((p for p in ids if entry.name.startswith(p + "_")), None)
        value = str(ids[prefix]) if prefix else "1"
        kwargs = {name: {"app_label": "signon", "status": "approved"}.get(name, value)
                  for name in names}  # fmt: skip
        urls.append(reverse(f"admin:{entry.name}", kwargs=kwargs))
    return urls


# The pages of the second step itself and the log-in/out, which a password-only
# session must reach to finish signing in.
SECOND_STEP = {LOGIN, reverse("admin:logout"), VERIFY, SET_UP, CODES}


@pytest.mark.django_db
def test_a_password_alone_reaches_no_admin_page_not_even_the_custom_ones(client, colleague):
    urls = admin_urls()
    # The custom pages are in the list: decision, delivery, packet, export.
    assert any("/decide/" in url for url in urls)
    assert any("/deliver/" in url for url in urls)
    assert any(url.endswith("packet.pdf") for url in urls)
    assert any("export" in url for url in urls) or CHANGELIST in urls  # export: a changelist action
    assert len(urls) > 60

    assert password_step(client).status_code == 302
    assert "_auth_user_id" in client.session and not is_verified(client)
    reached = []
    for url in set(urls) - SECOND_STEP:
        for response in (client.get(url), client.post(url, {"action": "export_csv"})):
            if not (response.status_code == 302 and response["Location"].startswith(LOGIN)):
                reached.append((url, response.status_code))
    assert reached == []
    # The log-in page sends them on to the code step, never into the desk.
    assert client.get(LOGIN)["Location"].startswith(VERIFY)

    # The same URLs do open once the second factor is passed (the list is real).
    verified = log_in_with_device(Client(), colleague)
    superuser = log_in_with_device(
        Client(), get_user_model().objects.create_superuser("boss", "boss@usmayors.example")
    )
    for url in set(urls) - SECOND_STEP:
        for c in (verified, superuser):
            response = c.get(url)
            assert not (response.status_code == 302 and response["Location"].startswith(LOGIN))


@pytest.mark.django_db
def test_a_password_alone_cannot_preview_a_draft_letter(client, colleague, letter):
    letter.status = Letter.Status.DRAFT
    letter.save()
    password_step(client)
    assert client.get(reverse("signon:letter", kwargs={"slug": letter.slug})).status_code == 404
    log_in_with_device(client, colleague)
    assert client.get(reverse("signon:letter", kwargs={"slug": letter.slug})).status_code == 200


# ------------------------------------------------------------ first sign-in: set-up


@pytest.mark.django_db
def test_a_new_staff_member_sets_up_an_app_before_seeing_anything_of_the_desk(client):
    user = conference_staff("newcomer")
    user.set_password(PASSWORD)
    user.save()
    response = password_step(client, "newcomer")
    assert response["Location"].startswith(SET_UP)
    # Any admin page sends them back there.
    assert client.get(client.get(CHANGELIST)["Location"])["Location"].startswith(SET_UP)

    page = client.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown_secret = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page.text)[1]
    secret = shown_secret.replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert 'src="data:image/svg+xml;base64,' in page.text
    # Nothing of the desk yet: no model list, no link to signatures.
    assert "Signatures" not in page.text and f'href="{CHANGELIST}"' not in page.text
    # The same secret on a reload (a person may be halfway through scanning it).
    assert shown_secret in client.get(SET_UP).text

    wrong = client.post(SET_UP, {"code": "000000", "next": CHANGELIST})
    assert "That code does not match" in wrong.text
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(SET_UP, {"code": current_code(device), "next": CHANGELIST})
    assert done["Location"].startswith(CODES)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed and is_verified(client)
    shown = client.get(done["Location"]).text
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == 10
    stored = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert set(codes) == set(stored)
    # Shown once: a second visit does not show them again.
    again = client.get(CODES).text
    assert not any(code in again for code in codes) and "10 unused recovery codes" in again
    assert client.get(CHANGELIST).status_code == 200


# ------------------------------------------------------------ the code step


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_the_right_one_opens_the_desk(client, colleague):
    assert password_step(client)["Location"].startswith(VERIFY)
    wrong = code_step(client, "123456")
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text and not is_verified(client)
    right = code_step(client, current_code(colleague.totpdevice_set.get()))
    assert right["Location"] == CHANGELIST and is_verified(client)
    assert client.get(CHANGELIST).status_code == 200


@pytest.mark.django_db
def test_a_code_used_once_is_refused_when_replayed(client, colleague):
    device = colleague.totpdevice_set.get()
    code = current_code(device)
    password_step(client)
    assert code_step(client, code)["Location"] == CHANGELIST
    # Someone who watched the code being typed tries it in another browser.
    thief = Client()
    password_step(thief)
    assert "That code is not right" in code_step(thief, code).text
    assert not is_verified(thief)


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, colleague):
    from second_factor import devices

    first, second, *_ = devices.new_recovery_codes(colleague)
    password_step(client)
    assert code_step(client, first.upper())["Location"] == CHANGELIST
    again = Client()
    password_step(again)
    assert "That code is not right" in code_step(again, first).text
    assert code_step(again, second)["Location"] == CHANGELIST
    assert devices.recovery_codes_left(colleague) == 8


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client, colleague):
    from second_factor import devices

    old = devices.new_recovery_codes(colleague)
    log_in_with_device(client, colleague)
    response = client.post(CODES)
    page = client.get(response["Location"]).text
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    other = Client()
    password_step(other)
    assert "That code is not right" in code_step(other, old[0]).text


@pytest.mark.django_db
def test_failed_codes_lock_the_account_out_like_failed_passwords(client, colleague, caplog):
    password_step(client)
    statuses = [code_step(client, f"00000{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Now neither the right code nor the right password gets in from that address.
    assert code_step(client, current_code(colleague.totpdevice_set.get())).status_code == 429
    assert not is_verified(client)
    assert password_step(Client()).status_code == 429
    failed = [r for r in caplog.records if getattr(r, "event", "") == "login_failed"]
    assert len(failed) >= 5 and {r.user for r in failed} == {"ana"}


@pytest.mark.django_db
def test_a_right_password_does_not_wipe_the_count_of_failed_codes(client, colleague):
    for _ in range(2):
        password_step(client)
        code_step(client, "000000")
        code_step(client, "000001")
        client.post(reverse("admin:logout"))
    password_step(client)
    assert code_step(client, "000002").status_code == 429
    # A sign-in that passes both steps starts the count again.
    AccessAttempt.objects.all().delete()
    password_step(client)
    code_step(client, "000003")
    assert AccessAttempt.objects.get().failures_since_start == 1
    code_step(client, current_code(colleague.totpdevice_set.get()))
    assert not AccessAttempt.objects.exists()


# ------------------------------------------------------------ removal and reset


@pytest.mark.django_db
def test_a_superuser_removes_a_colleagues_device_and_it_stops_working(
    client, colleague, staff_client
):
    log_in_with_device(client, colleague)
    assert client.get(CHANGELIST).status_code == 200
    device = colleague.totpdevice_set.get()
    code = current_code(device)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    # Recorded in the admin history.
    entry = LogEntry.objects.get(action_flag=DELETION, object_id=str(device.pk))
    assert entry.user.username == "reviewer"
    # The colleague's open session is no longer verified, and the code opens nothing.
    assert client.get(CHANGELIST)["Location"].startswith(LOGIN)
    fresh = Client()
    assert password_step(fresh)["Location"].startswith(SET_UP)
    assert code_step(fresh, code)["Location"].startswith(SET_UP)
    assert not is_verified(fresh)


@pytest.mark.django_db
def test_only_a_superuser_sees_staff_devices_in_admin(reviewer_client, staff_client):
    url = reverse("admin:otp_totp_totpdevice_changelist")
    assert reviewer_client.get(url).status_code == 403
    assert staff_client.get(url).status_code == 200
    # Nobody adds a device for someone else.
    assert staff_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


@pytest.mark.django_db
def test_reset_staff_factors_removes_every_factor_and_ends_the_sessions(client, colleague, capsys):
    from second_factor import devices

    devices.new_recovery_codes(colleague)
    log_in_with_device(client, colleague)
    call_command("reset_staff_factors", "ana")
    assert "Removed 2 sign-in factor(s) of ana and ended 1 session(s)" in capsys.readouterr().out
    assert not devices.has_factor(colleague) and devices.recovery_codes_left(colleague) == 0
    assert client.get(CHANGELIST)["Location"].startswith(LOGIN)
    assert password_step(Client())["Location"].startswith(SET_UP)


@pytest.mark.django_db
def test_add_staff_device_prints_a_secret_that_signs_in(client, capsys):
    user = conference_staff("newcomer")
    user.set_password(PASSWORD)
    user.save()
    call_command("add_staff_device", "newcomer")
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out and len(re.findall(r"^  [a-z2-7]{8}$", out, re.M)) == 10
    password_step(client, "newcomer")
    assert code_step(client, current_code(user.totpdevice_set.get()))["Location"] == CHANGELIST


@pytest.mark.django_db
def test_add_staff_device_refuses_an_unknown_or_non_staff_account(db):
    from django.core.management.base import CommandError

    get_user_model().objects.create_user("public", "p@example.com")
    with pytest.raises(CommandError, match="No account named 'ghost'"):
        call_command("add_staff_device", "ghost")
    with pytest.raises(CommandError, match="is not staff"):
        call_command("add_staff_device", "public")


# ------------------------------------------------------------ the whole review job


@pytest.mark.django_db
def test_a_conference_staff_member_with_a_device_does_the_whole_review_job(
    client, colleague, letter
):
    signature = make_signature(letter, city="Peoria")
    password_step(client)
    code_step(client, current_code(colleague.totpdevice_set.get()))
    assert client.get(CHANGELIST).status_code == 200
    response = client.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [signature.pk], "apply": "Approve"},
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.reviewed_by == colleague
    export = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [signature.pk]})
    assert export.status_code == 200 and "Peoria" in export.content.decode()
