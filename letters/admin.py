import difflib
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import TEXT_FIELDS, Delivery, Letter, LetterVersion, normalize_text


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


@admin.register(Letter)
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


def text_diff_html(old: LetterVersion | None, new: LetterVersion) -> str:
    """Word-by-word changes from one version's text to the next: <del> and <ins>."""
    before = re.split(r"(\s+)", old.text) if old else []
    after = re.split(r"(\s+)", new.text)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    # Merge changes separated only by a space, so "right away" → "without delay"
    # reads as one change rather than two.
    chunks: list[list] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        between_changes = op == "equal" and not "".join(before[a1:a2]).strip()
        if chunks and chunks[-1][0] == "change" and (op != "equal" or between_changes):
            chunks[-1][2], chunks[-1][4] = a2, b2
        else:
            chunks.append(["equal" if op == "equal" else "change", a1, a2, b1, b2])
    parts = []
    for op, a1, a2, b1, b2 in chunks:
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", "".join(before[a1:a2])))
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[b1:b2])))
    return format_html('<div class="text-diff">{}</div>', mark_safe("".join(parts)))  # noqa: S308 -- every part is escaped above


@admin.register(LetterVersion)
class LetterVersionAdmin(admin.ModelAdmin):
    list_display = ["letter", "number", "sha256", "created_at", "created_by"]
    list_filter = ["letter"]
    fields = ["letter", "number", "sha256", "created_at", "created_by", "changes"]
    readonly_fields = fields

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


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["letter", "delivered_on", "delivered_to", "signatory_count", "recorded_by"]
    fields = [
        "letter", "delivered_on", "delivered_to", "method", "note", "version",
        "signatory_count", "recorded_by", "recorded_at", "packet_link",
    ]  # fmt: skip
    readonly_fields = [
        "letter", "version", "signatory_count", "recorded_by", "recorded_at", "packet_link"
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        # A delivery is recorded from its letter (the list must be snapshotted).
        return False

    @admin.display(description="delivery packet")
    def packet_link(self, obj: Delivery) -> str:
        url = reverse("admin:letters_delivery_packet", args=[obj.pk])
        return format_html('<a href="{}">Download the delivery packet (PDF)</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/packet.pdf",
                self.admin_site.admin_view(self.packet_view),
                name="letters_delivery_packet",
            ),
            *super().get_urls(),
        ]

    def packet_view(self, request, pk: int):
        # ReportLab loads when a packet is asked for, not in every worker at start-up.
        from .packet import delivery_packet_pdf

        delivery = Delivery.objects.select_related("letter", "version").filter(pk=pk).first()
        if delivery is None or not self.has_view_permission(request, delivery):
            raise Http404
        response = HttpResponse(delivery_packet_pdf(delivery), content_type="application/pdf")
        filename = f"{delivery.letter.slug}-delivered-{delivery.delivered_on:%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
