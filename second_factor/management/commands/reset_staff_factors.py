"""Emergency: remove every sign-in factor of one staff account, from the shell."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError

from second_factor import devices


class Command(BaseCommand):
    help = (
        "Remove one staff account's authenticator apps, passkeys and recovery codes, and end "
        "its sessions. Its next sign-in (password) walks it through setting up a new factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No account named {username!r}.") from exc
        removed = devices.remove_all(user)
        ended = _end_sessions(user)
        self.stdout.write(
            f"Removed {removed} sign-in factor(s) of {username} and ended {ended} session(s). "
            "At the next sign-in they set up a new one."
        )


def _end_sessions(user) -> int:
    """A session verified with a removed device must not stay open."""
    ended = 0
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
