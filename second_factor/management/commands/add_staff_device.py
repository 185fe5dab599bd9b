"""A staff account's authenticator app from the shell: a newcomer's first account, tests.

Prints the secret and the otpauth:// address to add to an authenticator app,
and a set of recovery codes.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from second_factor import devices


class Command(BaseCommand):
    help = (
        "Give a staff account an authenticator app (TOTP) and recovery codes, and print them. "
        "Create the account first, e.g. with createsuperuser."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No account named {username!r}: create it first.") from exc
        if not user.is_staff:
            raise CommandError(f"{username} is not staff: only staff sign in to the desk.")
        app = devices.confirmed_app(user)
        codes = devices.new_recovery_codes(user)
        self.stdout.write(f"Authenticator app added for {username}.")
        self.stdout.write(f"Secret (type it into the app, time-based): {devices.secret_text(app)}")
        self.stdout.write(f"Or open this address on the phone: {app.config_url}")
        self.stdout.write("Recovery codes (each works once; keep them safe):")
        for code in codes:
            self.stdout.write(f"  {code}")
