"""Admin security: lock-out, staff session expiry, and the audit log of log-ins and decisions."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from signon.models import Signature

from .conftest import admin_action, current_code, log_in_with_device, make_signature

LOGIN = reverse("admin:login")
ADMIN_INDEX = reverse("admin:index")
PASSWORD = "a-long-staff-password"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # These tests log in dozens of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("reviewer", "reviewer@usmayors.example",
                                                     PASSWORD)  # fmt: skip


def log_in(client, password: str = PASSWORD, address: str = "192.0.2.10"):
    return client.post(
        LOGIN, {"username": "reviewer", "password": password, "next": ADMIN_INDEX},
        REMOTE_ADDR=address,
    )  # fmt: skip


def audit_events(caplog, event: str) -> list:
    return [r for r in caplog.records if r.name == "signon.audit" and r.event == event]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_five_failed_log_ins_lock_out_that_user_from_that_address(client, staff, caplog):
    statuses = [log_in(client, password="wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Now even the right password is refused, from that address.
    locked = log_in(client)
    assert locked.status_code == 429
    assert not is_logged_in(client)
    assert len(audit_events(caplog, "login_failed")) >= 5
    assert audit_events(caplog, "lockout")[0].user == "reviewer"
    assert PASSWORD not in caplog.text and "wrong" not in caplog.text

    # The same user from another address is not locked out.
    other = log_in(client, address="192.0.2.99")
    assert other.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_four_failures_then_the_right_password_lets_staff_in(client, staff):
    for _ in range(4):
        assert log_in(client, password="wrong").status_code == 200
    assert log_in(client).status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_the_lock_out_lasts_an_hour(client, staff):
    for _ in range(5):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 429
    # 59 minutes later: still locked.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=59))
    assert log_in(client).status_code == 429
    # An hour and a minute after the last failure: free again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert log_in(client).status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_staff_session_ends_with_the_browser_and_after_two_idle_hours(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="Authenticator app")
    assert log_in(client).status_code == 302
    client.post(reverse("admin:second-factor"), {"code": current_code(device)})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # No Max-Age or Expires: the browser forgets it when it closes.
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    session = Session.objects.get(session_key=cookie.value)
    idle = session.expire_date - timezone.now()
    assert timedelta(minutes=119) < idle <= timedelta(minutes=120)

    # Activity renews the session.
    Session.objects.filter(pk=cookie.value).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    assert client.get(ADMIN_INDEX).status_code == 200
    renewed = Session.objects.get(session_key=cookie.value).expire_date - timezone.now()
    assert renewed > timedelta(minutes=119)

    # Within the minute after a renewal, a page does not write the session again.
    ends = Session.objects.get(session_key=cookie.value).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ADMIN_INDEX).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert Session.objects.get(session_key=cookie.value).expire_date == ends
    # A minute and more after it, the next page renews it.
    Session.objects.filter(pk=cookie.value).update(
        expire_date=timezone.now() + timedelta(minutes=118, seconds=59)
    )
    assert client.get(ADMIN_INDEX).status_code == 200
    renewed = Session.objects.get(session_key=cookie.value).expire_date - timezone.now()
    assert renewed > timedelta(minutes=119, seconds=30)

    # Two idle hours later the session is gone: back to the log-in page.
    Session.objects.filter(pk=cookie.value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_log_ins_and_log_outs_are_logged_with_user_and_address(client, staff, caplog):
    log_in(client, password="wrong")
    log_in(client)
    client.post(reverse("admin:logout"), REMOTE_ADDR="192.0.2.10")
    [failed] = audit_events(caplog, "login_failed")
    [login] = audit_events(caplog, "login")
    [logout] = audit_events(caplog, "logout")
    assert (failed.user, failed.client) == ("reviewer", "192.0.2.10")
    assert (login.user, login.client) == ("reviewer", "192.0.2.10")
    assert (logout.user, logout.client) == ("reviewer", "192.0.2.10")


@pytest.mark.django_db
def test_every_decision_is_logged_with_who_took_it(client, staff, letter, caplog):
    approve_me = make_signature(letter, city="Peoria")
    reject_me = make_signature(letter, city="Joliet")
    log_in_with_device(client, staff)
    response = admin_action(client, "approve_selected", approve_me, apply="Approve")
    assert response.status_code == 302
    reject_me.reject(staff, "The office did not confirm.")
    decisions = {(r.signature, r.status, r.user) for r in audit_events(caplog, "decision")}
    assert decisions == {
        (approve_me.pk, Signature.Status.APPROVED, "reviewer"),
        (reject_me.pk, Signature.Status.REJECTED, "reviewer"),
    }
    # The log names the signature by number: no contact details.
    assert "chris.aide" not in caplog.text
