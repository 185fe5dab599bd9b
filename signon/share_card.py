"""The letter's share card: a 1200×630 PNG that link previews show (Open Graph, X/Twitter).

Owns the drawing (Pillow: the title, "N mayors", and "representing N Americans"
once the population is known), its cache, and the view that serves it. The card
is a pure function of the letter's title, its public count and the population,
so it is cached under a key made of those; a new approval makes a new key, and
the page's ``og:image`` address carries the count, so a site that keeps
previews by address fetches the new card too.

Fonts: Liberation Sans (Debian's fonts-liberation, installed with the system
packages); without it, Pillow's own scalable default font.
"""

import hashlib
import io
from functools import cache as memoize
from pathlib import Path

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from PIL import Image, ImageDraw, ImageFont

from letters.models import Letter

from . import population

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
BRAND = (20, 50, 92)
BRAND_DARK = (12, 33, 64)
ACCENT = (179, 32, 42)
PAPER = (255, 255, 255)
MUTED = (210, 220, 235)
# A week: the key changes with anything the card shows, so an entry never goes stale.
CACHE_SECONDS = 7 * 24 * 3600


@memoize
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def mayors_phrase(count: int, is_open: bool = True) -> str:
    if count == 0:
        return "Open for signatures" if is_open else "No mayor listed yet"
    return f"{count:,} mayor{'' if count == 1 else 's'}"


def _wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int) -> list[str]:
    """The text in lines no wider than ``width`` pixels (a word longer than that is cut)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=face) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _title_lines(draw: ImageDraw.ImageDraw, title: str) -> tuple[list[str], object]:
    """The title at the largest size that fits three lines; a longer one ends in "…"."""
    width = WIDTH - 2 * MARGIN
    for size in (64, 56, 48, 42):
        face = font(size, bold=True)
        lines = _wrap(draw, title, face, width)
        if len(lines) <= 3:
            return lines, face
    lines = lines[:3]
    while draw.textlength(lines[2] + "…", font=face) > width and " " in lines[2]:
        lines[2] = lines[2].rsplit(" ", 1)[0]
    lines[2] += "…"
    return lines, face


def render_card(
    title: str, count: int, population: int | None = None, is_open: bool = True
) -> bytes:
    """The card as PNG bytes: the title, how many mayors signed, and whom they represent
    when ``population`` is given. With no signatory yet it says whether sign-ons are open."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    # A paper band at the foot, like the letterhead's rule.
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=ACCENT)
    draw.text(
        (MARGIN, 64), "THE U.S. CONFERENCE OF MAYORS · OPEN LETTER", font=font(26, True), fill=MUTED
    )
    lines, face = _title_lines(draw, title)
    y = 130
    line_height = round(face.size * 1.2) if hasattr(face, "size") else 60
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=PAPER)
        y += line_height
    figure_top = HEIGHT - (190 if population is not None else 150)
    draw.line((MARGIN, figure_top - 24, WIDTH - MARGIN, figure_top - 24), fill=MUTED, width=2)
    draw.text((MARGIN, figure_top), mayors_phrase(count, is_open), font=font(72, True), fill=PAPER)
    if population is not None:
        draw.text(
            (MARGIN, figure_top + 88),
            f"representing {population:,} Americans",
            font=font(36),
            fill=MUTED,
        )
    elif count:
        draw.text((MARGIN, figure_top + 88), "have signed on", font=font(36), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def card_population(letter: Letter, figure: population.Represented | None = None) -> int | None:
    """How many Americans the listed mayors' cities hold; None while the list is
    embargoed (the card says no count then) or no city matched a place."""
    if not letter.is_list_published:
        return None
    figure = figure or population.for_letter(letter.pk)
    return figure.population if figure.matched else None


def card_key(letter: Letter, count: int, population: int | None) -> str:
    shown = f"{letter.title}\n{count}\n{population}\n{letter.is_accepting_signatures}".encode()
    return f"share-card:{letter.pk}:{hashlib.sha256(shown).hexdigest()[:20]}"


def card_png(letter: Letter, count: int, population: int | None = None) -> bytes:
    """The card, drawn once per title, count and population, then read from the cache."""
    key = card_key(letter, count, population)
    png = cache.get(key)
    if png is None:
        png = render_card(letter.title, count, population, letter.is_accepting_signatures)
        cache.set(key, png, timeout=CACHE_SECONDS)
    return png


def share_card(request: HttpRequest, slug: str) -> HttpResponse:
    """The letter's card (``?n=`` in its address only tells previews that it changed)."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    # One read of the public list gives both the count and the population.
    figure = population.for_letter(letter.pk)
    png = card_png(letter, figure.signatories, card_population(letter, figure))
    response = HttpResponse(png, content_type="image/png")
    # Five minutes: a preview site that fetches it again soon sees the new count.
    response["Cache-Control"] = "public, max-age=300"
    return response
