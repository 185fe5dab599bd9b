"""The letter admin, as the sign-on desk extends it.

The letters app knows nothing of signatures; what needs both lives here: the
counts per status, the delivery (which freezes the list) and the signatures
per version of the text.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from letters.admin import LetterAdmin, LetterVersionAdmin
from letters.models import Letter, LetterVersion

from .admin import changelist_url
from .delivery import AlreadyDelivered, pending_count, record_delivery
from .models import Signature


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label="Delivered on", initial=timezone.localdate)
    delivered_to = forms.CharField(
        label="Delivered to",
        max_length=300,
        initial="Members of the U.S. House of Representatives and the U.S. Senate",
    )
    method = forms.CharField(label="How", max_length=200, help_text="e.g. hand-delivered; e-mail")
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, pending: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = pending
        if pending:
            # Pending signatures are left out of the frozen list: say so, and
            # make staff confirm it knowingly.
            self.fields["leave_pending_out"] = forms.BooleanField(
                label=f"Deliver without the {pending_phrase(pending)}",
                error_messages={
                    "required": f"{pending_phrase(pending, capital=True)} still pending. "
                    "Review them first, or tick this box to deliver without them."
                },
            )


def pending_phrase(n: int, capital: bool = False) -> str:
    phrase = f"{n:,} signature{'s' if n != 1 else ''}"
    if capital:
        return f"{phrase} {'are' if n != 1 else 'is'}"
    return f"{phrase} still pending"


class DeskLetterAdmin(LetterAdmin):
    list_display = [*LetterAdmin.list_display, "signature_counts"]
    readonly_fields = [*LetterAdmin.readonly_fields, "signature_counts", "delivery_record"]
    fieldsets = [
        *LetterAdmin.fieldsets[:1],
        ("Signatures", {"fields": ["signature_counts"]}),
        *LetterAdmin.fieldsets[1:],
        ("Delivery", {"fields": ["delivery_record"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        counts = {
            f"count_{status}": Count("signatures", filter=Q(signatures__status=status))
            for status in Signature.Status.values
        }
        return super().get_queryset(request).select_related("delivery").annotate(**counts)

    @admin.display(description="Signatures")
    def signature_counts(self, letter: Letter) -> SafeString | str:
        if not letter.pk:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{} {}</a>',
            (
                (
                    changelist_url(letter__id__exact=letter.pk, status__exact=status),
                    getattr(letter, f"count_{status}", 0),
                    label.lower(),
                )
                for status, label in Signature.Status.choices
            ),
        )

    @admin.display(description="delivery")
    def delivery_record(self, obj: Letter) -> str:
        if obj.pk is None:
            return "—"
        delivery = getattr(obj, "delivery", None)
        if delivery:
            url = reverse("admin:letters_delivery_change", args=[delivery.pk])
            return format_html(
                '<a href="{}">Delivered {} to {} ({} signatories)</a>',
                url, delivery.delivered_on, delivery.delivered_to, delivery.signatory_count,
            )  # fmt: skip
        url = reverse("admin:letters_letter_deliver", args=[obj.pk])
        return format_html('<a class="button" href="{}">Record the delivery…</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/deliver/",
                self.admin_site.admin_view(self.deliver_view),
                name="letters_letter_deliver",
            ),
            *super().get_urls(),
        ]

    def deliver_view(self, request, pk: int):
        letter = get_object_or_404(Letter, pk=pk)
        if not self.has_change_permission(request, letter):
            raise PermissionDenied
        pending = pending_count(letter)
        if request.method == "POST":
            form = DeliveryForm(request.POST, pending=pending)
            if form.is_valid():
                details = {k: v for k, v in form.cleaned_data.items() if k != "leave_pending_out"}
                try:
                    delivery = record_delivery(letter, user=request.user, **details)
                except AlreadyDelivered as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.log_change(request, letter, f"Delivered on {delivery.delivered_on}.")
                    self.message_user(
                        request,
                        f"Delivery recorded with {delivery.signatory_count} signatories.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:letters_delivery_change", delivery.pk)
        else:
            form = DeliveryForm(pending=pending)
        if pending:
            self.message_user(
                request,
                f"{pending_phrase(pending, capital=True)} still pending: they will not be "
                f"part of the delivered list. Review them first, or deliver without them.",
                messages.WARNING,
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Record the delivery of “{letter}”",
            "letter": letter,
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/letters/letter/deliver.html", context)


class DeskLetterVersionAdmin(LetterVersionAdmin):
    list_display = [*LetterVersionAdmin.list_display, "signature_count"]
    fields = [*LetterVersionAdmin.fields, "signature_count"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(signature_count=Count("signatures"))

    @admin.display(description="signatures on this version", ordering="signature_count")
    def signature_count(self, obj: LetterVersion) -> str:
        url = reverse("admin:signon_signature_changelist")
        return format_html(
            '<a href="{}?letter_version__id__exact={}">{}</a>', url, obj.pk, obj.signature_count
        )


for model, model_admin in [(Letter, DeskLetterAdmin), (LetterVersion, DeskLetterVersionAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
