"""Outreach's mail, sent by the worker: the invitation or reminder message and the
task that sends a batch of them (registered with signon.tasks' decorator, so the
same worker, queue and retries carry it)."""

import logging

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from signon.contact import conference_contact
from signon.tasks import task

from .links import decline_url, invitation_url, unsubscribe_url
from .models import Invitation


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


@task()
def send_outreach_mail(kind: str, ids: list[int]) -> dict[str, int]:
    """The worker's side: send this batch over one connection, skipping whoever opted
    out (or, for a reminder, answered) since it was queued."""
    invitations = Invitation.objects.filter(pk__in=ids, office__opt_out__isnull=True)
    if kind == "reminder":
        invitations = invitations.filter(signature__isnull=True, declined_at__isnull=True)
    invitations = invitations.select_related("letter", "office")
    sent = failed = 0
    with get_connection() as connection:
        for invitation in invitations:
            try:
                connection.send_messages([message(kind, invitation)])
            except Exception as error:  # one office's failure must not stop the batch
                failed += 1
                # The class name only: SMTP errors can quote the recipient's address.
                logging.getLogger(__name__).warning(
                    "Could not send the %s for invitation %s (%s).",
                    kind, invitation.pk, type(error).__name__,
                )  # fmt: skip
            else:
                sent += 1
    return {"sent": sent, "failed": failed, "skipped": len(ids) - sent - failed}
