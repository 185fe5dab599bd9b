"""The public list of a letter's signatories, in the one shape every public view gives it.

Owns what a public row is ("Mayor First Last, City, ST", its state's name and
the date approved), its order (by state name, then city), grouping by state,
the visitor's filter, and the writers: the CSV writer that the public download
and the staff export (``export.py``) share, with formula neutralization, and
the JSON download. The letter page, the print view, the downloads and the
embed read it; a delivery freezes its rows through ``delivery_rows``.

Built from plain rows (``values()``), not model instances: the list can hold
every U.S. city, and the page must stay cheap to render. Every public page and
download reads its rows through ``public_rows``, which reads through
``Signature.objects.for_public_display()``; filtering happens on those rows in
Python, so the page costs the same queries whatever the list's length or filter.

A cell that starts with =, +, -, @, a tab or a carriage return is read as a
formula by Excel and its kin, so every CSV cell that does gets a leading
apostrophe (``neutralize``).
"""

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from letters.models import Letter
from places.normalize import fold
from places.states import CODES, State

from .models import Signature
from .population import PLACE_FIELDS, represented

PUBLIC_FIELDS = ("mayor_first_name", "mayor_last_name", "city", "state", "approved_at")
# What the letter page's list shows: no dates, whose conversion per row costs.
LIST_FIELDS = PUBLIC_FIELDS[:4]

# A search longer than any name and city together cannot match; cut there so a
# pasted essay costs nothing.
MAX_QUERY_LENGTH = 100


@dataclass
class StateGroup:
    code: str
    name: str
    signatories: list[dict] = field(default_factory=list)

    @cached_property
    def html_bytes(self) -> bytes:
        """``html`` in UTF-8, as the page joins it: built once per group (a state's group
        is kept across renders while its rows do not change, list_parts)."""
        return self.html.encode()

    @property
    def html(self) -> SafeString:
        """The state's section of the letter page, built in Python.

        At 20,000 names the template engine's cost per variable is most of a
        render; one f-string per line with escaped values is several times
        cheaper and gives the same markup.
        """
        # One escaping pass over the whole group, then the markup goes in at the
        # line breaks: a name holds none (the form collapses whitespace; admin
        # inputs are one line), so each marks exactly one place.
        text = "\n".join(signatory_line(row) for row in self.signatories)
        lines = escape(text).split("\n")
        if self.signatories and "approved_at" in self.signatories[0]:
            # When each mayor was listed: a reader's reason to trust the list.
            # Few distinct days, so each is formatted once; the markup stays
            # short, as it is repeated for every name.
            # The zone is looked up once: per row, Django's lookup was a third
            # of a cold render at 1,400 names.
            days: dict = {}
            zone = timezone.get_current_timezone()
            moments = (row["approved_at"] for row in self.signatories)
            lines = [
                f"{line} {days.get(day) or days.setdefault(day, _approved_on(day))}"
                for line, day in zip(
                    lines, (m.astimezone(zone).date() if m else None for m in moments), strict=True
                )
            ]
        items = "<li>" + "</li>\n<li>".join(lines) + "</li>"
        code, name = self.code, escape(self.name)
        return mark_safe(  # noqa: S308 -- code is a USPS code; every other value is escaped
            f'<section class="signatories__state" aria-labelledby="state-{code}" '
            f'data-state="{code}" data-state-name="{name}">\n'
            f'<h3 id="state-{code}" class="signatories__state-name">{name} '
            f'<span class="signatories__state-count">(<span data-count>{len(self.signatories)}'
            f"</span>)</span></h3>\n"
            f'<ul class="signatories__list">\n{items}\n</ul>\n</section>'
        )


@dataclass(frozen=True)
class ListFilter:
    """What the visitor asked to see: a state code and a search, both optional."""

    state: str = ""
    query: str = ""

    @classmethod
    def from_params(cls, params: QueryDict) -> "ListFilter":
        """Read ``?state=TX&q=austin``; an unknown state or a blank search means "all".

        The search is kept folded ("Kauaʻi " is "kauai"), as it is compared: two
        spellings of one search are one filter, and so one cached page.
        """
        return _read_filter(params.get("state", ""), params.get("q", "")[: MAX_QUERY_LENGTH * 4])

    @property
    def is_active(self) -> bool:
        return bool(self.state or self.query)

    @property
    def state_name(self) -> str:
        return State(self.state).label if self.state else ""

    @cached_property
    def _words(self) -> list[tuple[str, str]]:
        # Each word as searched ("st" as "saint") and as typed, folded once per filter.
        return list(
            zip(fold(self.query).split(), fold(self.query, expand_abbreviations=False).split(),
                strict=True)
        )  # fmt: skip

    def matches(self, row: dict, text: str | None = None) -> bool:
        """Does the row match? ``text`` is its ``search_text``, when already folded."""
        if self.state and row["state"] != self.state:
            return False
        # Every word typed must appear in the mayor's name or the city, ignoring
        # case, accents and punctuation: "penasco" finds "Peñasco". "St" finds
        # "St. Louis" (stored as "saint louis") and also "Stamford", half typed.
        if text is None:
            text = search_text(row)
        return all(expanded in text or typed in text for expanded, typed in self._words)


@lru_cache(maxsize=1024)
def _read_filter(state: str, query: str) -> ListFilter:
    # Read three times per request (the page cache's key on the way in and out, the
    # view), and the same few filters over and over: each is folded once.
    state = state.strip().upper()
    if state not in CODES:
        state = ""
    query = fold(query, expand_abbreviations=False)
    return ListFilter(state=state, query=query[:MAX_QUERY_LENGTH].strip())


def search_text(row: dict) -> str:
    """What a search looks in: the mayor's name and the city, folded."""
    return fold(f"{row['mayor_first_name']} {row['mayor_last_name']} {row['city']}")


class PublicList:
    """A letter's approved rows, with their search texts folded once, when first needed.

    The page cache holds one per letter while its stamp holds, so each new
    search filters this list instead of reading and folding every row again.
    """

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    @cached_property
    def search_texts(self) -> list[str]:
        return [search_text(row) for row in self.rows]

    def matching(self, wanted: ListFilter) -> list[dict]:
        if not wanted.is_active:
            return self.rows
        if not wanted.query:
            return [row for row in self.rows if row["state"] == wanted.state]
        # The same test as ``wanted.matches``, one word at a time over the texts
        # (a new search runs over every row: no call per row).
        texts = self.search_texts
        found = range(len(self.rows))
        if wanted.state:
            found = [i for i in found if self.rows[i]["state"] == wanted.state]
        for expanded, typed in wanted._words:
            found = [i for i in found if expanded in texts[i] or typed in texts[i]]
        return [self.rows[i] for i in found]


def public_rows(
    letter: Letter, fields: tuple[str, ...] = PUBLIC_FIELDS, states: Iterable[str] | None = None
) -> list[dict]:
    """Approved signatories in state-code, then city order, as dicts of public fields
    (of the given states only, when ``states`` is given)."""
    query = Signature.objects.for_public_display().filter(letter=letter)
    if states is not None:
        query = query.filter(state__in=list(states))
    return list(query.order_by("office_key", "mayor_last_name", "mayor_first_name").values(*fields))


def public_count(letter: Letter) -> int:
    """How many signatories the public list holds (the embed's number), in one query."""
    return Signature.objects.for_public_display().filter(letter=letter).count()


def group_by_state(rows: list[dict]) -> list[StateGroup]:
    """Rows grouped under their state's name, states in alphabetical order of name."""
    groups: dict[str, StateGroup] = {}
    for row in rows:
        code = row["state"]
        if code not in groups:
            groups[code] = StateGroup(code=code, name=State(code).label)
        groups[code].signatories.append(row)
    return sorted(groups.values(), key=lambda group: group.name)


def _approved_on(day: datetime.date | None) -> str:
    if day is None:
        return ""
    # Formatted once per day and language per process: the same few days recur in
    # every state of every render (a tenth of a cold render at 1,400 names).
    return _day_markup(day, get_language())


@lru_cache(maxsize=4096)
def _day_markup(day: datetime.date, language: str | None) -> str:
    return f'<time datetime="{day.isoformat()}">{date_format(day, "M j, Y")}</time>'


def signatory_line(row: dict) -> str:
    """A signatory as the public reads them: "Mayor First Last, City, ST"."""
    first, last = row["mayor_first_name"], row["mayor_last_name"]
    return f"Mayor {first} {last}, {row['city']}, {row['state']}"


def in_list_order(rows: list[dict]) -> list[dict]:
    """The rows in the order every public list gives them: by state name, then city."""
    return [row for group in group_by_state(rows) for row in group.signatories]


def public_row(row: dict) -> dict:
    """A row's public fields, with its state's name: what every download starts from."""
    return {
        "mayor_first_name": row["mayor_first_name"],
        "mayor_last_name": row["mayor_last_name"],
        "city": row["city"],
        "state": row["state"],
        "state_name": State(row["state"]).label,
    }


def export_rows(rows: list[dict]) -> list[dict]:
    """The public list as the downloads give it: names, place, the date approved."""
    return [
        {
            **public_row(row),
            # The day as the conference counts it (its time zone, not UTC).
            "date_approved": (
                timezone.localdate(row["approved_at"]).isoformat() if row["approved_at"] else ""
            ),
        }
        for row in in_list_order(rows)
    ]


def delivery_rows(rows: list[dict]) -> list[dict]:
    """The public list as a delivery freezes it: the public row, when approved, which text.

    ``rows`` carry ``PUBLIC_FIELDS`` and ``letter_version__number``.
    """
    return [
        {
            **public_row(row),
            "approved_at": row["approved_at"].isoformat() if row["approved_at"] else None,
            "version": row["letter_version__number"],
        }
        for row in in_list_order(rows)
    ]


# Writers ---------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The public download's columns, in order, with their headings.
EXPORT_HEADERS = {
    "mayor_first_name": "Mayor First Name",
    "mayor_last_name": "Mayor Last Name",
    "city": "City",
    "state": "State",
    "state_name": "State Name",
    "date_approved": "Date Approved",
}


def neutralize(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_download(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """The one CSV writer, for the staff export and the public download alike.

    Every cell is neutralized, the header too: a name staff edited to
    "=HYPERLINK(…)" reaches a spreadsheet as text, whichever file it is in.
    """
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # The byte-order mark tells Excel the file is UTF-8 (accents in names).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([neutralize(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralize(cell) for cell in row])
    return response


def csv_response(letter: Letter) -> HttpResponse:
    """The public list as a CSV download."""
    return csv_download(
        f"{letter.slug}-signatories.csv",
        EXPORT_HEADERS.values(),
        ([row[key] for key in EXPORT_HEADERS] for row in export_rows(public_rows(letter))),
    )


def json_response(request: HttpRequest, letter: Letter) -> JsonResponse:
    """The public list as a JSON download, with the letter's public status."""
    rows = public_rows(letter, fields=(*PUBLIC_FIELDS, *PLACE_FIELDS))
    signatories = export_rows(rows)
    response = JsonResponse(
        {
            "letter": {
                "title": letter.title,
                # The site's address, not the request's Host: the file is cached.
                "url": settings.SITE_URL.rstrip("/") + letter.get_absolute_url(),
                # What the public page says: "closed" once the deadline passed.
                "status": letter.public_status,
            },
            "count": len(signatories),
            "represented": represented(rows).as_json,
            "signatories": signatories,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = f'attachment; filename="{letter.slug}-signatories.json"'
    return response
