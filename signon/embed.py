"""The embeddable count for partner sites: a small framable badge and a JSON document.

The count is the public list's (``public_list.public_count``); the badge's
Content-Security-Policy is the site's, narrowed by django-csp's decorator.
"""

from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

from letters.models import Letter

from . import population
from .public_list import public_count

# Partners' pages may cache the count for a minute; the list changes slowly.
EMBED_MAX_AGE = 60

# Framing is allowed here and nowhere else (the site-wide policy forbids it).
# The badge runs no script, loads no font, fetches nothing and has no form.
BADGE_CSP = {
    "frame-ancestors": ["*"],
    "img-src": ["'self'"],
    "form-action": ["'none'"],
    "script-src": None,
    "font-src": None,
    "connect-src": None,
}


def _letter_and_count(request: HttpRequest, slug: str) -> tuple[Letter, int | None]:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.is_list_published:
        return letter, None
    return letter, public_count(letter)


@xframe_options_exempt
@csp_replace(BADGE_CSP)
@cache_control(public=True, max_age=EMBED_MAX_AGE)
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    """A small HTML badge, the one page of the site that other sites may frame."""
    letter, count = _letter_and_count(request, slug)
    context = {
        "letter": letter,
        "count": count,
        "represented": None if count is None else population.for_letter(letter.pk),
        "letter_url": request.build_absolute_uri(letter.get_absolute_url()),
    }
    return render(request, "signon/embed_badge.html", context)


@cache_control(public=True, max_age=EMBED_MAX_AGE)
def count_json(request: HttpRequest, slug: str) -> JsonResponse:
    letter, count = _letter_and_count(request, slug)
    response = JsonResponse(
        {
            "title": letter.title,
            "url": request.build_absolute_uri(letter.get_absolute_url()),
            "status": letter.public_status,
            "count": count,
            "represented": None if count is None else population.for_letter(letter.pk).as_json,
            "list_published_at": letter.list_published_at,
        }
    )
    # Any site may read this public number from its own scripts.
    response["Access-Control-Allow-Origin"] = "*"
    return response
