"""The sign-on form's city suggestions: one small, cached list of names per state."""

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from . import matching
from .states import CODES

# The list changes only when places are loaded again: browsers and proxies keep it a day.
SUGGESTIONS_MAX_AGE = 24 * 60 * 60


@require_safe
@gzip_page
@cache_control(public=True, max_age=SUGGESTIONS_MAX_AGE)
def suggestions(request: HttpRequest, state: str) -> JsonResponse:
    """The state's place names, most populous first, each name once: ``["Austin", …]``."""
    if state not in CODES:
        raise Http404("No such state or territory.")
    names = list(dict.fromkeys(candidate.name for candidate in matching.names_in(state)))
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    return JsonResponse({"state": state, "places": names}, json_dumps_params=compact)
