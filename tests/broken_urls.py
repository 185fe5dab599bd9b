"""A URLconf with one view that fails, for the 500 page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, not an outage")


urlpatterns = [path("boom", boom)]
handler500 = "config.errors.server_error"
