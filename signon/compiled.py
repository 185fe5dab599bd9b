"""Queries that every sign-on (or every render) runs, compiled by the ORM once per process.

Django compiles a queryset's SQL every time it runs. For the small queries a
sign-on's post makes, compiling was most of their cost: the letter with its
current version 0.74-0.91 → 0.14-0.24 ms of CPU, the check that the office is not
taken 0.60 → 0.14 ms; and the letter a cold render of its page reads, about 0.8 ms of a
6.3 ms render. ``Compiled`` keeps the SQL of a queryset built once with
stand-in values and runs it with the real ones: the same SQL, so the same plan
and the same results, and the queryset stays the one place that says what is
asked.
"""

import datetime
from collections.abc import Callable
from functools import cached_property

from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from letters.models import Letter, may_preview_drafts
from places.models import last_changed as places_last_changed

from .models import Signature


class Compiled:
    """``build(*values)``'s SQL, compiled on first use, then run with new values.

    Each stand-in must appear once among the compiled parameters and differ from
    every other parameter, so its place in them can be found.
    """

    def __init__(self, build: Callable[..., QuerySet], *stand_ins) -> None:
        self.build, self.stand_ins = build, stand_ins

    @cached_property
    def _compiled(self) -> tuple[str, tuple, list[int]]:
        sql, params = self.build(*self.stand_ins).query.sql_with_params()
        return sql, params, [params.index(stand_in) for stand_in in self.stand_ins]

    def sql(self, *values) -> tuple[str, list]:
        """The SQL and its parameters for these values (in the stand-ins' order)."""
        sql, params, slots = self._compiled
        params = list(params)
        for slot, value in zip(slots, values, strict=True):
            params[slot] = value
        return sql, params

    def rows(self, *values) -> list[tuple]:
        """The rows, as the database sends them (no ORM conversion)."""
        with connection.cursor() as cursor:
            cursor.execute(*self.sql(*values))
            return cursor.fetchall()


# A slug cannot hold a space, an office key always holds a colon, an id is positive.
_SLUG, _KEY, _ID = "stand-in slug", "stand in", -1

_LETTER = {
    drafts: Compiled(
        lambda slug, drafts=drafts: (
            (Letter.objects.all() if drafts else Letter.objects.public())
            .with_current_version()
            .filter(slug=slug)
        ),
        _SLUG,
    )
    for drafts in (False, True)
}


def letter_for_sign_on(slug: str, user=None) -> Letter | None:
    """The letter with this slug as ``user`` may see it (the public, without one), with
    its current version (``with_current_version``); None if there is none."""
    sql, params = _LETTER[user is not None and may_preview_drafts(user)].sql(slug)
    return next(iter(Letter.objects.raw(sql, params)), None)


_LETTER_PAGE = Compiled(
    lambda slug: (
        Letter.objects.with_current_version()
        .annotate(
            text_versions=Count("versions"),
            text_changed_at=Max("versions__created_at"),
            # Part of every state's stamp (list_parts): read once here, not once per state.
            places_changed=places_last_changed(),
        )
        .filter(slug=slug)
    ),
    _SLUG,
)


def letter_for_page(slug: str) -> Letter | None:
    """The letter as its public page shows it, a draft too (the view decides who sees
    one): with its current version, how many texts it had, when its text last changed,
    and when the places (whose populations the page sums) last changed.

    Its delivery record, which the page shows only once the letter is delivered, is
    read then (it no longer comes in this query: a raw query cannot follow it)."""
    letter = next(iter(Letter.objects.raw(*_LETTER_PAGE.sql(slug))), None)
    if letter is not None and isinstance(letter.text_changed_at, str):
        # SQLite (make run) sends an aggregate of times as text, which the ORM converts.
        letter.text_changed_at = timezone.make_aware(
            parse_datetime(letter.text_changed_at), datetime.UTC
        )
    return letter


_OFFICE_TAKEN = Compiled(
    lambda letter_id, key: (
        Signature.objects.live()
        .filter(letter_id=letter_id, office_key=key)
        .order_by("pk")
        .values_list("city")[:1]
    ),
    _ID,
    _KEY,
)


def office_taken_as(letter_id: int, key: str) -> str | None:
    """The city as the office holding ``key`` on this letter wrote it ("Austin", not
    "austin"), or None while the office is free."""
    rows = _OFFICE_TAKEN.rows(letter_id, key)
    return rows[0][0] if rows else None
