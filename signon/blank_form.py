"""The blank sign-on page, rendered once per letter stamp per worker.

Everyone who opens a public letter's form gets the same page but for two values:
the CSRF token and the signed stamp of when the form was handed out
(``abuse.started_token``). The rest (the letter's title, its share card, the
form's fields) is rendered once while the letter's stamp holds
(``page_cache.current_stamp``, the letter page's own freshness), and each load
only writes its two tokens into the kept bytes.

Only a GET of a public letter goes this way; a staff preview of a draft, a
closed letter's notice (not kept: the view renders it) and every POST go
through the view. A POST reads the letter afresh, so a page kept for up to
``PAGE_CACHE_SECONDS`` after staff change the text or close the letter records
nothing against the old state: the view's version check and closed check
answer it, as they answer a page a visitor left open.
"""

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from . import compiled, page_cache
from .contact import conference_contact
from .forms import SignatureForm

# Where the tokens go in the kept page: a comment no letter text can hold (a fresh
# token per process).
_TOKENS_SLOT = f"<!--tokens-{secrets.token_hex(12)}-->"


def response(request: HttpRequest, slug: str) -> HttpResponse | None:
    """The blank form for this visitor, or None when the view must answer."""
    if not settings.PAGE_CACHE:
        return None
    request.page_stamp = page_cache.current_stamp(slug)
    if request.page_stamp is None:  # not public: a draft (staff preview) or no letter
        return None
    page = page_cache.held(request, ("sign", slug), lambda: _render(request, slug))
    if page is None:  # closed: the view renders its notice
        return None
    before, after = page
    started = SignatureForm.base_fields["started"].widget.render(
        "started", None, attrs={"id": "id_started"}
    )
    tokens = get_template("signon/form_tokens.html").render(
        {"csrf_token": get_token(request), "started": started}
    )
    return HttpResponse(b"".join([before, tokens.encode(), after]))


def _render(request: HttpRequest, slug: str) -> tuple[bytes, bytes] | None:
    letter = compiled.letter_for_sign_on(slug)
    if letter is None or not letter.is_accepting_signatures:
        return None
    context = {
        "letter": letter,
        "form": SignatureForm(letter=letter),
        "contact": conference_contact(letter),
        "tokens_slot": mark_safe(_TOKENS_SLOT),  # noqa: S308 -- our own constant
    }
    html = render_to_string("signon/sign.html", context, request)
    before, _slot, after = html.partition(_TOKENS_SLOT)
    return before.encode(), after.encode()
