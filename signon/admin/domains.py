"""The official domains admin: the e-mail domains known as a city's own, verified by
staff or listed in the mayors' directory (its rows say so in *source*)."""

from django.contrib import admin

from ..models import OfficialDomain


@admin.register(OfficialDomain)
class OfficialDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "city", "state", "source", "note", "created_at"]
    list_filter = ["source", "state"]
    search_fields = ["domain", "city"]
    readonly_fields = ["source", "created_at"]
