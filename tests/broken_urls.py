"""A URLconf with one view that fails, for the 500 page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, not an outage")


# The site's own pages too: the 500 page links to them.
urlpatterns = [path("boom", boom), path("", include("signon.urls"))]
handler500 = "config.errors.server_error"
