"""Erase contact details from signatures on letters closed long enough ago.

The public record (mayor, city, state, status, dates) stays; the contact
person's name, e-mail and phone go, with the last mail error (which can quote
the address) and any question an office asked about the signature (OfficeNote).
A closed or delivered letter counts as closed since its last
change (``Letter.updated_at``): editing it restarts the clock, which errs on the
side of keeping data a little longer. An open letter is closed since its deadline.

Held submissions (they looked automated and staff never released them) are
deleted whole once older than --held-days (SIGNON_HELD_DAYS, default 30): they
were never public, and what a script sent is kept no longer than staff need to
look at it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from letters.models import Letter
from signon.models import OfficeNote, Signature

log = logging.getLogger("signon.purge")

CONTACT_FIELDS = (
    "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
    "contact_phone_extension", "mail_error",
)  # fmt: skip


class Command(BaseCommand):
    help = "Erase contact details of signatures on letters closed more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=365,
            help="Purge letters closed more than this many days ago (default 365).",
        )  # fmt: skip
        parser.add_argument(
            "--held-days", type=int, default=None,
            help="Delete held submissions older than this many days "
                 "(default: SIGNON_HELD_DAYS, 30 unless set).",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be purged; change nothing."
        )

    def handle(self, *args, days: int, held_days: int | None, dry_run: bool, **options) -> None:
        if held_days is None:
            held_days = settings.SIGNON_HELD_DAYS
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        if held_days < 0:
            raise CommandError("--held-days must be 0 or more.")
        cutoff = timezone.now() - timedelta(days=days)
        ended = [Letter.Status.CLOSED, Letter.Status.DELIVERED]
        letters = Letter.objects.filter(
            Q(status__in=ended, updated_at__lt=cutoff)
            | Q(status=Letter.Status.OPEN, deadline__lt=cutoff)
        )
        # Not already purged: any one contact field still filled.
        has_contact = Q()
        for field in CONTACT_FIELDS:
            has_contact |= ~Q(**{field: ""})
        signatures = Signature.objects.filter(letter__in=letters).filter(has_contact)
        with transaction.atomic():
            count = signatures.count()
            letter_count = signatures.values("letter").distinct().count()
            if not dry_run:
                signatures.update(**{field: "" for field in CONTACT_FIELDS},
                                  updated_at=timezone.now())  # fmt: skip
                # Questions offices asked about a signature carry who asked: gone too.
                OfficeNote.objects.filter(signature__letter__in=letters).delete()
        verb = "Would purge" if dry_run else "Purged"
        message = (
            f"{verb} the contact details of {count} signature(s) on {letter_count} letter(s) "
            f"closed more than {days} day(s) ago."
        )
        self.stdout.write(message)
        log.info(message, extra={"event": "purge", "dry_run": dry_run, "signatures": count})
        self._delete_held(held_days, dry_run)

    def _delete_held(self, held_days: int, dry_run: bool) -> None:
        held = Signature.objects.filter(
            status=Signature.Status.HELD,
            created_at__lt=timezone.now() - timedelta(days=held_days),
        )
        count = held.count() if dry_run else held.delete()[0]
        verb = "Would delete" if dry_run else "Deleted"
        message = f"{verb} {count} held submission(s) older than {held_days} day(s)."
        self.stdout.write(message)
        log.info(message, extra={"event": "purge_held", "dry_run": dry_run, "held": count})
