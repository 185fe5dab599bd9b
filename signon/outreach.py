"""Outreach to the directory's offices: invitations, their personal links, the funnel,
reminders, opt-outs, and the directory signal on signatures.

- A personal link is a signed token (Django's signing, a salt of its own) carrying
  only the invitation's id; it stops working when the letter closes. The opt-out
  link carries only the office's id.
- Mail goes through the worker (signon/tasks.py): one task per batch, queued in
  the transaction that records the batch; nothing is sent inside a request.
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
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from directory.models import Office
from letters.models import Letter
from places.models import MEMBER_SIZE

from .contact import conference_contact
from .emails import absolute_url
from .models import Invitation, OutreachOptOut, Signature, email_domain
from .tasks import task

log = logging.getLogger("signon.audit")

_INVITATION_SALT = "signon.outreach.invitation"
_UNSUBSCRIBE_SALT = "signon.outreach.unsubscribe"


# ---------------------------------------------------------------- tokens


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=_INVITATION_SALT)


def read_invitation_token(token: str) -> int | None:
    """The invitation id a token carries, or None for anything forged or altered."""
    try:
        value = signing.loads(token, salt=_INVITATION_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unsubscribe_token(office: Office) -> str:
    return signing.dumps(office.pk, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def invitation_url(invitation: Invitation) -> str:
    kwargs = {"slug": invitation.letter.slug, "token": invitation_token(invitation)}
    return absolute_url(reverse("signon:invited", kwargs=kwargs))


# ---------------------------------------------------------------- the directory signal


def with_directory(queryset: QuerySet) -> QuerySet:
    """Annotate each signature with its office's directory entry (one query for a page)."""
    office = Office.objects.filter(office_key=OuterRef("office_key")).order_by()
    return queryset.annotate(
        directory_first=Subquery(office.values("mayor_first_name")[:1]),
        directory_last=Subquery(office.values("mayor_last_name")[:1]),
        directory_domains=Subquery(office.values("domains")[:1]),
    )


def mayor_matches(queryset: QuerySet) -> QuerySet:
    """Signatures whose mayor's name is the one the directory lists for their place."""
    return with_directory(queryset).filter(
        directory_first__iexact=F("mayor_first_name"),
        directory_last__iexact=F("mayor_last_name"),
    )


def matching_directory(queryset: QuerySet) -> QuerySet:
    """Signatures whose place, mayor's name and contact e-mail domain match the directory."""
    padded = Concat(Value(" "), F("directory_domains"), Value(" "))
    return (
        with_directory(queryset)
        .alias(
            directory_padded=padded,
            contact_domain=Concat(Value(" "), email_domain(), Value(" ")),
        )
        .filter(
            directory_padded__contains=F("contact_domain"),
            directory_first__iexact=F("mayor_first_name"),
            directory_last__iexact=F("mayor_last_name"),
        )
    )


def directory_verdict(signature) -> tuple[str, str]:
    """("match" | "mismatch" | "domain" | "absent", what staff read), from with_directory."""
    first = getattr(signature, "directory_first", None)
    if first is None:
        return "absent", "Not in the directory"
    listed = f"{first} {signature.directory_last}"
    same_name = (first.casefold(), signature.directory_last.casefold()) == (
        signature.mayor_first_name.casefold(),
        signature.mayor_last_name.casefold(),
    )
    if not same_name:
        return "mismatch", f"Directory: Mayor {listed}; signed as Mayor {signature.mayor_name}"
    domain = signature.contact_email.rpartition("@")[2].lower()
    if domain not in (signature.directory_domains or "").split():
        return "domain", "Mayor matches the directory; e-mail not from the office’s domain"
    return "match", "Matches the directory"


# ---------------------------------------------------------------- choosing offices


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
                letter=letter, office__in=[i.office_id for i in created], sent_at__isnull=True
            ).values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Invitation.objects.filter(pk__in=ids).update(sent_at=timezone.now())
        _history(user, letter, f"Invited {len(ids)} office(s) from the directory")
        _queue("invitation", ids)
    return len(ids)


def due_for_reminder(invitations: QuerySet) -> QuerySet:
    """The silent ones: invited, not signed, not declined, not opted out, under the
    reminder limit, and not contacted within the minimum interval."""
    since = timezone.now() - timedelta(days=settings.SIGNON_OUTREACH_REMINDER_DAYS)
    return invitations.filter(
        Q(last_reminded_at__isnull=True, sent_at__lte=since) | Q(last_reminded_at__lte=since),
        signature__isnull=True,
        declined_at__isnull=True,
        office__opt_out__isnull=True,
        reminder_count__lt=settings.SIGNON_OUTREACH_MAX_REMINDERS,
    )


def remind(invitations: QuerySet, user) -> int:
    """Queue reminders to those of these invitations that are due one; how many."""
    with transaction.atomic():
        due = due_for_reminder(invitations).select_for_update(of=("self",))
        due = list(due.values_list("pk", "letter"))
        if not due:
            return 0
        ids = [pk for pk, _ in due]
        Invitation.objects.filter(pk__in=ids).update(
            reminder_count=F("reminder_count") + 1, last_reminded_at=timezone.now()
        )
        for letter in Letter.objects.filter(pk__in={letter_id for _, letter_id in due}):
            count = sum(1 for _, letter_id in due if letter_id == letter.pk)
            _history(user, letter, f"Sent a reminder to {count} office(s)")
        _queue("reminder", ids)
    return len(ids)


def decline(invitation: Invitation, reason: str) -> None:
    Invitation.objects.filter(pk=invitation.pk, declined_at__isnull=True).update(
        declined_at=timezone.now(), decline_reason=reason
    )


def opt_out(office: Office) -> bool:
    """Record that this office asked not to be e-mailed; False if it already had."""
    _, created = OutreachOptOut.objects.get_or_create(office=office)
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
    )


def not_yet_signed(letter: Letter) -> QuerySet:
    """Invited offices with no signature and no "no": the phone follow-up list."""
    return (
        Invitation.objects.filter(letter=letter, signature__isnull=True, declined_at__isnull=True)
        .select_related("office")
        .order_by("office__state", "office__city")
    )


# ---------------------------------------------------------------- the messages


def message(kind: str, invitation: Invitation) -> EmailMessage:
    """The invitation or a reminder: the letter's title and summary, the personal link,
    the way to say no, and the way to stop all e-mail from the conference."""
    letter, office = invitation.letter, invitation.office
    token = invitation_token(invitation)
    unsubscribe = absolute_url(
        reverse("signon:outreach-unsubscribe", kwargs={"token": unsubscribe_token(office)})
    )
    context = {
        "letter": letter,
        "office": office,
        "kind": kind,
        "sign_url": invitation_url(invitation),
        "decline_url": absolute_url(
            reverse("signon:invited-decline", kwargs={"slug": letter.slug, "token": token})
        ),
        "unsubscribe_url": unsubscribe,
        "contact": conference_contact(letter),
        "deadline": letter.deadline,
    }
    subject = render_to_string("signon/email/invitation_subject.txt", context)
    body = render_to_string("signon/email/invitation.txt", context)
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
