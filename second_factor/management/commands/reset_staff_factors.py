"""Emergency: remove every sign-in factor of one staff account, from the shell."""

from django.contrib.sessions.models import Session

from second_factor import devices
from second_factor.management.accounts import AccountCommand


class Command(AccountCommand):
    help = (
        "Remove one staff account's authenticator apps, passkeys and recovery codes, and end "
        "its sessions. Its next sign-in (password) walks it through setting up a new factor."
    )

    def handle(self, *args, username: str, **options):
        user = self.account(username)
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
