"""Retry the e-mail that failed to go out (run it by hand or from cron)."""

from django.core.management.base import BaseCommand

from signon import emails
from signon.models import Signature


class Command(BaseCommand):
    help = "Send again every sign-on e-mail whose sending failed."

    def handle(self, *args, **options) -> None:
        failed = Signature.objects.filter(mail_failed_at__isnull=False).select_related("letter")
        sent, still_failing = 0, 0
        for signature in failed.iterator():
            if emails.send_due_mail(signature):
                sent += 1
            else:
                still_failing += 1
        # Counts only: the log must never carry an address.
        self.stdout.write(f"{sent} signature(s) mailed, {still_failing} still failing.")
        if still_failing:
            self.stderr.write("Some e-mail failed again; see the signatures' Mail field in admin.")
