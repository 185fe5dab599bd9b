"""The letter's own admin: its form, its versions inline, and the text diff.

These are base classes. The letters app knows nothing of signatures, and the
sign-on desk (``signon.admin.letters``) extends them with signature counts and
the delivery, then registers them: each model's admin is registered once, there.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils.html import format_html

from .diff import text_diff_html
from .models import TEXT_FIELDS, Letter, LetterVersion, normalize_text


class LetterAdminForm(forms.ModelForm):
    confirm_new_version = forms.BooleanField(
        label="Yes, publish a new version of the text",
        required=False,
        help_text="Needed to change the words of a letter that is already public. "
        "Signatures already made stay tied to the version they signed.",
    )

    class Meta:
        model = Letter
        fields = [
            "title", "slug", "summary", "status", "deadline", "list_published_at",
            "salutation", "body", "closing", "questions_contact_name", "questions_contact_email",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        # Judge the text and status being saved, not the stored ones: the
        # confirmation must protect a save that publishes or edits at once.
        # Words compare normalized (browsers send CRLF; the form strips the
        # ends), so saving the text unchanged never asks for a new version.
        stored = self.instance
        if not stored.pk:
            return cleaned
        text_changed = False
        for field in TEXT_FIELDS & set(cleaned):
            if normalize_text(cleaned[field]) == normalize_text(getattr(stored, field)):
                cleaned[field] = getattr(stored, field)  # the same words: keep them as stored
            else:
                text_changed = True
        # Public before this save or made public by it.
        public = {stored.status, cleaned.get("status", stored.status)} != {Letter.Status.DRAFT}
        if text_changed and public and not cleaned.get("confirm_new_version"):
            version = stored.current_version
            next_number = version.number + 1 if version else 1
            raise forms.ValidationError(
                f"This letter is public and may already have signatures. Saving these "
                f"changes to its text creates version {next_number}. Tick “Yes, publish a "
                f"new version of the text” below to confirm.",
                code="confirm_new_version",
            )
        return cleaned


class LetterVersionInline(admin.TabularInline):
    model = LetterVersion
    extra = 0
    can_delete = False
    fields = ["version_link", "sha256", "created_at", "created_by"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="version")
    def version_link(self, obj: LetterVersion) -> str:
        url = reverse("admin:letters_letterversion_change", args=[obj.pk])
        return format_html('<a href="{}">Version {}</a>', url, obj.number)


class LetterAdmin(admin.ModelAdmin):
    form = LetterAdminForm
    list_display = ["title", "slug", "status", "deadline", "list_published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [LetterVersionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status"]}),
        ("Dates", {"fields": ["deadline", "list_published_at"]}),
        ("Text", {"fields": ["salutation", "body", "closing", "confirm_new_version"]}),
        ("Questions line", {"fields": ["questions_contact_name", "questions_contact_email"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["open_selected", "close_selected"]

    def _set_status(self, request, queryset, status: str) -> int:
        # A delivered letter's life is over: it is neither reopened nor closed again.
        changed = list(queryset.exclude(status=status).exclude(status=Letter.Status.DELIVERED))
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

    def save_model(self, request, obj, form, change):
        obj.save(version_author=request.user)


class LetterVersionAdmin(admin.ModelAdmin):
    list_display = ["letter", "number", "short_sha256", "created_at", "created_by"]
    list_filter = ["letter"]
    fields = ["letter", "number", "sha256", "created_at", "created_by", "changes"]
    readonly_fields = fields

    @admin.display(description="SHA-256 of the text", ordering="sha256")
    def short_sha256(self, obj: LetterVersion) -> str:
        # 64 characters push the counts off the list; the full value is on the version's page.
        return format_html('<code title="{}">{}…</code>', obj.sha256, obj.sha256[:12])

    class Media:
        css = {"all": ["css/admin-diff.css"]}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="changes from the previous version")
    def changes(self, obj: LetterVersion) -> str:
        previous = (
            LetterVersion.objects.filter(letter=obj.letter_id, number__lt=obj.number)
            .order_by("-number")
            .first()
        )
        return text_diff_html(previous, obj)
