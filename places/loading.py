"""Loading places from a source into ``Place`` and ``PlaceAlias``: in one
transaction, row by row keyed on the source's own id, so loading the same data
twice changes nothing and a refresh updates rows in place (a signature's link
to its place survives a refresh)."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import normalize
from .models import Dataset, Place, PlaceAlias
from .signals import places_loaded


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed"
        )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_loaded(source: str, file_digest: str) -> bool:
    return Dataset.objects.filter(source=source, digest=file_digest).exists()


@transaction.atomic
def load(
    source: str,
    rows: Iterable[dict],
    *,
    vintage: str,
    file_digest: str,
    remove_missing: bool,
) -> Report:
    """Load rows (``source_id``, ``name``, ``state``, ``population``, ``aliases``).

    ``remove_missing`` deletes the source's places absent from ``rows`` (a full
    refresh of GeoNames); a conference file adds and corrects, never removes.
    """
    report = Report()
    existing = {
        place.source_id: place
        for place in Place.objects.filter(source=source).prefetch_related("aliases")
    }
    to_create, to_update, alias_places = [], [], []
    seen = set()
    for row in rows:
        seen.add(row["source_id"])
        key = normalize.office_key(row["name"], row["state"])
        aliases = sorted(set(row.get("aliases") or ()))
        place = existing.get(row["source_id"])
        if place is None:
            place = Place(source=source, source_id=row["source_id"])
            to_create.append(place)
        elif (place.name, place.state, place.population, place.key) == (
            row["name"], row["state"], row["population"], key,
        ) and sorted(alias.name for alias in place.aliases.all()) == aliases:  # fmt: skip
            report.unchanged += 1
            continue
        else:
            to_update.append(place)
        place.name, place.state, place.population, place.key = (
            row["name"], row["state"], row["population"], key,
        )  # fmt: skip
        alias_places.append((place, aliases))
    Place.objects.bulk_create(to_create, batch_size=2000)
    Place.objects.bulk_update(to_update, ["name", "state", "population", "key"], batch_size=2000)
    report.created, report.updated = len(to_create), len(to_update)
    PlaceAlias.objects.filter(place__in=[place.pk for place in to_update]).delete()
    PlaceAlias.objects.bulk_create(
        [
            PlaceAlias(place=place, name=name, key=normalize.office_key(name, place.state))
            for place, aliases in alias_places
            for name in aliases
        ],
        batch_size=5000,
        ignore_conflicts=True,  # two spellings of one key ("St Louis", "St. Louis")
    )
    if remove_missing:
        gone = [place.pk for source_id, place in existing.items() if source_id not in seen]
        report.removed = len(gone)
        Place.objects.filter(pk__in=gone).delete()
    Dataset.objects.update_or_create(
        source=source,
        defaults={
            "vintage": vintage,
            "digest": file_digest,
            "places": Place.objects.filter(source=source).count(),
        },
    )
    transaction.on_commit(forget_cached_places)
    places_loaded.send(sender=Place, source=source)
    return report


def forget_cached_places() -> None:
    from . import matching  # matching reads what loading writes

    matching.forget_cached()
