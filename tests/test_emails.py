"""Every e-mail: who gets it, what it says, and what a failing mail server leaves behind."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signon.models import Signature
from signon.tasks import queue_mail

from .conftest import (
    CHANGELIST,
    admin_action,
    conference_staff,
    form_data,
    log_in_with_device,
    make_signature,
    run_queued_mail,
)

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
FAILING = "tests.failing_mail.FailingBackend"
STAFF = ["desk@usmayors.example", "lead@usmayors.example"]


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.SIGNON_STAFF_EMAILS = STAFF
    settings.SITE_URL = "https://letters.example.org"


def sign_on(client, **fields) -> Signature:
    """Sign on, then let the mail worker run what was queued."""
    response = client.post(SIGN_URL, form_data(**fields))
    assert response.status_code == 302
    run_queued_mail()
    return Signature.objects.get()


@pytest.mark.django_db
def test_a_submission_mails_the_contact_a_receipt_with_a_confirmation_link(client, letter):
    signature = sign_on(client)
    receipts = [m for m in mail.outbox if m.to == ["chris.aide@springfield.il.gov"]]
    assert len(receipts) == 1
    receipt = receipts[0]
    assert receipt.subject == f"Received: Mayor Ada Lovelace’s sign-on to “{letter.title}”"
    assert "Dear Chris," in receipt.body
    assert "Mayor Ada Lovelace of Springfield, IL" in receipt.body
    assert "staff verify each sign-on" in receipt.body
    assert "https://letters.example.org/confirm/" in receipt.body
    assert "works once, for 72 hours" in receipt.body
    assert "https://letters.example.org/letters/immigration-reform/" in receipt.body
    # The link names the signature by its random id only: no address, no row number.
    link = next(line for line in receipt.body.split() if "/confirm/" in line)
    assert "chris" not in link.lower() and "springfield" not in link.lower()
    assert str(signature.confirmation_id) in link
    assert f"/{signature.pk}/" not in link
    signature.refresh_from_db()
    assert signature.receipt_sent_at is not None
    assert signature.mail_failed_at is None


@pytest.mark.django_db
def test_a_submission_notifies_staff_and_never_the_contact(client, letter):
    signature = sign_on(client)
    notices = [m for m in mail.outbox if m.to == STAFF]
    assert len(notices) == 1
    notice = notices[0]
    assert notice.subject == "New sign-on to review: Mayor Ada Lovelace, Springfield, IL"
    assert f"https://letters.example.org/admin/signon/signature/{signature.pk}/change/" in (
        notice.body
    )
    everyone = notice.to + notice.cc + notice.bcc
    assert "chris.aide@springfield.il.gov" not in everyone
    assert "chris.aide@springfield.il.gov" not in notice.body
    assert len(mail.outbox) == 2
    signature.refresh_from_db()
    assert signature.staff_notified_at is not None


@pytest.mark.django_db
def test_without_staff_addresses_only_the_receipt_goes_out(client, letter, settings):
    settings.SIGNON_STAFF_EMAILS = []
    sign_on(client)
    assert [m.to for m in mail.outbox] == [["chris.aide@springfield.il.gov"]]


@pytest.mark.django_db
def test_the_sign_on_request_sends_nothing_itself_it_queues_the_mail_with_the_row(client, letter):
    client.post(SIGN_URL, form_data())
    assert Signature.objects.count() == 1
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "signon.tasks.send_signature_mail"
    assert queued.args_kwargs == {"args": [Signature.objects.get().pk, 1], "kwargs": {}}
    assert run_queued_mail() == ["sent"]
    assert len(mail.outbox) == 2
    assert run_queued_mail() == []  # sent once: nothing left to run


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_that_fails_to_save_queues_no_mail(letter, monkeypatch):
    # Real transactions here: the row and its task commit together or not at all.
    def broken_log(*args, **kwargs):
        raise IntegrityError("the log table is away")

    client = Client()
    client.post(SIGN_URL, form_data())
    signature = Signature.objects.get()
    monkeypatch.setattr(LogEntry.objects, "log_actions", broken_log)
    DBTaskResult.objects.all().delete()
    with pytest.raises(IntegrityError):
        signature.approve(conference_staff())
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_approving_mails_the_contact_that_the_mayor_is_listed(letter):
    letter.questions_contact_email = "questions@usmayors.example"
    letter.save()
    signature = make_signature(
        letter, receipt_sent_at="2026-03-01T10:00Z", staff_notified_at="2026-03-01T10:00Z"
    )
    signature.approve(conference_staff())
    run_queued_mail()
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["chris.aide@springfield.il.gov"]
    assert notice.subject == f"Mayor Ada Lovelace is now listed on “{letter.title}”"
    assert "Dear Chris," in notice.body
    assert "https://letters.example.org/letters/immigration-reform/" in notice.body
    # Replies reach the person the letter names for questions, not a no-reply box.
    assert notice.reply_to == ["questions@usmayors.example"]
    signature.refresh_from_db()
    assert signature.approval_notice_sent_at is not None


@pytest.mark.django_db
def test_rejecting_sends_the_contact_nothing(letter):
    signature = make_signature(letter, receipt_sent_at="2026-03-01T10:00Z")
    signature.reject(conference_staff(), "Not the mayor's office")
    run_queued_mail()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_the_signature_retries_and_records_the_failure(
    client, letter, settings, caplog
):
    settings.EMAIL_BACKEND = FAILING
    settings.SIGNON_MAIL_RETRY_DELAYS = [0, 0]  # two retries, at once
    with caplog.at_level(logging.WARNING, logger="signon"):
        signature = sign_on(client)
    assert client.get(reverse("signon:thanks", kwargs={"slug": letter.slug})).status_code == 200
    assert signature.status == Signature.Status.PENDING
    assert signature.mail_failed_at is not None
    assert signature.mail_error == (
        "receipt: SMTPRecipientsRefused; staff notification: SMTPRecipientsRefused"
    )
    assert signature.receipt_sent_at is None
    assert caplog.text.count("Could not send the receipt") == 3  # the first try, two retries
    assert "Gave up mailing signature" in caplog.text
    assert "chris.aide" not in caplog.text
    assert "chris.aide" not in signature.mail_error


@pytest.mark.django_db
def test_a_retry_waits_its_delay_and_then_sends_only_what_is_still_owed(client, letter, settings):
    settings.SIGNON_MAIL_RETRY_DELAYS = [60]
    settings.SIGNON_STAFF_EMAILS = []
    settings.EMAIL_BACKEND = FAILING
    assert [sign_on(client).mail_failed_at is not None] == [True]
    retry = DBTaskResult.objects.get(status="READY")
    assert 55 <= (retry.run_after - timezone.now()).total_seconds() <= 60
    assert run_queued_mail() == []  # not due yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        assert run_queued_mail() == ["sent"]
    assert [m.to for m in mail.outbox] == [["chris.aide@springfield.il.gov"]]
    signature = Signature.objects.get()
    assert (signature.mail_failed_at, signature.mail_error) == (None, "")


@pytest.mark.django_db
def test_staff_see_mail_that_failed_after_the_retries_and_can_queue_it_again(
    client, letter, settings
):
    settings.EMAIL_BACKEND = FAILING
    settings.SIGNON_MAIL_RETRY_DELAYS = []
    signature = sign_on(client)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    log_in_with_device(client, conference_staff())

    page = client.get(CHANGELIST, {"mail": "failed"})
    assert [s.pk for s in page.context["cl"].result_list] == [signature.pk]
    change = client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert "receipt: SMTPRecipientsRefused" in change.text

    response = admin_action(client, "retry_mail", signature, follow=True)
    assert "1 signature(s) queued to mail again" in response.text
    assert mail.outbox == []  # the worker sends it, not the request
    assert run_queued_mail() == ["sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["chris.aide@springfield.il.gov", STAFF[0]]
    signature.refresh_from_db()
    assert signature.mail_failed_at is None
    assert signature.receipt_sent_at is not None

    # Asked again, with nothing owed any more: nothing is sent twice.
    admin_action(client, "retry_mail", signature)
    assert run_queued_mail() == []
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failing_approval_notice_is_recorded_and_the_approval_stands(letter, settings):
    signature = make_signature(letter, receipt_sent_at="2026-03-01T10:00Z")
    settings.SIGNON_STAFF_EMAILS = []
    settings.SIGNON_MAIL_RETRY_DELAYS = []
    settings.EMAIL_BACKEND = FAILING
    signature.approve(conference_staff())
    assert run_queued_mail() == ["failed"]
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.mail_error == "approval notice: SMTPRecipientsRefused"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue_mail(signature)
    assert run_queued_mail() == ["sent"]
    assert [m.subject for m in mail.outbox] == [
        f"Mayor Ada Lovelace is now listed on “{letter.title}”"
    ]


@pytest.mark.django_db
def test_resend_confirmation_mails_a_fresh_link_to_pending_unconfirmed_contacts_only(
    client, letter
):
    waiting = make_signature(letter, city="Peoria", receipt_sent_at="2026-03-01T10:00Z")
    confirmed = make_signature(letter, city="Joliet", email_confirmed_at="2026-03-01T10:00Z")
    log_in_with_device(client, conference_staff())
    response = admin_action(client, "resend_confirmation", waiting, confirmed, follow=True)
    assert "1 confirmation e-mail(s) queued to send." in response.text
    assert run_queued_mail() == ["sent"]
    assert "1 skipped: only pending, unconfirmed signatures get a new link." in response.text
    receipts = [m for m in mail.outbox if "/confirm/" in m.body]
    assert len(receipts) == 1
    assert receipts[0].to == [waiting.contact_email]
