"""What the review desk shows of a signature's matched place (places.matching).

The changelist's *Matched place* column (the place with its population, "not
found", or "did you mean …?"), the *Place* filter (member-size cities, no
matching place), and the change page's choice of the place among the state's
places, for staff to correct the match. signatures.py registers them.
"""

import contextvars

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from places import matching
from places.models import MEMBER_SIZE, Place

from .rows import format_cell

# The conference's members are cities of 30,000 people or more.


def _population(population: int | None) -> str:
    return f"pop. {population:,}" if population is not None else "population unknown"


# The changelist reads the places of the page's states in one pass before its rows
# are drawn (matching.names_for: kept in memory until the next load), whatever the
# number of rows: the same number of queries on every page.
_page_names: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "signon_page_place_names", default=None
)


# The suggestion for a city that matched nothing, kept with the state's names it was
# drawn from (matching.names_for keeps one list a state until the places are loaded
# again): the desk shows the same rows reload after reload, and finding the closest
# of a state's thousand names costs about 40 µs a row.
_suggested: dict[tuple[str, str], tuple[list, list]] = {}
SUGGESTIONS_KEPT = 5000


def _suggestion(city: str, state: str, names: list) -> list:
    kept = _suggested.get((city, state))
    if kept is not None and kept[0] is names:
        return kept[1]
    found = matching.suggestions(city, state, limit=1, names=names)
    if len(_suggested) >= SUGGESTIONS_KEPT:
        _suggested.clear()
    _suggested[city, state] = (names, found)
    return found


class PlaceSignalsMixin:
    """For SignatureAdmin: the ``matched_place_signal`` column and read-only field."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Prefetched, not joined: the actions lock their rows with FOR UPDATE, which
        # PostgreSQL refuses on the nullable side of an outer join.
        return super().get_queryset(request).prefetch_related("matched_place")

    def changelist_view(self, request: HttpRequest, extra_context=None):
        token = _page_names.set({})
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()  # the column runs while the page's names are held
            return response
        finally:
            _page_names.reset(token)

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        page = _page_names.get()
        if page is not None:
            rows = changelist.result_list
            page.update(matching.names_for({o.state for o in rows if o.matched_place_id is None}))
        return changelist

    @admin.display(description="Matched place", ordering="matched_place__population")
    def matched_place_signal(self, obj) -> str:
        place = obj.matched_place
        if place is not None:
            member = " · member size" if (place.population or 0) >= MEMBER_SIZE else ""
            return format_cell(
                '<span class="signon-place">{}, {}</span><br>'
                '<span class="signon-place-population">{}{}</span>',
                place.name, place.state, _population(place.population), member,
            )  # fmt: skip
        page = _page_names.get()
        if page is None or obj.state not in page:
            page = matching.names_for([obj.state])
        found = _suggestion(obj.city, obj.state, page.get(obj.state, []))
        if found:
            return format_cell(
                '<span class="signon-place-missing">Not found.</span> Did you mean {}, {} '
                "({})?",
                found[0].name, obj.state, _population(found[0].population),
            )  # fmt: skip
        return format_cell('<span class="signon-place-missing">{}</span>', "Not found.")


class PlaceFilter(admin.SimpleListFilter):
    title = "place"
    parameter_name = "place"

    def lookups(self, request: HttpRequest, model_admin):
        return [
            ("member", f"member-size city (≥ {MEMBER_SIZE:,})"),
            ("none", "no matching place"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "member":
            return queryset.filter(matched_place__population__gte=MEMBER_SIZE)
        if self.value() == "none":
            return queryset.filter(matched_place__isnull=True)
        return queryset


class PlaceChoiceMixin:
    """For SignatureAdminForm: the matched place, chosen among the state's places."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("matched_place")
        if field is None:
            return
        state = self.instance.state if self.instance.pk else None
        field.queryset = Place.objects.filter(state=state).order_by("name", "-population")
        field.label_from_instance = lambda place: f"{place.name} ({_population(place.population)})"
        field.label = "Correct the place"
        # A place is picked here, not added or edited from a signature.
        for flag in ("can_add_related", "can_change_related", "can_delete_related"):
            setattr(field.widget, flag, False)
        field.help_text = (
            "Found from the city when it is saved. Correct it here if the city is another "
            "place of this state; empty for a place not in the reference data."
        )

    def _post_clean(self):
        super()._post_clean()
        # Staff chose the place in the same edit that changed the city: keep their choice.
        self.instance.place_settled = "matched_place" in self.changed_data
