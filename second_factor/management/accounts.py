"""What the staff-factor commands share: one account named on the command line."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class AccountCommand(BaseCommand):
    """A command about one account, named by its username."""

    # Added to "No account named …" when the account is missing.
    missing_hint = ""

    def add_arguments(self, parser):
        parser.add_argument("username")

    def account(self, username: str):
        User = get_user_model()
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No account named {username!r}{self.missing_hint}.") from exc
