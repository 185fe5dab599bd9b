from django.contrib import admin

from .models import Letter


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "deadline", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status", "deadline"]}),
        ("Text", {"fields": ["salutation", "body", "closing"]}),
        ("Questions line", {"fields": ["questions_contact_name", "questions_contact_email"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
