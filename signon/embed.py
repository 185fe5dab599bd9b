"""The embeddable count for partner sites: a small framable badge and a JSON document."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

from letters.models import Letter

from .models import Signature

# Partners' pages may cache the count for a minute; the list changes slowly.
EMBED_MAX_AGE = 60


def _letter_and_count(request: HttpRequest, slug: str) -> tuple[Letter, int | None]:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.is_list_published:
        return letter, None
    return letter, Signature.objects.for_public_display().filter(letter=letter).count()


@xframe_options_exempt
@cache_control(public=True, max_age=EMBED_MAX_AGE)
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    """A small HTML badge, the one page of the site that other sites may frame."""
    letter, count = _letter_and_count(request, slug)
    context = {
        "letter": letter,
        "count": count,
        "letter_url": request.build_absolute_uri(letter.get_absolute_url()),
    }
    response = render(request, "signon/embed_badge.html", context)
    # Framing is allowed here and nowhere else (the site-wide policy forbids it).
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors *; "
        "base-uri 'none'; form-action 'none'"
    )
    return response


@cache_control(public=True, max_age=EMBED_MAX_AGE)
def count_json(request: HttpRequest, slug: str) -> JsonResponse:
    letter, count = _letter_and_count(request, slug)
    response = JsonResponse(
        {
            "title": letter.title,
            "url": request.build_absolute_uri(letter.get_absolute_url()),
            "status": letter.public_status,
            "count": count,
            "list_published_at": letter.list_published_at,
        }
    )
    # Any site may read this public number from its own scripts.
    response["Access-Control-Allow-Origin"] = "*"
    return response
