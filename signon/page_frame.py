"""The letter page around its list, held per letter: a staff decision redraws only its figures.

A staff decision (an approval, a withdrawal, an edit of a signatory) changes the
letter's list and what the page draws from it: the count, the population, who
signed an earlier text, when the list last grew, the share image's address. It
changes nothing else: the letter's text, status and dates, the header and footer.
So the page is rendered in two parts. The frame (letter_detail.html: everything
but those figures and the list) is held per letter in each worker under a key of
everything it shows: the letter's every field, its text versions, its delivery
record, its status and embargo as of now, today's date (the printed "printed on"),
and whether anyone is listed. The figures (letter_figures.html) are drawn on each
render with the list, and put in their places in the frame.
"""

import re
import secrets
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from letters.models import Letter

from .models import Delivery
from .templatetags.letter_tags import public_status

# letter_figures.html's figures, in its order (and the page's).
FIGURES = ("share_image", "header_count", "aside_count", "earlier_versions", "list_updated")
# Where the page is cut for the view: the filtered list, and the filter's script.
CUTS = ("list", "script")

# Each place in the frame is a comment no letter text can hold (a fresh token per process).
_TOKEN = secrets.token_hex(12)
_PLACE = re.compile(f"<!--{_TOKEN}-([a-z_]+)-->")
_PLACES = {name: mark_safe(f"<!--{_TOKEN}-{name}-->") for name in (*FIGURES, *CUTS)}  # noqa: S308
_NEXT = mark_safe(f"<!--{_TOKEN}-next-->")  # noqa: S308 -- our own constant

# By letter id: (key, the frame split at its places); the letters rendered most
# recently last. A frame is about 20 KB; a worker keeps this many.
MAX_LETTERS = 8
_frames: OrderedDict[int, tuple[tuple, list[str]]] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    """Forget every frame (between tests; a frame is never wrong, only kept)."""
    with _lock:
        _frames.clear()


def around_list(letter: Letter, figures: dict) -> tuple[bytes, ...]:
    """The page but its filtered list, as bytes cut where the list and the filter's script
    go (the first part empty when nobody is listed: the page then has no list).

    ``figures`` is what letter_figures.html draws: ``count``, ``represented``,
    ``population_source``, ``earlier_versions`` and ``last_updated``.
    """
    pieces = _frame(letter, listed=bool(figures["count"]))
    drawn = render_to_string(
        "signon/letter_figures.html",
        {**figures, "letter": letter, "site_url": _site_url(), "next": _NEXT},
    ).split(_NEXT)
    drawn = dict(zip(FIGURES, drawn, strict=True))
    # pieces: the frame's text, then each place's name followed by the text after it.
    parts, current = [], [pieces[0]]
    for name, text in zip(pieces[1::2], pieces[2::2], strict=True):
        if name in CUTS:
            parts.append("".join(current))
            current = []
        else:
            current.append(drawn[name])
        current.append(text)
    parts.append("".join(current))
    if len(parts) == 2:  # nobody listed: no list region, only the script's place
        parts.insert(0, "")
    return tuple(part.encode() for part in parts)


def _frame(letter: Letter, listed: bool) -> list[str]:
    key = _key(letter, listed)
    kept = _frames.get(letter.pk)
    if kept is not None and kept[0] == key:
        return kept[1]
    # Without the request: a frame is served to every visitor, so no context processor's
    # per-visitor value (the user, messages) may reach it.
    html = render_to_string(
        "signon/letter_detail.html",
        {
            "letter": letter,
            "letter_url": letter.get_absolute_url(),
            "listed": listed,
            "figures": _PLACES,
            "site_url": _site_url(),
        },
    )
    pieces = _PLACE.split(html)
    with _lock:
        _frames[letter.pk] = (key, pieces)
        _frames.move_to_end(letter.pk)
        while len(_frames) > MAX_LETTERS:
            _frames.popitem(last=False)
    return pieces


def _site_url() -> str:
    # As config.context_processors.site_url gives it to templates rendered with a request.
    return settings.SITE_URL.rstrip("/")


def _key(letter: Letter, listed: bool) -> tuple:
    """Everything the frame shows, or decides what to show by: the letter as read (every
    field and its text versions, not only when it was last saved: an ``update()`` saves
    no time), what the public sees of it now, and the day (the printed date)."""
    status = public_status(letter)
    delivery = None
    if status.value == Letter.Status.DELIVERED:
        try:
            record = letter.delivery
        except ObjectDoesNotExist:
            pass
        else:
            delivery = tuple(getattr(record, f.attname) for f in Delivery._meta.concrete_fields)
    return (
        tuple(getattr(letter, f.attname) for f in Letter._meta.concrete_fields),
        letter.current_version_pk,
        letter.current_version_number,
        letter.text_versions,
        letter.text_changed_at,
        status,
        letter.is_list_published,
        delivery,
        listed,
        timezone.localdate(),
        settings.SITE_URL,
    )
