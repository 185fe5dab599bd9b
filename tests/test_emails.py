"""Every e-mail: who gets it, what it says, and what a failing mail server leaves behind."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from signon.models import Signature

from .conftest import (
    CHANGELIST,
    admin_action,
    conference_staff,
    form_data,
    log_in_with_device,
    make_signature,
)

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
FAILING = "tests.failing_mail.FailingBackend"
STAFF = ["desk@usmayors.example", "lead@usmayors.example"]


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.SIGNON_STAFF_EMAILS = STAFF
    settings.SITE_URL = "https://letters.example.org"


def sign_on(client, django_capture_on_commit_callbacks, **fields) -> Signature:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGN_URL, form_data(**fields))
    assert response.status_code == 302
    return Signature.objects.get()


@pytest.mark.django_db
def test_a_submission_mails_the_contact_a_receipt_with_a_confirmation_link(
    client, letter, django_capture_on_commit_callbacks
):
    signature = sign_on(client, django_capture_on_commit_callbacks)
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
def test_a_submission_notifies_staff_and_never_the_contact(
    client, letter, django_capture_on_commit_callbacks
):
    signature = sign_on(client, django_capture_on_commit_callbacks)
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
def test_without_staff_addresses_only_the_receipt_goes_out(
    client, letter, settings, django_capture_on_commit_callbacks
):
    settings.SIGNON_STAFF_EMAILS = []
    sign_on(client, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["chris.aide@springfield.il.gov"]]


@pytest.mark.django_db
def test_no_mail_leaves_before_the_signature_is_committed(client, letter):
    # Inside the test's transaction the commit never happens, so nothing is sent.
    client.post(SIGN_URL, form_data())
    assert Signature.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_approving_mails_the_contact_that_the_mayor_is_listed(
    letter, django_capture_on_commit_callbacks
):
    letter.questions_contact_email = "questions@usmayors.example"
    letter.save()
    signature = make_signature(
        letter, receipt_sent_at="2026-03-01T10:00Z", staff_notified_at="2026-03-01T10:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True):
        signature.approve(conference_staff())
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
def test_rejecting_sends_the_contact_nothing(letter, django_capture_on_commit_callbacks):
    signature = make_signature(letter, receipt_sent_at="2026-03-01T10:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        signature.reject(conference_staff(), "Not the mayor's office")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_the_signature_and_records_the_failure(
    client, letter, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with caplog.at_level(logging.WARNING, logger="signon.emails"):
        signature = sign_on(client, django_capture_on_commit_callbacks)
    assert client.get(reverse("signon:thanks", kwargs={"slug": letter.slug})).status_code == 200
    assert signature.status == Signature.Status.PENDING
    assert signature.mail_failed_at is not None
    assert signature.mail_error == (
        "receipt: SMTPRecipientsRefused; staff notification: SMTPRecipientsRefused"
    )
    assert signature.receipt_sent_at is None
    assert "Could not send the receipt" in caplog.text
    assert "chris.aide" not in caplog.text
    assert "chris.aide" not in signature.mail_error


@pytest.mark.django_db
def test_the_retry_command_sends_what_failed_and_clears_the_failure(
    client, letter, settings, django_capture_on_commit_callbacks, capsys
):
    settings.EMAIL_BACKEND = FAILING
    signature = sign_on(client, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    call_command("retry_signon_mail")
    assert "1 signature(s) mailed, 0 still failing." in capsys.readouterr().out
    assert sorted(m.to[0] for m in mail.outbox) == ["chris.aide@springfield.il.gov", STAFF[0]]
    signature.refresh_from_db()
    assert signature.mail_failed_at is None
    assert signature.mail_error == ""
    assert signature.receipt_sent_at is not None

    call_command("retry_signon_mail")
    assert len(mail.outbox) == 2  # nothing owed any more: nothing sent twice


@pytest.mark.django_db
def test_the_retry_action_sends_what_failed(
    client, letter, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    signature = sign_on(client, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    log_in_with_device(client, conference_staff())

    page = client.get(CHANGELIST, {"mail": "failed"})
    assert [s.pk for s in page.context["cl"].result_list] == [signature.pk]
    change = client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert "receipt: SMTPRecipientsRefused" in change.text

    response = admin_action(client, "retry_mail", signature, follow=True)
    assert "1 signature(s) mailed." in response.text
    assert len(mail.outbox) == 2
    signature.refresh_from_db()
    assert signature.mail_failed_at is None


@pytest.mark.django_db
def test_a_failing_approval_notice_is_recorded_and_the_approval_stands(
    letter, settings, django_capture_on_commit_callbacks
):
    signature = make_signature(letter, receipt_sent_at="2026-03-01T10:00Z")
    settings.SIGNON_STAFF_EMAILS = []
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        signature.approve(conference_staff())
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.mail_error == "approval notice: SMTPRecipientsRefused"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("retry_signon_mail")
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
    assert "1 confirmation e-mail(s) sent." in response.text
    assert "1 skipped: only pending, unconfirmed signatures get a new link." in response.text
    receipts = [m for m in mail.outbox if "/confirm/" in m.body]
    assert len(receipts) == 1
    assert receipts[0].to == [waiting.contact_email]
