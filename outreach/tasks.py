"""Outreach's mail, sent by the worker: the invitation or reminder message and the
task that sends a batch of them (registered with signon.tasks' decorator, so the
same worker and queue carry it, with the signature mail's retries: ``retry_later``)."""

import logging

from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from signon.contact import conference_contact
from signon.tasks import mail_task, retry_later, task

from .links import decline_url, invitation_url, unsubscribe_url
from .models import Invitation

log = logging.getLogger(__name__)


def message(kind: str, invitation: Invitation) -> EmailMessage:
    """The invitation or a reminder: the letter's title and summary, the personal link,
    the way to say no, and the way to stop all e-mail from the conference."""
    letter, office = invitation.letter, invitation.office
    unsubscribe = unsubscribe_url(office)
    context = {
        "letter": letter,
        "office": office,
        "kind": kind,
        "sign_url": invitation_url(invitation),
        "decline_url": decline_url(invitation),
        "unsubscribe_url": unsubscribe,
        "contact": conference_contact(letter),
        "deadline": letter.deadline,
    }
    subject = render_to_string("outreach/email/invitation_subject.txt", context)
    body = render_to_string("outreach/email/invitation.txt", context)
    reply_to = [address for address in [letter.questions_email] if address]
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[office.email],
        reply_to=reply_to,
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )


@mail_task
@task()
def send_outreach_mail(kind: str, ids: list[int], attempt: int = 1) -> dict[str, int]:
    """The worker's side: send this batch over one connection, skipping whoever opted
    out (or, for a reminder, answered) since it was queued, and what was already sent.
    Each message the server takes is recorded on its invitation; the ones that failed
    are tried again as the signature mail is (signon.tasks.retry_later), and after the
    last retry stay marked ``mail_failed_at`` for staff."""
    queued = Invitation.objects.filter(pk__in=ids, mail_pending=kind)
    wanted = queued.filter(office__opt_out__isnull=True)
    if kind == "reminder":
        wanted = wanted.filter(signature__isnull=True, declined_at__isnull=True)
    queued.exclude(pk__in=wanted.values("pk")).update(mail_pending="")
    invitations = list(wanted.select_related("letter", "office"))
    sent, failed = [], []
    try:
        with get_connection() as connection:
            for invitation in invitations:
                try:
                    connection.send_messages([message(kind, invitation)])
                except Exception as error:  # one office's failure must not stop the batch
                    failed.append(_failed(kind, invitation, error))
                else:
                    sent.append(_sent(kind, invitation))
    except Exception as error:  # the mail server could not be reached (or was lost)
        done = set(sent) | set(failed)
        failed += [_failed(kind, i, error) for i in invitations if i.pk not in done]
    if failed and not retry_later(send_outreach_mail, attempt, kind, failed):
        Invitation.objects.filter(pk__in=failed).update(mail_pending="")
        log.error("Gave up sending the %s to %s invitation(s) after %s attempts.",
                  kind, len(failed), attempt)  # fmt: skip
    return {"sent": len(sent), "failed": len(failed), "skipped": len(ids) - len(sent) - len(failed)}


def _sent(kind: str, invitation: Invitation) -> int:
    now = timezone.now()
    outcome = {"mail_pending": "", "mail_failed_at": None, "mail_error": ""}
    if kind == "reminder":
        outcome |= {"reminder_count": F("reminder_count") + 1, "last_reminded_at": now}
    else:
        outcome |= {"sent_at": now}
    Invitation.objects.filter(pk=invitation.pk).update(**outcome)
    return invitation.pk


def _failed(kind: str, invitation: Invitation, error: Exception) -> int:
    # The class name only: SMTP errors can quote the recipient's address.
    name = type(error).__name__
    log.warning("Could not send the %s for invitation %s (%s).", kind, invitation.pk, name)
    Invitation.objects.filter(pk=invitation.pk).update(
        mail_failed_at=timezone.now(), mail_error=f"{kind}: {name}"[:200]
    )
    return invitation.pk
