"""The letter's public list, kept per state in each worker: one approval re-reads one state.

A staff decision changes the letter's stamp, and every page a worker holds is
stale (``page_cache``). But only the state whose signatory changed has a new
list. So each state's part of the list (its rows, its section's markup, the
people its cities hold, its newest approval) is kept per letter and state under
the state's own stamp: how many are approved there and the latest edit of one
of them, read for every state in one small query. A render reads rows only for
the states whose stamp changed (one query for all of them) and reuses the rest,
so the first request after a decision no longer reads, groups and escapes
every name again.

The places' populations are part of each state's stamp through the time the places
last changed (``places.models.last_changed``: a load, or a staff edit of a place): either
reaches every state's figure.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from letters.models import Letter
from places.states import State

from . import population
from .compiled import Compiled
from .models import Signature
from .public_list import StateGroup, public_rows


@dataclass
class StatePart:
    # (approved count, latest edit, places changed at): the part is current while it holds.
    stamp: tuple
    group: StateGroup
    represented: population.Represented
    last_approved: datetime.datetime | None
    # The text versions its mayors signed: the page looks for earlier signers only
    # when some part holds a version other than the current one.
    versions: frozenset


# By letter id, then state code; the letters read most recently last. A worker keeps
# the lists of this many letters (at 20,000 names a list holds about 13 MB).
MAX_LETTERS = 8
_parts: OrderedDict[int, dict[str, StatePart]] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    """Forget every part (between tests; parts are never wrong, only kept)."""
    with _lock:
        _parts.clear()


def read(letter: Letter, fields: tuple[str, ...]) -> list[StatePart]:
    """The letter's public list by state, states in order of name (as the page lists them).

    One query when nothing changed since this worker last read the letter (the
    states' stamps, and none for rows); otherwise one more for the rows of the
    states that changed. ``letter`` is as ``compiled.letter_for_page`` reads it (with
    ``places_changed``). ``fields`` must include ``population.PLACE_FIELDS``,
    ``approved_at`` and ``letter_version_id``; every call for one letter passes the same.
    """
    stamps = _state_stamps(letter)
    held = _parts.get(letter.pk, {})
    stale = [
        code for code, stamp in stamps.items() if code not in held or held[code].stamp != stamp
    ]
    parts = {code: held[code] for code in stamps if code not in stale}
    if stale:
        rows_by_state: dict[str, list[dict]] = {code: [] for code in stale}
        for row in public_rows(letter, fields=fields, states=stale):
            rows_by_state[row["state"]].append(row)
        for code, rows in rows_by_state.items():
            parts[code] = StatePart(
                stamp=stamps[code],
                group=StateGroup(code=code, name=State(code).label, signatories=rows),
                represented=population.represented(rows),
                last_approved=max(
                    (r["approved_at"] for r in rows if r["approved_at"]), default=None
                ),
                versions=frozenset(row["letter_version_id"] for row in rows),
            )
    with _lock:
        # States no longer listed drop out with the rest of the old dict.
        _parts[letter.pk] = parts
        _parts.move_to_end(letter.pk)
        while len(_parts) > MAX_LETTERS:
            _parts.popitem(last=False)
    return sorted(parts.values(), key=lambda part: part.group.name)


def _state_stamps(letter: Letter) -> dict[str, tuple]:
    if not letter.is_list_published:
        return {}  # under embargo no state lists anyone (for_public_display)
    # The stamps are only compared with each other: the values need none of the ORM's
    # conversions. The places' last change is one value for every state, read with the
    # letter (compiled.letter_for_page): in this query, its four subqueries were a third
    # of the database's work (0.56 -> 0.36 ms at 1,400 names).
    places = letter.places_changed
    return {
        code: (approved, changed, places) for code, approved, changed in _STAMPS.rows(letter.pk)
    }


def _stamps(letter_id: int) -> QuerySet:
    """Each state's approved count and latest edit.

    Compiled once per process (``Compiled``): its SQL never changes (no time in it: the
    embargo is settled before it runs)."""
    # With the embargo settled, the count needs no join with the letter: the approved
    # rows' index alone, grouped in its order (at 20,000 names 2 ms, against 9 ms
    # scanning the table and 5 ms hashing the rows of the join; the index serves once
    # autovacuum has marked the table's pages visible, else the plan is the scan).
    return (
        Signature.objects.filter(letter_id=letter_id, status=Signature.Status.APPROVED)
        .order_by()
        .values("state")
        # COUNT(*), not of a column the index lacks.
        .annotate(approved=Count("*"), changed=Max("updated_at"))
        .values_list("state", "approved", "changed")
    )


_STAMPS = Compiled(_stamps, -1)
