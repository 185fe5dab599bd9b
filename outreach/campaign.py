"""Outreach campaigns: choosing offices to invite to a letter, inviting them,
reminding the silent ones, recording a "no" or an opt-out, and the funnel.

- Mail goes through the worker (outreach/tasks.py): one task per batch, queued in
  the transaction that records the batch; nothing is sent inside a request. Queuing
  marks the invitations ``mail_pending``; ``sent_at`` and the reminder counters move
  only when the mail server took the message (retried as the signature mail is).
- An office that opted out is never e-mailed again, on any letter; one that
  declined or signed is never reminded.
- Every batch, reminder round and opt-out is recorded: batches and reminders in
  the letter's admin history (who, when, how many), opt-outs as a row and in the
  audit log.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from letters.models import Letter
from places.models import MEMBER_SIZE
from signon.models import Signature

from .models import Invitation, Office, OptOut
from .tasks import send_outreach_mail

log = logging.getLogger("signon.audit")


def candidates(letter: Letter, *, states=(), members_only=True, member_size=False,
               not_yet_signed=True) -> QuerySet:  # fmt: skip
    """Offices that may be invited to this letter: reachable by e-mail, not opted out,
    not invited to it yet; narrowed by state, membership, size and sign-on."""
    offices = Office.objects.exclude(email="").filter(opt_out__isnull=True)
    offices = offices.exclude(invitations__letter=letter)
    if states:
        offices = offices.filter(state__in=states)
    if members_only:
        offices = offices.filter(member=True)
    if member_size:
        offices = offices.filter(place__population__gte=MEMBER_SIZE)
    if not_yet_signed:
        signed = Signature.objects.live().filter(letter=letter).values("office_key")
        offices = offices.exclude(office_key__in=signed)
    return offices.order_by("state", "city")


def invite(letter: Letter, offices: QuerySet, user) -> int:
    """Create the invitations and queue their mail as one task; the number invited."""
    with transaction.atomic():
        created = Invitation.objects.bulk_create(
            [Invitation(letter=letter, office=office, invited_by=user) for office in offices],
            ignore_conflicts=True,
        )
        ids = list(
            Invitation.objects.filter(
                letter=letter, office__in=[i.office_id for i in created], sent_at__isnull=True,
                mail_pending="",
            ).values_list("pk", flat=True)
        )  # fmt: skip
        if not ids:
            return 0
        Invitation.objects.filter(pk__in=ids).update(mail_pending="invitation")
        _history(user, letter, f"Invited {len(ids)} office(s) from the directory")
        _queue("invitation", ids)
    return len(ids)


def due_for_reminder(invitations: QuerySet) -> QuerySet:
    """The silent ones: invited, not signed, not declined, not opted out, under the
    reminder limit, not contacted within the minimum interval, and no mail already queued."""
    since = timezone.now() - timedelta(days=settings.SIGNON_OUTREACH_REMINDER_DAYS)
    return invitations.filter(
        Q(last_reminded_at__isnull=True, sent_at__lte=since) | Q(last_reminded_at__lte=since),
        signature__isnull=True,
        declined_at__isnull=True,
        office__opt_out__isnull=True,
        reminder_count__lt=settings.SIGNON_OUTREACH_MAX_REMINDERS,
        mail_pending="",
    )


def remind(invitations: QuerySet, user) -> int:
    """Queue reminders to those of these invitations that are due one; how many."""
    return _queue_again(
        due_for_reminder(invitations), "reminder", user,
        lambda count: f"Sent a reminder to {count} office(s)",
    )  # fmt: skip


def resend_failed(invitations: QuerySet, user) -> int:
    """Queue again those of these invitations whose message failed after every retry
    (a failed reminder needs nothing: the office is due one again); how many."""
    failed = invitations.filter(
        sent_at__isnull=True, mail_pending="", mail_failed_at__isnull=False,
        office__opt_out__isnull=True,
    )  # fmt: skip
    return _queue_again(
        failed, "invitation", user, lambda count: f"Sent {count} failed invitation(s) again"
    )


def _queue_again(chosen: QuerySet, kind: str, user, history) -> int:
    """Mark these invitations as owed a ``kind`` message, say so in each letter's
    history (``history(count)``), and queue one task for them all; how many."""
    with transaction.atomic():
        rows = list(chosen.select_for_update(of=("self",)).values_list("pk", "letter"))
        if not rows:
            return 0
        ids = [pk for pk, _ in rows]
        # The counters move when the worker has sent it (outreach/tasks.py).
        Invitation.objects.filter(pk__in=ids).update(mail_pending=kind)
        for letter in Letter.objects.filter(pk__in={letter_id for _, letter_id in rows}):
            count = sum(1 for _, letter_id in rows if letter_id == letter.pk)
            _history(user, letter, history(count))
        _queue(kind, ids)
    return len(ids)


def decline(invitation: Invitation, reason: str) -> None:
    Invitation.objects.filter(pk=invitation.pk, declined_at__isnull=True).update(
        declined_at=timezone.now(), decline_reason=reason
    )


def opt_out(office: Office) -> bool:
    """Record that this office asked not to be e-mailed; False if it already had."""
    _, created = OptOut.objects.get_or_create(office=office)
    if created:
        log.info("Outreach opt-out", extra={"event": "opt_out", "office": office.pk})
    return created


def _history(user, letter: Letter, message: str) -> None:
    LogEntry.objects.log_actions(user.pk, [letter], CHANGE, message, single_object=True)


def _queue(kind: str, ids: list[int]) -> None:
    # In the caller's transaction: the batch and its mail commit together or not at all.
    send_outreach_mail.enqueue(kind, ids)


# ---------------------------------------------------------------- the funnel


def funnel(letter: Letter) -> dict[str, int]:
    """Per letter: invited, opened the form, submitted, approved, declined, and more."""
    return Invitation.objects.filter(letter=letter).aggregate(
        invited=Count("pk"),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        submitted=Count("pk", filter=Q(signature__isnull=False)),
        approved=Count("pk", filter=Q(signature__status=Signature.Status.APPROVED)),
        declined=Count("pk", filter=Q(declined_at__isnull=False)),
        reminded=Count("pk", filter=Q(reminder_count__gt=0)),
        unsubscribed=Count("pk", filter=Q(office__opt_out__isnull=False)),
        mail_failed=Count("pk", filter=Q(mail_failed_at__isnull=False, mail_pending="")),
    )


def not_yet_signed(letter: Letter) -> QuerySet:
    """Invited offices with no signature and no "no": the phone follow-up list."""
    return (
        Invitation.objects.filter(letter=letter, signature__isnull=True, declined_at__isnull=True)
        .select_related("office")
        .order_by("office__state", "office__city")
    )
