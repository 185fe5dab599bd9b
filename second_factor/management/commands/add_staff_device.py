"""A staff account's authenticator app from the shell: a newcomer's first account, tests.

Prints the secret and the otpauth:// address to add to an authenticator app,
and a set of recovery codes.
"""

from django.core.management.base import CommandError

from second_factor import devices
from second_factor.management.accounts import AccountCommand


class Command(AccountCommand):
    help = (
        "Give a staff account an authenticator app (TOTP) and recovery codes, and print them. "
        "Create the account first, e.g. with createsuperuser."
    )

    missing_hint = ": create it first"

    def handle(self, *args, username: str, **options):
        user = self.account(username)
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
