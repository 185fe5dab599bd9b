"""The places a U.S. mayor can serve: each with its state, its population and the
key a typed city name is matched on (``normalize.office_key``, the same key a
signature's city is filed under)."""

from django.db import models
from django.db.models import Subquery
from django.db.models.functions import Coalesce, Greatest

from . import normalize
from .states import State

# The conference's members are cities of 30,000 people or more: "member-size".
MEMBER_SIZE = 30_000


class Place(models.Model):
    class Source(models.TextChoices):
        GEONAMES = "geonames", "GeoNames"
        CONFERENCE = "conference", "Conference file"

    name = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=State)
    # Unknown for a place the conference adds without a figure; never guessed.
    population = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source)
    # The place's id in its source (a GeoNames id, the conference file's own id):
    # a refresh updates the row it loaded before instead of adding a second one.
    source_id = models.CharField(max_length=40)
    # normalize.office_key(name, state), kept in step by save().
    key = models.CharField(max_length=normalize.OFFICE_KEY_MAX_LENGTH, editable=False)
    # A staff correction (a population, a name) moves it; a load's bulk writes do not,
    # the load's own time (Dataset.loaded_at) stands for them (``last_changed``).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="one_row_per_source_id"),
        ]
        indexes = [
            models.Index(fields=["key"], name="place_key"),
            # The newest edit, read by every page stamp (``last_changed``).
            models.Index(fields=["-updated_at"], name="place_newest_edit"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"

    def save(self, *args, **kwargs) -> None:
        self.key = normalize.office_key(self.name, self.state)
        super().save(*args, **kwargs)


class PlaceAlias(models.Model):
    """Another name a place goes by ("Saint Louis" for St. Louis, "Mayaguez" for
    Mayagüez): a signature typed that way is matched to the place too."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    # normalize.office_key(name, place.state), kept in step by save().
    key = models.CharField(max_length=normalize.OFFICE_KEY_MAX_LENGTH, editable=False)

    class Meta:
        verbose_name_plural = "place aliases"
        constraints = [
            models.UniqueConstraint(fields=["place", "key"], name="one_alias_per_key"),
        ]
        indexes = [models.Index(fields=["key"], name="place_alias_key")]

    def __str__(self) -> str:
        return f"{self.name} → {self.place}"

    def save(self, *args, **kwargs) -> None:
        self.key = normalize.office_key(self.name, self.place.state)
        super().save(*args, **kwargs)


class Dataset(models.Model):
    """What was last loaded from a source: ``load_places`` skips an unchanged
    file in one query, and public pages name the figures' source and vintage."""

    source = models.CharField(max_length=20, choices=Place.Source, unique=True)
    vintage = models.CharField(max_length=200)
    # SHA-256 of the file loaded: the same file again is nothing to do.
    digest = models.CharField(max_length=64)
    places = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.vintage


def last_changed() -> Greatest:
    """When the places last changed, as an expression a stamp query carries: the latest
    load of a source or the latest edit of a place, whichever came last. Pages that show
    a population hold it under a stamp that includes this."""
    loaded = Dataset.objects.order_by("-loaded_at").values("loaded_at")[:1]
    edited = Place.objects.order_by("-updated_at").values("updated_at")[:1]
    # PostgreSQL's GREATEST skips a NULL (nothing loaded yet) where SQLite's MAX returns
    # it: each side coalesced with the other answers the same on both.
    loaded, edited = Subquery(loaded), Subquery(edited)
    return Greatest(Coalesce(loaded, edited), Coalesce(edited, loaded))
