"""The signature admin, the staff review desk: verify, decide, notify, export.

Owns SignatureAdmin, its list filters, its edit form, the decision page
(approve, reject, withdraw, release a held submission) and the CSV export action.

Every decision goes through ``Signature.decide()``, which also writes the admin
history. Reject and withdraw ask for a reason on a small confirmation page, from
the changelist (bulk) and from a signature's own page alike.
"""

import functools
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, AdminForm
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)  # fmt: skip
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import get_language, gettext

from letters.models import Letter
from places import normalize

from .. import audit, signals, tasks
from ..export import csv_response
from ..forms import NameField, parse_phone
from ..models import TRANSITIONS, InvalidTransition, OfficeNote, Signature
from ..public_list import LIST_FIELDS
from .layout import SelectListFilter
from .links import admin_page, change_url, changelist_url, row_id, signature_page
from .places import PlaceChoiceMixin, PlaceFilter, PlaceSignalsMixin
from .review import review_urls, selection_summary, staff_text
from .rows import format_cell

DECIDE_ROUTE = "<path:object_id>/decide/<str:status>/"
# A search with at most this many matches has its page sorted from them
# (SignatureChangeList._sort_matches); with more, newest-first off the index is faster.
SORTED_SEARCH_UP_TO = 500

# ---------------------------------------------------------------- search


class SearchText(Func):
    """The fields staff search in, as one text, a newline between them.

    ``search_text__icontains=term`` is ``UPPER((…)::text) LIKE UPPER('%term%')``, the
    expression of the trigram index of migration 0020. A term without a newline is in
    the joined text exactly when it is in one of the fields: what Django's search
    (the fields' ``icontains`` ORed) finds, from one index scan instead of six.
    """

    FIELDS = [
        "mayor_first_name", "mayor_last_name", "city", "contact_email", "contact_first_name",
        "contact_last_name",
    ]  # fmt: skip
    template = "(%(expressions)s)"
    arg_joiner = " || chr(10) || "
    output_field = TextField()

    def __init__(self):
        super().__init__(*(F(name) for name in self.FIELDS))

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" || char(10) || ", **extra_context)


# ---------------------------------------------------------------- filters


class _YesNoFilter(admin.SimpleListFilter):
    """A filter with two choices, yes and no (``labels``); ``choose`` filters for one."""

    labels: tuple[str, str]

    def lookups(self, request, model_admin):
        return [("yes", self.labels[0]), ("no", self.labels[1])]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return self.choose(queryset, yes=self.value() == "yes")
        return queryset


class EmailConfirmedFilter(_YesNoFilter):
    title = "e-mail confirmed"
    parameter_name = "confirmed"
    labels = ("Confirmed", "Not confirmed")

    def choose(self, queryset, yes):
        return queryset.filter(email_confirmed_at__isnull=not yes)


class OfficialDomainFilter(_YesNoFilter):
    title = "official domain"
    parameter_name = "official"
    labels = (".gov or the city's domain", "Other domain")

    def choose(self, queryset, yes):
        return queryset.filter(official_domain=yes)


class ConflictFilter(admin.SimpleListFilter):
    title = "conflicts"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [
            ("office", "City submitted more than once"),
            ("contact", "Contact also sent other cities"),
            ("none", "No conflict"),
        ]

    def queryset(self, request, queryset):
        # EXISTS, not the counts: PostgreSQL runs it as one semi-join over the
        # table instead of a count per row.
        match self.value():
            case "office":
                return queryset.with_office_conflict()
            case "contact":
                return queryset.with_contact_conflict()
            case "none":
                return queryset.with_office_conflict(False).with_contact_conflict(False)
        return queryset


class MailFailedFilter(admin.SimpleListFilter):
    title = "e-mail delivery"
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", "Failed, to retry")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(mail_failed_at__isnull=False)
        return queryset


class _RelatedToFilter(admin.SimpleListFilter):
    """Signatures related to one signature, reached from its conflict links.

    Shown in the sidebar only while in use; linking by row id keeps the
    contact's address out of the URL.
    """

    label = ""

    def lookups(self, request, model_admin):
        pk = row_id(self.value())
        if pk is not None:
            return [(str(pk), f"{self.label} #{pk}")]
        return []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        pk = row_id(value)
        anchor = Signature.objects.filter(pk=pk).first() if pk is not None else None
        if anchor is None:
            return queryset.none()
        return self.related(queryset, anchor).exclude(pk=anchor.pk)


class SameOfficeAsFilter(_RelatedToFilter):
    title = "same city as"
    parameter_name = "same_office_as"
    label = "Same city and letter as"

    def related(self, queryset, anchor: Signature):
        return queryset.filter(letter_id=anchor.letter_id, office_key=anchor.office_key)


class SameContactAsFilter(_RelatedToFilter):
    title = "same contact as"
    parameter_name = "same_contact_as"
    label = "Other cities from the contact of"

    def related(self, queryset, anchor: Signature):
        return (
            queryset.alias(email_lower=Lower("contact_email"))
            .filter(email_lower=Lower(Value(anchor.contact_email)))
            .exclude(office_key=anchor.office_key)
        )


class _LabelsOnlyFilter(admin.RelatedFieldListFilter):
    """Django's filter by a related model, reading only the fields its labels show
    (``label_fields``, what the model's ``__str__`` reads), not every text column
    of every row: a letter's whole text, every version's."""

    label_fields: tuple[str, ...]

    def field_choices(self, field, request, model_admin):
        return _labels(field, self.field_admin_ordering(field, request, model_admin),
                       self.label_fields)  # fmt: skip


def _labels(field, ordering, label_fields) -> list[tuple]:
    """``field.get_choices(include_blank=False, ordering=ordering)``, reading fewer columns."""
    related = field.remote_field.model._default_manager.complex_filter(field.get_limit_choices_to())
    if ordering:
        related = related.order_by(*ordering)
    return [(obj.pk, str(obj)) for obj in related.only(*label_fields)]


class LetterFilter(_LabelsOnlyFilter):
    """The letters; read once a request, as the list's columns ask how many there are."""

    label_fields = ("title",)

    def field_choices(self, field, request, model_admin):
        if not hasattr(request, "signon_letters"):
            request.signon_letters = super().field_choices(field, request, model_admin)
        return request.signon_letters


class LetterVersionFilter(_LabelsOnlyFilter):
    label_fields = ("number", "sha256")


# Every field of a row's letter but its id and title (signon/admin/rows.py draws the title).
LETTER_UNSHOWN = [
    f"letter__{field.name}"
    for field in Letter._meta.concrete_fields
    if field.name not in ("id", "title")
]
LIGHT_FILTERS = {"letter": LetterFilter, "letter_version": LetterVersionFilter}


def letter_choices(model_admin, request: HttpRequest) -> list[tuple[int, str]]:
    """The letter filter's choices (id, title) for this request."""
    field = Signature._meta.get_field("letter")
    return LetterFilter(field, request, {}, Signature, model_admin, "letter").lookup_choices


# ---------------------------------------------------------------- changelist


class SignatureChangeList(ChangeList):
    """Each row's link keeps the list's filters and search (``_changelist_filters``),
    worked out once for the page: Django's ``add_preserved_filters`` resolves every
    row's URL to learn it is not the changelist (about 0.2 ms a row), and the row's
    page is not reversed per row either (links.signature_page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preserved, self.preserved_filters = self.preserved_filters, ""
        self.row_query = urlencode(dict(parse_qsl(preserved))) if preserved else ""

    def get_filters(self, request: HttpRequest):
        # The letter filters read only their labels' fields; list_filter names them by
        # field (outreach's admin finds "letter" there to put its filter before it).
        self.list_filter = [(f, LIGHT_FILTERS[f]) if f in LIGHT_FILTERS else f
                            for f in self.list_filter]  # fmt: skip
        return super().get_filters(request)

    def get_results(self, request: HttpRequest) -> None:
        # The rows name their letter (its title): not fifty copies of its text and its
        # other fields; the actions read their own queryset (get_queryset), with every field.
        self.queryset = self.queryset.defer(*LETTER_UNSHOWN)
        super().get_results(request)
        if self.query and self.result_count <= SORTED_SEARCH_UP_TO:
            self._sort_matches(request)

    def _sort_matches(self, request: HttpRequest) -> None:
        """Read a search's page from its matches, sorted, not off the newest-first index.

        PostgreSQL walks ``signature_newest`` and tests every row it passes against
        the search until it has a page: for 176 matches among 20,000 it passes about
        4,500 rows (6.3 ms), where the trigram indexes find the matches and a top-50
        sort orders them in 1.3 ms. The newest-first key is written so the index
        cannot serve it (``created_at + interval '0'``: the same order, ties still
        broken by id); with many matches the walk is the faster plan and is kept.
        The count Django just took decides, so the plan follows the search.
        """
        ordering = list(self.result_list.query.order_by)
        if not ordering or ordering[0] not in ("created_at", "-created_at"):
            return
        key = ExpressionWrapper(F("created_at") + Value(timedelta(0)), DateTimeField())
        first = key.desc() if ordering[0].startswith("-") else key.asc()
        matches = self.queryset.order_by(first, *ordering[1:])
        if self.result_list.query.is_sliced:
            self.paginator.object_list = matches  # its count is already taken
            self.result_list = self.paginator.page(self.page_num).object_list
        else:
            self.result_list = matches

    def url_for_result(self, result) -> str:
        url = signature_page(result.pk)
        return f"{url}?{self.row_query}" if self.row_query else url


# ---------------------------------------------------------------- forms


class DecisionForm(forms.Form):
    reason = staff_text(
        "Reason", "reason", max_length=2000, rows=3, required=True, widget_attrs={"cols": 60},
        help_text="Recorded in each signature's history. Staff only.",
        error_messages={"required": "Say why: the reason goes into each signature's history."},
    )  # fmt: skip
    share = staff_text(
        "Tell the contact (optional)", "message", max_length=1000, rows=3,
        widget_attrs={"cols": 60},
        help_text="A short, kind reason e-mailed to the contact with the rejection; "
        "leave empty to send no e-mail.",
    )  # fmt: skip

    def __init__(self, *args, reason_required: bool, share: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            self.fields["reason"].label = "Note (optional)"
        if not share:
            del self.fields["share"]


class SignatureAdminForm(PlaceChoiceMixin, forms.ModelForm):
    """A signature as staff edit it: the public form's cleaning, and the office rule.

    Names and the city go through the same NameField as the sign-on form, the
    phone through the same parsing (stored as E.164). The one-live-signature-
    per-office rule is checked here, with a message, instead of failing in the
    database. A signature that signed a text stays on its letter: moving it
    would make it claim words of another letter its mayor never saw.
    """

    mayor_first_name = NameField(label="Mayor’s first name", max_length=100)
    mayor_last_name = NameField(label="Mayor’s last name", max_length=100)
    city = NameField(label="City", max_length=100)
    contact_first_name = NameField(label="Contact first name", max_length=100)
    contact_last_name = NameField(label="Contact last name", max_length=100)
    # Typed as a person types it; stored as E.164 (the model's 16 characters).
    contact_phone = forms.CharField(
        label="Contact phone",
        max_length=40,
        help_text="Any usual form, e.g. (202) 555-0143 x12; saved as +12025550143. "
        "Not displayed publicly.",
    )

    class Meta:
        model = Signature
        fields = [
            "letter", "mayor_first_name", "mayor_last_name", "city", "state", "contact_first_name",
            "contact_last_name", "contact_email", "contact_phone", "contact_phone_extension",
            "review_note", "matched_place",
        ]  # fmt: skip

    def clean_contact_phone(self) -> str:
        e164, extension = parse_phone(self.cleaned_data["contact_phone"])
        self._phone_extension = extension
        return e164

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "_phone_extension", "") and not cleaned.get("contact_phone_extension"):
            cleaned["contact_phone_extension"] = self._phone_extension
        letter, city, state = cleaned.get("letter"), cleaned.get("city"), cleaned.get("state")
        instance = self.instance
        listed = instance.pk and instance.status == Signature.Status.APPROVED
        public_change = set(self.changed_data) & {"letter", *LIST_FIELDS}
        if listed and public_change and instance.letter_is_delivered():
            self.add_error(None, ValidationError(
                f"“{instance.letter}” was delivered with this name on its list; the list "
                f"as delivered is final. Private contact details can still be corrected.",
                code="delivered",
            ))  # fmt: skip
        moved = instance.pk and letter is not None and letter.pk != instance.letter_id
        if moved and instance.letter_version_id:
            self.add_error("letter", ValidationError(
                f"This signature signed version {instance.letter_version.number} of "
                f"“{instance.letter}”; it cannot be moved to another letter. Withdraw or "
                f"reject it, and ask the mayor’s office to sign the other letter.",
                code="signed_text",
            ))  # fmt: skip
        if letter is not None and city and state and instance.status in Signature.LIVE_STATUSES:
            key = normalize.office_key(city, state)
            taken = Signature.objects.live().filter(letter=letter, office_key=key)
            if instance.pk:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                other = taken.first()
                self.add_error("city", ValidationError(
                    f"{city}, {state} already has a live signature on “{letter}” "
                    f"(#{other.pk}, {other.get_status_display().lower()}): one per city. "
                    f"Withdraw or reject one of them first.",
                    code="duplicate",
                ))  # fmt: skip
        return cleaned


# ---------------------------------------------------------------- signatures

MAYOR_FIELDS = [
    "letter", "mayor_first_name", "mayor_last_name", "city", "state", "matched_place_signal",
    "matched_place",
]  # fmt: skip

CONTACT_FIELDS = [
    "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
    "contact_phone_extension",
]  # fmt: skip
VERIFICATION_FIELDS = [
    "email_confirmation", "official_domain_detail", "conflict_detail", "review_note",
]  # fmt: skip
DECISION_FIELDS = [
    "status_display", "decision", "decision_reason", "reviewed_by", "reviewed_at", "approved_at",
]  # fmt: skip


@admin.register(Signature)
class SignatureAdmin(PlaceSignalsMixin, admin.ModelAdmin):
    form = SignatureAdminForm
    list_display = [
        "mayor_display", "place", "matched_place_signal", "status_display", "email_confirmed",
        "official_domain_display", "conflicts", "contact_display", "submitted",
    ]  # fmt: skip
    list_display_links = ["mayor_display"]
    list_filter = [
        "status", EmailConfirmedFilter, OfficialDomainFilter, ConflictFilter, PlaceFilter,
        "letter", "letter_version", MailFailedFilter,
        ("state", SelectListFilter), SameOfficeAsFilter, SameContactAsFilter,
    ]  # fmt: skip
    search_fields = SearchText.FIELDS
    list_select_related = ["letter"]
    list_per_page = 50
    # A full COUNT(*) of the table on every page costs time at 20,000 rows and
    # tells a reviewer nothing the filtered count does not.
    show_full_result_count = False
    readonly_fields = [
        "office_key", "status_display", "decision", "decision_reason", "reviewed_by",
        "reviewed_at", "approved_at", "email_confirmation", "official_domain_detail",
        "conflict_detail", "mail_status", "letter_version", "created_at", "updated_at",
        "office_questions", "matched_place_signal",
    ]  # fmt: skip
    fieldsets = [
        ("Mayor", {"fields": MAYOR_FIELDS}),
        ("Contact (private)", {"fields": CONTACT_FIELDS}),
        ("Verification", {"fields": VERIFICATION_FIELDS}),
        ("Decision", {"fields": DECISION_FIELDS}),
        ("E-mail", {"fields": ["mail_status"]}),
        ("Questions from the office (private)", {"fields": ["office_questions"]}),
        ("Record", {"fields": ["letter_version", "office_key", "created_at", "updated_at"]}),
    ]
    actions = [
        "approve_selected", "reject_selected", "withdraw_selected", "resend_confirmation",
        "retry_mail", "export_csv", "release_selected",
    ]  # fmt: skip

    @admin.display(description="questions")
    def office_questions(self, obj: Signature) -> SafeString | str:
        """What the office asked from the duplicate answer (a new mayor, a mistake)."""
        notes = OfficeNote.objects.filter(signature=obj) if obj.pk else []
        if not notes:
            return "None."
        return format_html_join(
            "", "<p><strong>{}</strong>, from {} ({}{}):<br>{}</p>",
            ((dateformat.format(timezone.localtime(n.created_at), "M j, Y, P"), n.asker_name,
              n.asker_email, f", {n.asker_phone}" if n.asker_phone else "", n.message)
             for n in notes),
        )  # fmt: skip

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        # The reference an office quotes from its thanks page or receipt ("S-00042").
        if match := re.fullmatch(r"\s*[sS]-?0*(\d{1,12})\s*", search_term):
            return queryset.filter(pk=int(match[1])), False
        # Django's terms (quoted phrases kept whole), each looked for in the searched
        # fields joined: one trigram index serves it (migration 0020).
        terms = [unescape_string_literal(bit) if bit[0] in "\"'" and bit[0] == bit[-1] else bit
                 for bit in smart_split(search_term)]  # fmt: skip
        joinable = list(self.get_search_fields(request)) == SearchText.FIELDS
        if not terms or not joinable or any("\n" in term for term in terms):
            return super().get_search_results(request, queryset, search_term)
        queryset = queryset.alias(search_text=SearchText())
        return queryset.filter(*(Q(search_text__icontains=term) for term in terms)), False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_signals()

    def save_model(self, request, obj: Signature, form, change: bool) -> None:
        # A signature staff enter by hand records the text its letter shows now.
        if not change and obj.letter_version_id is None:
            obj.letter_version = obj.letter.current_version
        super().save_model(request, obj, form, change)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # The queue needs the page's full width for its signals; the app list is
        # one click away in the breadcrumbs.
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    def get_changelist(self, request: HttpRequest, **kwargs):
        return SignatureChangeList

    def get_list_display(self, request: HttpRequest):
        # Which letter matters only once there is more than one: the letter filter's
        # choices tell, read once for both (the changelist asks for its columns twice).
        if len(letter_choices(self, request)) > 1:
            return [*self.list_display, "letter"]
        return self.list_display

    class Media:
        css = {"all": ["signon/admin.css"]}
        js = ["js/select-filter.js"]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signon.review_signature")

    def get_urls(self):
        return [
            admin_page(self, DECIDE_ROUTE, self.decide_view, "signon_signature_decide"),
            *review_urls(self),
            *super().get_urls(),
        ]

    # ------------------------------------------------------------ columns

    def action_checkbox(self, obj: Signature) -> SafeString:
        # Django's own markup, written out: drawing 50 CheckboxInput widgets through
        # the form renderer's templates cost more than all the other columns together.
        label = gettext("Select this object for an action - {}").format(obj)
        return format_cell(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME, obj.pk, label,
        )  # fmt: skip

    @admin.display(description="Mayor", ordering="mayor_last_name")
    def mayor_display(self, obj: Signature) -> str:
        return obj.mayor_name

    @admin.display(description="City", ordering="office_key")
    def place(self, obj: Signature) -> str:
        return f"{obj.city}, {obj.state}"

    @admin.display(description="Contact", ordering="contact_email")
    def contact_display(self, obj: Signature) -> SafeString:
        return format_cell(
            '{}<br><span class="signon-email">{}</span>', obj.contact_name, obj.contact_email
        )

    @admin.display(description="Submitted", ordering="created_at")
    def submitted(self, obj: Signature) -> str:
        return _short_when(obj.created_at)

    @admin.display(description="Status", ordering="status")
    def status_display(self, obj: Signature) -> SafeString:
        # get_status_display() builds the choices' dictionary again for each row.
        label = STATUS_LABELS.get(obj.status, obj.status)
        status = format_cell(
            '<span class="signon-status signon-status--{}">{}</span>', obj.status, label
        )
        if obj.status != Signature.Status.HELD:
            return status
        # Why it was held and how fast the form came back, for staff to judge.
        timing = (
            "no valid form stamp"
            if obj.fill_seconds is None
            else (f"sent {obj.fill_seconds:.1f} s after the form was loaded")
        )
        return format_cell(
            '{}<br><span class="signon-held">{}; {}</span>',
            status, obj.get_held_reason_display() or "reason not recorded", timing,
        )  # fmt: skip

    @admin.display(description="Confirmed", boolean=True, ordering="email_confirmed_at")
    def email_confirmed(self, obj: Signature) -> bool:
        return obj.email_confirmed_at is not None

    @admin.display(description="Domain", ordering="official_domain")
    def official_domain_display(self, obj: Signature) -> SafeString:
        # The tier, not a tick: dc.gov is a government's domain, not Laredo's.
        signal = signals.signature_domain_signal(obj)
        return format_cell(
            '<span class="signon-tier signon-tier--{}" title="{}">{}</span>',
            signal.tier, signal.evidence, SHORT_TIERS[signal.tier],
        )  # fmt: skip

    @admin.display(description="Conflicts", ordering="same_office_count")
    def conflicts(self, obj: Signature) -> SafeString | str:
        links = []
        # changelist_url(same_office_as=obj.pk), with the row id written as urlencode would.
        base = changelist_url()
        if obj.same_office_count:
            links.append(
                (f"{base}same_office_as={int(obj.pk)}", f"{obj.same_office_count} same city")
            )
        if obj.other_cities_count:
            noun = "city" if obj.other_cities_count == 1 else "cities"
            links.append(
                (f"{base}same_contact_as={int(obj.pk)}",
                 f"{obj.other_cities_count} other {noun} by contact")
            )  # fmt: skip
        if not links:
            return "—"
        return SafeString(
            "<br>".join(format_cell('<a class="signon-conflict" href="{}">{}</a>', *link)
                        for link in links)
        )  # fmt: skip

    # ------------------------------------------------------------ change page

    @admin.display(description="E-mail confirmed")
    def email_confirmation(self, obj: Signature) -> str:
        if obj.email_confirmed_at:
            return f"Yes, on {_when(obj.email_confirmed_at)}"
        if obj.receipt_sent_at:
            return f"Not yet: the link was mailed {_when(obj.receipt_sent_at)}"
        return "Not yet: no link has been mailed"

    @admin.display(description="Official domain")
    def official_domain_detail(self, obj: Signature) -> SafeString | str:
        if not obj.pk:
            return "—"
        signal = signals.signature_domain_signal(obj)
        if signal.tier == signals.OWN:
            return f"{signal.label}: {signal.evidence}"
        add = reverse("admin:signon_officialdomain_add")
        query = urlencode({"domain": signal.domain, "city": obj.city, "state": obj.state})
        return format_html(
            '{}: {} <a href="{}">Record it as the city\'s domain</a> once verified.',
            signal.label, signal.evidence, f"{add}?{query}",
        )  # fmt: skip

    @admin.display(description="Conflicts")
    def conflict_detail(self, obj: Signature) -> SafeString | str:
        if not obj.pk:
            return "—"
        same_office = (
            Signature.objects.filter(letter_id=obj.letter_id, office_key=obj.office_key)
            .exclude(pk=obj.pk)
            .order_by("created_at")
        )
        other_cities = (
            Signature.objects.alias(email_lower=Lower("contact_email"))
            .filter(email_lower=Lower(Value(obj.contact_email)))
            .exclude(office_key=obj.office_key)
            .select_related("letter")
            .order_by("created_at")
        )
        parts = []
        if same_office:
            parts.append(
                format_html(
                    '<p>The same city on this letter:</p><ul class="signon-list">{}</ul>',
                    _signature_items(same_office, show_letter=False),
                )
            )
        if other_cities:
            parts.append(
                format_html(
                    "<p>Other cities from the same contact e-mail:</p>"
                    '<ul class="signon-list">{}</ul>',
                    _signature_items(other_cities, show_letter=True),
                )
            )
        if not parts:
            return "None: no other submission for this city, no other city from this contact"
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description="Decide")
    def decision(self, obj: Signature) -> SafeString | str:
        if not obj.pk:
            return "—"
        choices = [
            (reverse("admin:signon_signature_decide", args=[obj.pk, status]), _verb(obj, status))
            for status in DECISION_VERBS
            if obj.can_become(status)
        ]
        if not choices:
            return f"No further decision: a {obj.get_status_display().lower()} signature is final."
        # Buttons of the change form, not links: the note typed above goes along.
        return format_html_join(
            " ",
            '<button type="submit" name="_decide" value="1" formaction="{}" '
            'class="button signon-decide">{}</button>',
            choices,
        )

    @admin.display(description="Mail")
    def mail_status(self, obj: Signature) -> SafeString | str:
        rows = [
            ("Receipt to the contact", obj.receipt_sent_at),
            ("Notification to staff", obj.staff_notified_at),
            ("Approval notice to the contact", obj.approval_notice_sent_at),
        ]
        if obj.rejection_message:
            rows.append(("Rejection notice to the contact", obj.rejection_notice_sent_at))
        items = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((label, f"sent {_when(when)}" if when else "not sent") for label, when in rows),
        )
        if obj.mail_failed_at:
            return format_html(
                '<ul class="signon-list">{}</ul><p class="errornote">Failed {} ({}). The '
                "worker retries it by itself; after its last try, use the “Retry failed "
                "e-mail” action.</p>",
                items,
                _when(obj.mail_failed_at),
                obj.mail_error,
            )
        return format_html('<ul class="signon-list">{}</ul>', items)

    def get_fieldsets(self, request: HttpRequest, obj: Signature | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_review_permission(request):
            return fieldsets
        # No decision buttons for a new signature or for staff who may not decide.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "decision"]})
            for name, options in fieldsets
        ]

    # ------------------------------------------------------------ decisions

    def _apply(
        self, request: HttpRequest, pks: list, status: str, reason: str, share: str = ""
    ) -> int:
        """Take one decision on many signatures; report what was done and skipped."""
        done, skipped, taken = 0, 0, 0
        with transaction.atomic():
            for signature in Signature.objects.filter(pk__in=pks).select_for_update():
                try:
                    signature.decide(status, request.user, reason, share=share)
                except InvalidTransition:
                    skipped += 1
                except IntegrityError:
                    # A held submission released while its city holds a live
                    # signature on the letter (decide() ran in its own savepoint).
                    taken += 1
                else:
                    done += 1
        if taken:
            self.message_user(
                request,
                f"{taken} signature(s) not {DECISION_DONE[status]}: their city already has a "
                "pending or approved signature on that letter.",
                messages.WARNING,
            )
        verb = DECISION_DONE[status]
        if done:
            self.message_user(request, f"{done} signature(s) {verb}.", messages.SUCCESS)
        if skipped:
            # The statuses' own short names ("pending", "approved") read best here.
            sources = " or ".join(
                s.value for s, targets in TRANSITIONS.items() if status in targets
            )
            self.message_user(
                request,
                f"{skipped} signature(s) skipped: only {sources} signatures can be {verb}.",
                messages.WARNING,
            )
        return done

    def _decide_with_reason(self, request: HttpRequest, queryset: QuerySet, status: str):
        """The bulk path: a confirmation page that sums up the selection (and asks why)."""
        needs_reason = status in Signature.REASON_REQUIRED
        share = status == Signature.Status.REJECTED
        if "apply" in request.POST:
            form = DecisionForm(request.POST, reason_required=needs_reason, share=share)
            if form.is_valid():
                pks = list(queryset.values_list("pk", flat=True))
                data = form.cleaned_data
                self._apply(request, pks, status, data["reason"], data.get("share", ""))
                return None
        else:
            form = DecisionForm(reason_required=needs_reason, share=share)
        return self._decision_page(request, queryset, status, form, bulk=True)

    def _decision_page(
        self, request, signatures, status, form, bulk: bool, verb: str = ""
    ) -> TemplateResponse:
        count = len(signatures) if isinstance(signatures, list) else signatures.count()
        select_across = bulk and request.POST.get("select_across") == "1"
        verb = verb or DECISION_VERBS[status]
        context = {
            **self.admin_site.each_context(request),
            "title": f"{verb}: {count} signature(s)",
            # What the selection holds ("3 e-mail not confirmed, …"), before it is decided.
            "summary": selection_summary(signatures) if bulk else [],
            "opts": self.model._meta,
            # "Select all N" can mean thousands: name the first ones, carry the rest
            # as the changelist's own filters (the form posts back to its URL).
            "signatures": list(signatures[:SHOWN_ON_DECISION_PAGE]),
            "count": count,
            "more": max(count - SHOWN_ON_DECISION_PAGE, 0),
            "select_across": select_across,
            "selected": [] if select_across else [s.pk for s in signatures],
            "form": form,
            "adminform": AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            "status": status,
            "verb": verb,
            "review_note": request.POST.get("review_note"),
            "bulk": bulk,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/signon/signature/decide.html", context)

    def decide_view(self, request: HttpRequest, object_id: str, status: str) -> HttpResponse:
        """One signature's decision, from its change page."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        if status not in DECISION_VERBS:
            raise Http404("No such decision.")
        pk = row_id(object_id)
        if pk is None:
            raise Http404("No such signature.")
        signature = get_object_or_404(Signature, pk=pk)
        needs_reason = status in Signature.REASON_REQUIRED
        share = status == Signature.Status.REJECTED
        verb = _verb(signature, status)
        # The change page's decision buttons post its whole form: the "How verified"
        # note typed there rides along to this page and is saved with the decision.
        from_change_page = request.method == "POST" and "_decide" in request.POST
        if request.method == "POST" and not from_change_page:
            form = DecisionForm(request.POST, reason_required=needs_reason, share=share)
            if form.is_valid():
                note = request.POST.get("review_note")
                if note is not None and note != signature.review_note:
                    signature.review_note = note
                    signature.save(update_fields=["review_note", "updated_at"])
                data = form.cleaned_data
                self._apply(request, [signature.pk], status, data["reason"], data.get("share", ""))
                return HttpResponseRedirect(change_url(signature))
        else:
            form = DecisionForm(reason_required=needs_reason, share=share)
        return self._decision_page(request, [signature], status, form, bulk=False, verb=verb)

    @admin.action(description="Approve selected signatures…", permissions=["review"])
    def approve_selected(self, request, queryset):
        return self._decide_with_reason(request, queryset, Signature.Status.APPROVED)

    @admin.action(description="Release selected held submissions into review",
                  permissions=["review"])  # fmt: skip
    def release_selected(self, request, queryset):
        # Held -> pending: recorded in the history, and the receipt and staff
        # notification it was not sent while held go out now.
        self._apply(
            request, list(queryset.values_list("pk", flat=True)), Signature.Status.PENDING, ""
        )

    @admin.action(description="Reject selected signatures…", permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._decide_with_reason(request, queryset, Signature.Status.REJECTED)

    @admin.action(description="Mark selected signatures withdrawn…", permissions=["review"])
    def withdraw_selected(self, request, queryset):
        return self._decide_with_reason(request, queryset, Signature.Status.WITHDRAWN)

    # ------------------------------------------------------------ mail and export

    @admin.action(description="Resend the confirmation e-mail", permissions=["change"])
    def resend_confirmation(self, request, queryset):
        waiting = queryset.filter(status=Signature.Status.PENDING, email_confirmed_at__isnull=True)
        queued = 0
        with transaction.atomic():
            # The receipt (with a fresh link) is owed again; the worker sends it.
            for signature in waiting.select_for_update():
                signature.receipt_sent_at = None
                signature.save(update_fields=["receipt_sent_at"])
                tasks.queue_mail(signature)
                queued += 1
        skipped = queryset.count() - queued
        self.message_user(
            request, f"{queued} confirmation e-mail(s) queued to send.", messages.SUCCESS
        )
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: only pending, unconfirmed signatures get a new link.",
                messages.WARNING,
            )

    @admin.action(description="Retry failed e-mail", permissions=["change"])
    def retry_mail(self, request, queryset):
        queued = 0
        with transaction.atomic():
            for signature in queryset.filter(mail_failed_at__isnull=False):
                tasks.queue_mail(signature)
                queued += 1
        self.message_user(
            request,
            f"{queued} signature(s) queued to mail again; see their “Mail” field.",
            messages.SUCCESS,
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signon.export_signature")

    @admin.action(
        description="Export selected as CSV (with contact details)", permissions=["export"]
    )
    def export_csv(self, request, queryset):
        # The action is hidden without the permission; a forged POST is refused too.
        if not self.has_export_permission(request):
            raise PermissionDenied
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        rows = list(
            queryset.select_related("letter", "reviewed_by").order_by("state", "city", "pk")
        )
        response = csv_response(rows, f"signatures-{stamp}.csv")
        audit.contact_details_exported(request, len(rows))
        return response


SHOWN_ON_DECISION_PAGE = 50

STATUS_LABELS = dict(Signature.Status.choices)

# The domain column's words for each tier (its tooltip says how it was derived).
SHORT_TIERS = {
    signals.OWN: "City’s own",
    signals.NAMES_CITY: "Names city",
    signals.GOVERNMENT: "Other gov’t",
    signals.OTHER: "Other",
}

DECISION_VERBS = {
    Signature.Status.PENDING: "Release into review",
    Signature.Status.APPROVED: "Approve",
    Signature.Status.REJECTED: "Reject",
    Signature.Status.WITHDRAWN: "Mark withdrawn",
}
DECISION_DONE = {
    Signature.Status.PENDING: "released into review",
    Signature.Status.APPROVED: "approved",
    Signature.Status.REJECTED: "rejected",
    Signature.Status.WITHDRAWN: "marked withdrawn",
}


def _verb(signature: Signature, status: str) -> str:
    """A decision's name for this signature: back to pending is a reopening unless held."""
    if status == Signature.Status.PENDING and signature.status != Signature.Status.HELD:
        return "Reopen: back to pending"
    return DECISION_VERBS[status]


def _when(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "M j, Y, g:i A")


def _short_when(moment) -> str:
    """``dateformat.format(timezone.localtime(moment), "M j, g:i A")``, "Nov 30, 6:39 PM",
    written out: parsing the format again for each of a page's rows cost 30 µs a row."""
    local = timezone.localtime(moment)
    hour = local.hour
    months, am, pm = _clock_words(get_language())
    return f"{months[local.month]} {local.day}, {hour % 12 or 12}:{local.minute:02d} " + (
        pm if hour > 11 else am
    )


@functools.lru_cache(maxsize=8)
def _clock_words(language: str | None) -> tuple[dict[int, str], str, str]:
    """The month abbreviations and "AM", "PM" in a language, translated once, not a row."""
    return {n: month.title() for n, month in MONTHS_3.items()}, gettext("AM"), gettext("PM")


def _signature_items(signatures, show_letter: bool) -> SafeString:
    return format_html_join(
        "",
        '<li><a href="{}">#{} Mayor {}, {}, {}</a>: {}, submitted {}{}</li>',
        (
            (change_url(s), s.pk, s.mayor_name, s.city, s.state, s.get_status_display(),
             _when(s.created_at), f" (letter: {s.letter.title})" if show_letter else "")
            for s in signatures
        ),
    )  # fmt: skip
