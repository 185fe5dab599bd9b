"""The letter and letter-version admins, as the sign-on desk extends them.

The letters app knows nothing of signatures: ``letters.admin`` holds the base
classes, and they are registered here, once, with what needs both: the counts
per status, the delivery (``RecordDeliveryMixin``) and the signatures per
version of the text.
"""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from letters.admin import LetterAdmin, LetterVersionAdmin
from letters.models import Letter, LetterVersion

from .. import population
from ..models import Signature
from .deliveries import RecordDeliveryMixin
from .layout import FullWidthChangelist
from .links import changelist_url
from .progress import letter_progress, render_panel


@admin.register(Letter)
class DeskLetterAdmin(FullWidthChangelist, RecordDeliveryMixin, LetterAdmin):
    list_display = [*LetterAdmin.list_display, "signature_counts"]
    readonly_fields = [
        *LetterAdmin.readonly_fields,
        "signature_counts",
        "delivery_record",
        "progress",
    ]
    fieldsets = [
        *LetterAdmin.fieldsets[:1],
        ("Signatures", {"fields": ["signature_counts", "progress"]}),
        *LetterAdmin.fieldsets[1:],
        ("Delivery", {"fields": ["delivery_record"]}),
    ]

    class Media:
        css = {"all": ["signon/admin.css", "signon/letter-progress.css"]}

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

    @admin.display(description="Progress")
    def progress(self, letter: Letter) -> SafeString | str:
        if not letter.pk:
            return "—"
        figure = population.for_letter(letter.pk)
        return render_panel(
            letter_progress(
                letter,
                population=figure.population if figure.matched else None,
                member_share=population.member_share(letter.pk),
            )
        )


@admin.register(LetterVersion)
class DeskLetterVersionAdmin(FullWidthChangelist, LetterVersionAdmin):
    list_display = [*LetterVersionAdmin.list_display, "signature_count"]
    fields = [*LetterVersionAdmin.fields, "signature_count"]
    readonly_fields = fields

    class Media:
        css = {"all": ["signon/admin.css", "signon/letter-progress.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(signature_count=Count("signatures"))

    @admin.display(description="signatures on this version", ordering="signature_count")
    def signature_count(self, obj: LetterVersion) -> str:
        url = changelist_url(letter_version__id__exact=obj.pk)
        return format_html('<a href="{}">{}</a>', url, obj.signature_count)
