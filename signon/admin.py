from django.contrib import admin, messages
from django.db import transaction

from .models import InvalidTransition, Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = [
        "mayor_display", "city", "state", "letter", "status", "contact_email", "created_at",
        "reviewed_by", "reviewed_at",
    ]  # fmt: skip
    list_filter = ["status", "letter", "state"]
    search_fields = [
        "mayor_first_name", "mayor_last_name", "city", "contact_email",
        "contact_first_name", "contact_last_name",
    ]  # fmt: skip
    list_select_related = ["letter", "reviewed_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "office_key", "status", "reviewed_by", "reviewed_at", "approved_at", "created_at",
        "updated_at",
    ]  # fmt: skip
    fieldsets = [
        ("Mayor", {"fields": ["letter", "mayor_first_name", "mayor_last_name", "city", "state"]}),
        (
            "Contact (private)",
            {
                "fields": [
                    "contact_first_name",
                    "contact_last_name",
                    "contact_email",
                    "contact_phone",
                    "contact_phone_extension",
                ]
            },
        ),
        (
            "Review",
            {
                "fields": [
                    "status",
                    "review_note",
                    "reviewed_by",
                    "reviewed_at",
                    "approved_at",
                    "office_key",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description="Mayor", ordering="mayor_last_name")
    def mayor_display(self, obj: Signature) -> str:
        return obj.mayor_name

    def _decide_selected(self, request, queryset, status: str, verb: str) -> None:
        done, skipped = 0, 0
        with transaction.atomic():
            for signature in queryset.select_related(None).select_for_update():
                try:
                    signature.decide(status, request.user)
                except InvalidTransition:
                    skipped += 1
                else:
                    done += 1
        self.message_user(request, f"{done} signature(s) {verb}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} signature(s) skipped: only pending signatures can be {verb}.",
                messages.WARNING,
            )

    @admin.action(description="Approve selected signatures")
    def approve_selected(self, request, queryset):
        self._decide_selected(request, queryset, Signature.Status.APPROVED, "approved")

    @admin.action(description="Reject selected signatures")
    def reject_selected(self, request, queryset):
        self._decide_selected(request, queryset, Signature.Status.REJECTED, "rejected")


from . import admin_letters  # noqa: E402,F401 -- extends the letters admin
