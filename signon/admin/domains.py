"""The official domains admin: the e-mail domains staff verified as a city's own."""

from django.contrib import admin

from ..models import OfficialDomain


@admin.register(OfficialDomain)
class OfficialDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "city", "state", "note", "created_at"]
    list_filter = ["state"]
    search_fields = ["domain", "city"]
    readonly_fields = ["created_at"]
