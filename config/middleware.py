from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class StaffSessionRenewal:
    """Slide a staff member's session on each request that used it.

    Staff sessions end after ``SESSION_COOKIE_AGE`` without activity, so each
    staff request renews them. A public visitor's session (the thanks page's
    note of what they submitted) needs no renewal: saving it on every request
    cost a database write and a Set-Cookie on pages that could be shared.
    Only a session the request already read is looked at, so a page that never
    touches the session (the cached letter page) stays free of ``Vary: Cookie``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and session.accessed and user is not None and user.is_staff:
            session.modified = True
        return response
