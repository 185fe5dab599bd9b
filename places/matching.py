"""Matching a typed city to a place: ``match(city, state)``.

The API other apps use (signon on each save, outreach for its directory):

- ``match(city, state) -> Match``: ``Match.place`` is the ``Place`` the city names
  (by ``office_key``: case, accents, punctuation, "St."/"Saint", "Ste.", "Ft.",
  "Mt." folded; then by a place's alternate names), or None; then
  ``Match.suggestions`` holds up to three close candidates (``Candidate``: id,
  name, population), best first, from rapidfuzz over the state's places.
- ``names_in(state) -> list[Candidate]``: the state's places, largest first, cached
  (the form's suggestions, the candidates). ``forget_cached()`` after a load.

Where one state has several places folding to the same key, a place from the
conference's own file (``import_places``) wins over GeoNames, then the most
populous (staff can correct the link). A state that is not one of ours matches nothing.
"""

import contextlib
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Case, F, Value, When
from rapidfuzz import fuzz, process

from . import normalize
from .models import Place
from .states import CODES, State

# How alike (0–100, rapidfuzz's ratio of the folded names) a candidate must be:
# "Sante Fe" → Santa Fe (88) and "Nashvile" → Nashville (94) pass; a made-up
# "Gotham" is not offered Gorham (83).
SIMILARITY = 85
CACHE_SECONDS = 24 * 60 * 60
# Each process also keeps what it read from the shared cache for this long:
# unpickling a large state's 1,500 names cost a sign-on about a millisecond.
# A load in another process reaches this process's suggestions within it.
LOCAL_SECONDS = 60
_local: dict[str, tuple[float, list["Candidate"]]] = {}


class Candidate(NamedTuple):
    id: int
    name: str
    population: int | None
    folded: str


@dataclass(frozen=True)
class Match:
    place: Place | None
    suggestions: list[Candidate] = field(default_factory=list)

    @property
    def did_you_mean(self) -> Candidate | None:
        return self.suggestions[0] if self.suggestions else None


def _cache_key(state: str) -> str:
    return f"places:names:{state}"


def read_names(state: str) -> list[Candidate]:
    """The state's places, most populous first, read from the database (one query)."""
    if state not in CODES:
        return []
    return [
        Candidate(pk, name, population, normalize.fold(name))
        for pk, name, population in Place.objects.filter(state=state)
        .order_by(F("population").desc(nulls_last=True), "name")
        .values_list("pk", "name", "population")
    ]


def names_in(state: str) -> list[Candidate]:
    """The state's places, most populous first (cached until the next load)."""
    if state not in CODES:
        return []
    kept = _local.get(state)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    names = _shared_names(state)
    _local[state] = (time.monotonic() + LOCAL_SECONDS, names)
    return names


def _shared_names(state: str) -> list[Candidate]:
    try:
        names = cache.get(_cache_key(state))
    except Exception:  # the cache is down: the database still answers
        return read_names(state)
    if names is None:
        names = read_names(state)
        with contextlib.suppress(Exception):
            cache.set(_cache_key(state), names, CACHE_SECONDS)
    return names


def forget_cached() -> None:
    _local.clear()
    # A cache that is down holds nothing to forget; its entries expire within a day.
    with contextlib.suppress(Exception):
        cache.delete_many([_cache_key(state) for state in State.values])


def _preferred():
    """The conference's file first, then the most populous, then the oldest row."""
    authority = Case(When(source=Place.Source.CONFERENCE, then=Value(0)), default=Value(1))
    return (authority, F("population").desc(nulls_last=True), "pk")


def find(city: str, state: str) -> Place | None:
    """The place a city names in a state, by its name and then its other names."""
    key = normalize.office_key(city, state)
    place = Place.objects.filter(key=key).order_by(*_preferred()).first()
    if place is None:
        place = Place.objects.filter(aliases__key=key).order_by(*_preferred()).first()
    return place


def suggestions(
    city: str, state: str, limit: int = 3, names: list[Candidate] | None = None
) -> list[Candidate]:
    """Close candidates for a city that matched nothing, best first (among ``names``,
    by default the state's places)."""
    names = names_in(state) if names is None else names
    folded = normalize.fold(city)
    if not folded or not names:
        return []
    found = process.extract(
        folded,
        [candidate.folded for candidate in names],
        scorer=fuzz.ratio,
        score_cutoff=SIMILARITY,
        limit=limit,
    )
    # Equal scores: the larger place first (names are listed largest first).
    return [names[index] for _, _, index in sorted(found, key=lambda hit: (-hit[1], hit[2]))]


def match(city: str, state: str) -> Match:
    place = find(city, state)
    if place is not None:
        return Match(place)
    return Match(None, suggestions(city, state))


def find_keys(keys) -> dict[str, int]:
    """For many office keys at once (a backfill): key → the id of the place ``find``
    would return, in two queries."""
    found: dict[str, int] = {}
    keys = set(keys)
    # In order of preference: the first place of a key is the one ``find`` returns.
    places = Place.objects.filter(key__in=keys).order_by(*_preferred())
    for key, pk in places.values_list("key", "pk"):
        found.setdefault(key, pk)
    rest = keys - found.keys()
    if rest:
        by_alias = Place.objects.filter(aliases__key__in=rest).order_by(*_preferred())
        for key, pk in by_alias.values_list("aliases__key", "pk"):
            found.setdefault(key, pk)
    return found
