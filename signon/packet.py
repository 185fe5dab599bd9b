"""The delivery packet: the letter and every delivered signatory, as a PDF.

Generated on the server with ReportLab rather than by printing the web page in
a headless browser: production needs no browser, the layout does not drift
with the site's CSS, and it is built from the delivery's frozen snapshot, so
the packet always shows exactly what was delivered (read through
``DeliveredSignatory``, the snapshot's one written shape).
"""

import io
from html.parser import HTMLParser
from itertools import groupby
from pathlib import Path

import reportlab
from django.utils.html import escape
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import CondPageBreak

from letters.models import LetterVersion
from letters.rendering import render_markdown

from .delivery import DeliveredSignatory
from .models import Delivery

NAVY = colors.HexColor("#14325c")
GREY = colors.HexColor("#4a5566")
COLUMNS = 3
NAME_GRID = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
)

# DejaVu (Debian's fonts-dejavu-core) covers every Latin letter a name may
# carry; ReportLab's own Vera is the fallback wherever DejaVu is not installed.
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_VERA = Path(reportlab.__file__).parent / "fonts"


def _register_fonts() -> tuple[str, str, str]:
    """Register (regular, bold, italic) fonts once; return their names."""
    if "Packet" in pdfmetrics.getRegisteredFontNames():
        return "Packet", "Packet-Bold", "Packet-Italic"
    if (_DEJAVU / "DejaVuSerif.ttf").is_file():
        files = ["DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"]
        folder = _DEJAVU
    else:
        files = ["Vera.ttf", "VeraBd.ttf", "VeraIt.ttf"]
        folder = _VERA
    for name, file in zip(["Packet", "Packet-Bold", "Packet-Italic"], files, strict=True):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        "Packet", normal="Packet", bold="Packet-Bold", italic="Packet-Italic",
        boldItalic="Packet-Bold",
    )  # fmt: skip
    return "Packet", "Packet-Bold", "Packet-Italic"


class _Blocks(HTMLParser):
    """Turn the sanitized letter HTML into paragraphs and bullet lists of inline markup."""

    INLINE = {"strong": "b", "b": "b", "em": "i", "i": "i"}

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, str | list[str]]] = []  # ("p", text) / ("ul", [items])
        self._text = ""
        self._items: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.INLINE:
            self._text += f"<{self.INLINE[tag]}>"
        elif tag == "br":
            self._text += "<br/>"
        elif tag in ("ul", "ol"):
            self._items = []

    def handle_endtag(self, tag):
        if tag in self.INLINE:
            self._text += f"</{self.INLINE[tag]}>"
        elif tag == "li" and self._items is not None:
            self._items.append(self._text.strip())
            self._text = ""
        elif tag in ("ul", "ol") and self._items is not None:
            self.blocks.append(("ul", self._items))
            self._items = None
        elif tag in ("p", "h2", "h3", "blockquote") and self._items is None:
            if self._text.strip():
                self.blocks.append(("p", self._text.strip()))
            self._text = ""

    def handle_data(self, data):
        self._text += escape(data)


def _letter_blocks(markdown_text: str) -> list[tuple[str, str | list[str]]]:
    parser = _Blocks()
    parser.feed(str(render_markdown(markdown_text)))
    parser.close()
    return parser.blocks


def _text_story(version: LetterVersion, styles: dict) -> list:
    """A version's body and closing as paragraphs and bullet lists."""
    story = []
    for kind, content in _letter_blocks(version.body) + _letter_blocks(version.closing):
        if kind == "p":
            story.append(Paragraph(content, styles["body"]))
        else:
            items = [ListItem(Paragraph(item, styles["body"]), leftIndent=18) for item in content]
            story.append(ListFlowable(items, bulletType="bullet", start="•", leftIndent=18))
    return story


def _name_table(grid: list[list]) -> Table:
    table = Table(grid, colWidths=[(7.0 * inch) / COLUMNS] * COLUMNS, hAlign="LEFT")
    table.setStyle(NAME_GRID)
    return table


# Rows of names a state's heading keeps with it on its page.
KEEP_WITH_HEADING = 2


def _name_grid(rows: list[DeliveredSignatory], styles: dict) -> list:
    """Signatories under their state's name, in columns; a heading never ends a page."""
    story = []
    for state_name, group in groupby(rows, key=lambda row: row.state_name):
        names = [Paragraph(escape(row.name_and_city), styles["name"]) for row in group]
        heading = Paragraph(f"{escape(state_name)} ({len(names)})", styles["state"])
        grid = [names[i : i + COLUMNS] for i in range(0, len(names), COLUMNS)]
        grid[-1] += [""] * (COLUMNS - len(grid[-1]))
        first, rest = grid[:KEEP_WITH_HEADING], grid[KEEP_WITH_HEADING:]
        story.append(KeepTogether([heading, _name_table(first)]))
        if rest:
            story.append(_name_table(rest))
    return story


class _NumberedCanvas(Canvas):
    """A canvas that knows the page count when it saves: "Page x of y" on every page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.draw_page_label(total)
            super().showPage()
        super().save()

    def draw_page_label(self, total: int) -> None:
        # Set by delivery_packet_pdf: where and in which font the label goes.
        font, size, x, y = self.page_label_at
        self.saveState()
        self.setFillColor(GREY)
        self.setFont(font, size)
        self.drawRightString(x, y, f"Page {self._pageNumber} of {total}")
        self.restoreState()


def delivery_packet_pdf(delivery: Delivery) -> bytes:
    """The PDF bytes of a delivery's packet."""
    regular, bold, _italic = _register_fonts()
    # Each paragraph style: font, size, leading, colour, space before, space after (points).
    styles = {
        name: ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                             textColor=colour, spaceBefore=before, spaceAfter=after)
        for name, (font, size, leading, colour, before, after) in {
            "org": (bold, 11, 14, NAVY, 0, 0),
            "title": (bold, 18, 22, NAVY, 0, 6),
            "meta": (regular, 10, 13, GREY, 0, 0),
            "body": (regular, 11, 15.5, colors.black, 0, 8),
            "h2": (bold, 14, 18, NAVY, 6, 6),
            "state": (bold, 10.5, 13, NAVY, 8, 3),
            # At least 9 pt: the list is what its recipients read.
            "name": (regular, 9.5, 12, colors.black, 0, 0),
        }.items()
    }  # fmt: skip
    letter, version = delivery.letter, delivery.version
    date = f"{delivery.delivered_on:%B} {delivery.delivered_on.day}, {delivery.delivered_on.year}"
    count = delivery.signatory_count
    mayors = f"{count:,} mayor{'s' if count != 1 else ''}"
    # Who signed what: the snapshot records the version each mayor signed (a
    # delivery recorded before it did counts as all on the delivered text).
    signed: dict[int, list[DeliveredSignatory]] = {}
    for row in DeliveredSignatory.list_of(delivery):
        signed.setdefault(row.signed_version or version.number, []).append(row)
    earlier = sorted((n for n in signed if n != version.number), reverse=True)

    on_this = len(signed.get(version.number, []))
    signed_line = f"Signed by {mayors}"
    if earlier:
        # Never the delivered text above a count that includes earlier signers.
        signed_line += (
            f": {on_this:,} signed this text (version {version.number}), "
            f"{count - on_this:,} an earlier version, printed with their names after the list"
        )

    story = [
        Paragraph("THE U.S. CONFERENCE OF MAYORS", styles["org"]),
        Spacer(1, 6),
        Paragraph(escape(letter.title), styles["title"]),
        Paragraph(f"Delivered to {escape(delivery.delivered_to)} on {date}", styles["meta"]),
        Paragraph(signed_line, styles["meta"]),
        Spacer(1, 14),
        Paragraph(escape(version.salutation), styles["body"]),
    ]
    story += _text_story(version, styles)

    story += [CondPageBreak(2 * inch), Spacer(1, 10)]
    story.append(Paragraph(f"Signatories ({count:,})", styles["h2"]))
    if earlier:
        story.append(Paragraph(f"Signed version {version.number}, the text above", styles["h2"]))
    story += _name_grid(signed.get(version.number, []), styles)

    versions = {
        v.number: v for v in LetterVersion.objects.filter(letter=letter, number__in=earlier)
    }
    for number in earlier:
        old = versions.get(number)
        names = signed[number]
        story += [CondPageBreak(2 * inch), Spacer(1, 10)]
        story.append(
            Paragraph(
                f"Signed version {number}, an earlier text ({len(names):,} "
                f"mayor{'s' if len(names) != 1 else ''})", styles["h2"],
            )
        )  # fmt: skip
        if old is not None:
            story.append(Paragraph(escape(old.salutation), styles["body"]))
            story += _text_story(old, styles)
        story += _name_grid(names, styles)

    footer = [
        f"{letter.title} · delivered {date} · {mayors}",
        f"Text version {version.number}, SHA-256 {version.sha256}",
    ]

    def draw_footer(canvas, doc):
        left, right = 0.75 * inch, LETTER[0] - 0.75 * inch
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#d9dee6"))
        canvas.line(left, 0.68 * inch, right, 0.68 * inch)
        canvas.setFillColor(GREY)
        canvas.setFont(regular, 7.5)
        canvas.drawString(left, 0.52 * inch, footer[0])
        canvas.setFont(regular, 6)
        canvas.drawString(left, 0.38 * inch, footer[1])
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
        topMargin=0.75 * inch, bottomMargin=0.85 * inch, title=letter.title,
        author="The U.S. Conference of Mayors",
    )  # fmt: skip
    page_label_at = (regular, 7.5, LETTER[0] - 0.75 * inch, 0.52 * inch)

    def numbered_canvas(*args, **kwargs) -> _NumberedCanvas:
        canvas = _NumberedCanvas(*args, **kwargs)
        canvas.page_label_at = page_label_at
        return canvas

    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer, canvasmaker=numbered_canvas)
    return buffer.getvalue()
