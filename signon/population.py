"""The people a letter speaks for: "Mayors representing N Americans".

The sum of the populations of the places the approved signatories' cities
matched (``Signature.matched_place``), each place counted once however many
signatures name it. A signatory whose city matched no place counts as a
signatory and adds nothing, and every figure says so ("covers the N of M
signatories whose city matched a place"). Read from the same public rows as the
list (``for_public_display``), so the letter page needs no extra query.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from places import geonames
from places.models import MEMBER_SIZE, Place

from .models import Signature

# What each public row needs for the figure (a join, not a query).
PLACE_FIELDS = ("matched_place_id", "matched_place__population")


@dataclass(frozen=True)
class Represented:
    population: int
    matched: int
    signatories: int

    @property
    def as_json(self) -> dict:
        return {
            "population": self.population,
            "signatories_matched": self.matched,
            "signatories": self.signatories,
            "source": source(),
            "licence": f"GeoNames, {LICENCE}",
            "note": "The sum of the populations of the signatories' cities matched to a "
            "place, each place once; signatories whose city matched no place add nothing.",
        }


@dataclass(frozen=True)
class StateRepresented:
    code: str
    name: str
    represented: Represented


LICENCE = "CC BY 4.0"


@functools.cache
def source() -> str:
    """The figures' source and vintage ("GeoNames cities500, as shipped by …")."""
    return geonames.vintage()


def represented(rows: Iterable[dict]) -> Represented:
    places: dict[int, int] = {}
    signatories = matched = 0
    for row in rows:
        signatories += 1
        if row["matched_place_id"] is not None:
            matched += 1
            places[row["matched_place_id"]] = row["matched_place__population"] or 0
    return Represented(sum(places.values()), matched, signatories)


def for_letters(letter_ids: Iterable[int]) -> dict[int, Represented]:
    """The figure of each of several letters (the index), in one query."""
    rows: dict[int, list[dict]] = {}
    query: QuerySet = (
        Signature.objects.for_public_display()
        .filter(letter__in=list(letter_ids))
        .values("letter_id", *PLACE_FIELDS)
    )
    for row in query:
        rows.setdefault(row["letter_id"], []).append(row)
    return {letter_id: represented(group) for letter_id, group in rows.items()}


def for_letter(letter_id: int) -> Represented:
    return for_letters([letter_id]).get(letter_id, Represented(0, 0, 0))


def member_share(letter_id: int) -> tuple[int, int]:
    """(member-size places whose mayor is listed on the letter, member-size places in
    all): how much of the conference's membership has signed. Two queries."""
    members = Place.objects.filter(population__gte=MEMBER_SIZE)
    signed = (
        Signature.objects.for_public_display()
        .filter(letter_id=letter_id, matched_place__in=members)
        .values("matched_place")
        .distinct()
        .count()
    )
    return signed, members.count()
