"""Every e-mail the sign-on desk sends, and what happens when the mail server fails.

Nothing here is called inside a request: callers queue the mail in their own
transaction and a worker sends it (signon/tasks.py), so a slow or broken mail
server never loses or blocks a signature. A failure is caught, logged without
the address, and recorded on the signature; the worker retries it, then staff
from admin.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .contact import conference_contact
from .tokens import MAX_AGE, make_token

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    # Built from a setting, never from the request's Host header, so a forged
    # header cannot put someone else's site into a confirmation e-mail.
    return settings.SITE_URL.rstrip("/") + path


def confirmation_url(signature) -> str:
    token = make_token(signature.confirmation_id)
    return absolute_url(reverse("signon:confirm-email", kwargs={"token": token}))


def _message(template: str, signature, to: list[str], **context) -> EmailMessage:
    # Replies reach a person: the letter's contact, else the conference's address.
    reply_to = [address for address in [signature.letter.questions_email] if address]
    context = {
        "signature": signature,
        "letter": signature.letter,
        "reply_to": reply_to,
        "contact": conference_contact(signature.letter),
        "review_time": settings.SIGNON_REVIEW_TIME,
        **context,
    }
    subject = render_to_string(f"signon/email/{template}_subject.txt", context)
    body = render_to_string(f"signon/email/{template}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=to, reply_to=reply_to)


def receipt(signature) -> EmailMessage:
    """To the contact: what they signed, that staff will verify it, and the confirmation link."""
    return _message(
        "receipt",
        signature,
        to=[signature.contact_email],
        confirm_url=confirmation_url(signature),
        letter_url=absolute_url(signature.letter.get_absolute_url()),
        expiry_hours=int(MAX_AGE.total_seconds() // 3600),
    )


def staff_notification(signature) -> EmailMessage:
    """To the conference staff in SIGNON_STAFF_EMAILS, never to the contact."""
    return _message(
        "staff_notification",
        signature,
        to=list(settings.SIGNON_STAFF_EMAILS),
        admin_url=absolute_url(reverse("admin:signon_signature_change", args=[signature.pk])),
    )


def approval_notice(signature) -> EmailMessage:
    """To the contact, once the mayor is approved and listed on the public letter."""
    return _message(
        "approval_notice",
        signature,
        to=[signature.contact_email],
        letter_url=absolute_url(signature.letter.get_absolute_url()),
    )


def rejection_notice(signature) -> EmailMessage:
    """To the contact, when staff reject and choose to share why (their words only)."""
    return _message("rejection_notice", signature, to=[signature.contact_email])


# Each message the desk owes a signature: its name, how to build it, the field
# that records it was sent, and whether it is owed.
_MESSAGES: list[tuple[str, Callable, str, Callable]] = [
    ("receipt", receipt, "receipt_sent_at", lambda s: s.receipt_sent_at is None),
    (
        "staff notification",
        staff_notification,
        "staff_notified_at",
        lambda s: s.staff_notified_at is None and bool(settings.SIGNON_STAFF_EMAILS),
    ),
    (
        "approval notice",
        approval_notice,
        "approval_notice_sent_at",
        lambda s: s.approval_notice_due,
    ),
    (
        "rejection notice",
        rejection_notice,
        "rejection_notice_sent_at",
        lambda s: s.rejection_notice_due,
    ),
]


def send_due_mail(signature) -> bool:
    """Send every message this signature is owed and has not had; record the outcome.

    Returns True when nothing failed.
    """
    return _send(signature, [(n, b, f) for n, b, f, due in _MESSAGES if due(signature)])


def _send(signature, messages: list[tuple[str, Callable, str]]) -> bool:
    # A held submission is mailed nothing until staff release it: a script must
    # not be able to use the form to send mail to strangers.
    if not messages or signature.status == "held":
        return True
    now = timezone.now()
    sent: dict[str, object] = {}
    failures: list[str] = []
    for name, build, sent_field in messages:
        try:
            build(signature).send()
        except Exception as error:  # any backend, any failure: the signature must survive it
            # The class name only: SMTP errors can quote the recipient's address.
            failures.append(f"{name}: {type(error).__name__}")
            logger.warning(
                "Could not send the %s for signature %s (%s); recorded for retry.",
                name,
                signature.pk,
                type(error).__name__,
            )
        else:
            sent[sent_field] = now
    outcome = {
        **sent,
        "mail_failed_at": now if failures else None,
        "mail_error": "; ".join(failures)[:200],
    }
    type(signature).objects.filter(pk=signature.pk).update(**outcome)
    for field, value in outcome.items():
        setattr(signature, field, value)
    return not failures
