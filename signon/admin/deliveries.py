"""The delivery admin and the record-delivery flow.

Owns DeliveryAdmin (a delivery's record and its packet PDF) and the letter
admin's "Record the delivery…" page, which ``signon.admin.letters`` mixes in
(``RecordDeliveryMixin``). Recording itself is ``signon.delivery.record_delivery``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from letters.models import Letter

from ..delivery import AlreadyDelivered, pending_count, record_delivery
from ..models import Delivery
from .links import admin_page


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
        url = reverse("admin:signon_delivery_packet", args=[obj.pk])
        return format_html('<a href="{}">Download the delivery packet (PDF)</a>', url)

    def get_urls(self):
        return [
            admin_page(self, "<int:pk>/packet.pdf", self.packet_view, "signon_delivery_packet"),
            *super().get_urls(),
        ]

    def packet_view(self, request, pk: int):
        # ReportLab loads when a packet is asked for, not in every worker at start-up.
        from ..packet import delivery_packet_pdf

        delivery = Delivery.objects.select_related("letter", "version").filter(pk=pk).first()
        if delivery is None or not self.has_view_permission(request, delivery):
            raise Http404
        response = HttpResponse(delivery_packet_pdf(delivery), content_type="application/pdf")
        filename = f"{delivery.letter.slug}-delivered-{delivery.delivered_on:%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


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


class RecordDeliveryMixin:
    """The letter admin's delivery field and its "Record the delivery…" page."""

    @admin.display(description="delivery")
    def delivery_record(self, obj: Letter) -> str:
        if obj.pk is None:
            return "—"
        delivery = getattr(obj, "delivery", None)
        if delivery:
            url = reverse("admin:signon_delivery_change", args=[delivery.pk])
            return format_html(
                '<a href="{}">Delivered {} to {} ({} signatories)</a>',
                url, delivery.delivered_on, delivery.delivered_to, delivery.signatory_count,
            )  # fmt: skip
        url = reverse("admin:letters_letter_deliver", args=[obj.pk])
        return format_html('<a class="button" href="{}">Record the delivery…</a>', url)

    def get_urls(self):
        return [
            admin_page(self, "<int:pk>/deliver/", self.deliver_view, "letters_letter_deliver"),
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
                    return redirect("admin:signon_delivery_change", delivery.pk)
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
            "adminform": AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/signon/delivery/record.html", context)
