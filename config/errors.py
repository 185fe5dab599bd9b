"""Answers for requests that failed: a database outage is a 503, not a 500."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

# What a lost or refused database connection raises, wherever in the request
# it happens (a view, the session middleware, a template's lazy query).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the database being away is temporary; anything else is a 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable()
    return defaults.server_error(request)


def service_unavailable() -> HttpResponse:
    # Rendered without the request: no context processor, hence no query
    # (the user, the session, messages) can touch the missing database.
    html = render_to_string("503.html", {"retry_after": settings.RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
