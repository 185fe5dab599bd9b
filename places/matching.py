"""Matching a typed city to a place: ``match(city, state)``.

The API other apps use (signon on each save, outreach for its directory):

- ``match(city, state) -> Match``: ``Match.place`` is the ``Place`` the city names
  (by ``office_key``: case, accents, punctuation, "St."/"Saint", "Ste.", "Ft.",
  "Mt." folded; then by a place's alternate names), or None; then
  ``Match.suggestions`` holds up to three close candidates (``Candidate``: id,
  name, population), best first, from rapidfuzz over the state's places.
- ``names_in(state) -> list[Candidate]``: the state's places, largest first (the
  form's suggestions, the candidates); ``names_for(states) -> dict``: the same for
  several states at once (the review desk's page). Both kept in each process's
  memory until the next load, then in the shared cache; ``forget_cached()`` after a load.

Where one state has several places folding to the same key, a place from the
conference's own file (``import_places``) wins over GeoNames, then the most
populous (staff can correct the link). A state that is not one of ours matches nothing.
"""

import contextlib
import uuid
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


def names_in(state: str) -> list[Candidate]:
    """The state's places, most populous first (kept until the next load, ``names_for``)."""
    return names_for([state]).get(state, [])


def forget_cached() -> None:
    # A cache that is down holds nothing to forget; its entries expire within a day.
    with contextlib.suppress(Exception):
        cache.delete_many([_cache_key(state) for state in State.values])
        # Every process drops the names it kept (names_for) on its next call.
        cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


# What names_for read, in this process, for the places' generation it was read in.
# Unpickling a page's 30 states from the shared cache costs about 10 ms and reading
# them from the database about 100 ms; a dictionary lookup costs nothing.
_GENERATION_KEY = "places:names:generation"
_kept: dict = {"generation": None, "names": {}}


def _generation() -> str:
    """The places' generation: moved on by each load, and by an emptied cache."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(_GENERATION_KEY)
    return generation


def names_for(states) -> dict[str, list[Candidate]]:
    """``names_in`` for several states: kept in this process until the next load,
    else from the shared cache, else in one query for all the missing states."""
    wanted = set(states) & CODES
    try:
        generation = _generation()
    except Exception:  # the cache is down: the database still answers
        generation = None
    if generation is None or generation != _kept["generation"]:
        _kept.update(generation=generation, names={})
    kept = _kept["names"]
    missing = sorted(wanted - kept.keys())
    if missing and generation is not None:
        with contextlib.suppress(Exception):
            cached = cache.get_many([_cache_key(state) for state in missing])
            kept.update((state, cached[_cache_key(state)]) for state in missing
                        if _cache_key(state) in cached)  # fmt: skip
            missing = [state for state in missing if state not in kept]
    if missing:
        read = {state: [] for state in missing}
        for state, pk, name, population in (
            Place.objects.filter(state__in=missing)
            .order_by("state", F("population").desc(nulls_last=True), "name")
            .values_list("state", "pk", "name", "population")
        ):
            read[state].append(Candidate(pk, name, population, normalize.fold(name)))
        if generation is not None:
            kept.update(read)
            with contextlib.suppress(Exception):
                cache.set_many({_cache_key(state): names for state, names in read.items()},
                               CACHE_SECONDS)  # fmt: skip
        else:
            return {**{state: kept[state] for state in wanted if state in kept}, **read}
    return {state: kept[state] for state in wanted}


def _preferred():
    """The conference's file first, then the most populous, then the oldest row."""
    authority = Case(When(source=Place.Source.CONFERENCE, then=Value(0)), default=Value(1))
    return (authority, F("population").desc(nulls_last=True), "pk")


# ``find`` in one round trip (every sign-on asks, and most cities a bench or a person
# types that match nothing asked twice): a place's own name before another name of a
# place, then ``_preferred``'s order. Plain SQL that SQLite (``make run``) also reads.
_FIND_SQL = """SELECT * FROM (
        SELECT place.*, 0 AS by_alias FROM "places_place" place WHERE place.key = %s
        UNION ALL
        SELECT place.*, 1 FROM "places_place" place
        JOIN "places_placealias" alias ON alias.place_id = place.id WHERE alias.key = %s
    ) found
    ORDER BY by_alias, CASE WHEN source = %s THEN 0 ELSE 1 END, population DESC NULLS LAST, id
    LIMIT 1"""


def find(city: str, state: str) -> Place | None:
    """The place a city names in a state, by its name and then its other names."""
    key = normalize.office_key(city, state)
    return next(iter(Place.objects.raw(_FIND_SQL, [key, key, Place.Source.CONFERENCE])), None)


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
