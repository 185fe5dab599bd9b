from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry

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
    actions = ["open_selected", "close_selected"]

    def _set_status(self, request, queryset, status: str) -> int:
        changed = list(queryset.exclude(status=status))
        for letter in changed:
            before = letter.get_status_display()
            letter.status = status
            letter.save(update_fields=["status", "updated_at"])
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[letter],
                action_flag=CHANGE,
                change_message=f"Status: {before} → {letter.get_status_display()}.",
                single_object=True,
            )
        return len(changed)

    @admin.action(description="Open selected letters for signatures", permissions=["change"])
    def open_selected(self, request, queryset):
        n = self._set_status(request, queryset, Letter.Status.OPEN)
        self.message_user(request, f"{n} letter(s) opened for signatures.", messages.SUCCESS)
        late = queryset.filter(status=Letter.Status.OPEN, deadline__isnull=False)
        if any(not letter.is_accepting_signatures for letter in late):
            self.message_user(
                request,
                "A letter whose deadline has passed stays closed to the public: "
                "move or clear its deadline.",
                messages.WARNING,
            )

    @admin.action(description="Close selected letters", permissions=["change"])
    def close_selected(self, request, queryset):
        n = self._set_status(request, queryset, Letter.Status.CLOSED)
        self.message_user(request, f"{n} letter(s) closed.", messages.SUCCESS)
