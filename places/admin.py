"""The places as staff see them: the reference table, searchable, with aliases."""

from django.contrib import admin

from .models import Dataset, Place, PlaceAlias


class PlaceAliasInline(admin.TabularInline):
    model = PlaceAlias
    extra = 0
    fields = ["name"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "population", "source", "source_id"]
    list_filter = ["state", "source"]
    search_fields = ["name", "aliases__name"]
    readonly_fields = ["key"]
    inlines = [PlaceAliasInline]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """What was loaded, when: written by load_places and import_places only."""

    list_display = ["source", "vintage", "places", "loaded_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
