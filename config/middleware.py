import datetime
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# A staff session is written again at most this often: each write moves its end a
# full SESSION_COOKIE_AGE ahead, so an idle session still ends within this much of
# the limit, and a reviewer clicking through the queue no longer costs a write a page.
RENEW_EVERY = datetime.timedelta(seconds=60)


class StaffSessionRenewal:
    """Slide a staff member's session on the requests that used it.

    Staff sessions end after ``SESSION_COOKIE_AGE`` without activity, so staff
    requests renew them (once a ``RENEW_EVERY``, from when the stored session ends:
    config.sessions). A public visitor's session (the thanks page's note of what
    they submitted) needs no renewal: saving it on every request cost a database
    write and a Set-Cookie on pages that could be shared. Only a session the
    request already read is looked at, so a page that never touches the session
    (the cached letter page) stays free of ``Vary: Cookie``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # In this order: asking who the user is would read (and so mark) the session.
        used = session is not None and session.accessed
        if used and user is not None and user.is_staff and _due(session):
            session.modified = True
        return response


def _due(session) -> bool:
    """Has the session's end stood still for RENEW_EVERY (or is it not known)?"""
    expires_at = getattr(session, "expires_at", None)
    if expires_at is None:
        return True
    full = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return expires_at - timezone.now() <= full - RENEW_EVERY
