"""The review screen: one pending submission at a time, decided in one page load.

Owns the "Review pending" page of the signature admin (``review/``): the oldest
pending submission in the changelist's current view (its filters and search,
carried as ``_changelist_filters`` like the admin's own links), with everything
staff need to decide (the mayor, the place, the contact, each signal with its
evidence, conflicts with links, the history), a note box and Approve / Reject
(with a reason) / Skip. Each button saves the note with the decision and opens
the next pending submission after this one, in the same view. Keyboard
shortcuts are in ``static/js/review-keys.js`` and shown on the page.

Also owns the summary of a selection that the bulk decisions show before they
are confirmed (``selection_summary``).
"""

import copy
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import signals
from ..models import InvalidTransition, Signature
from .links import admin_page, change_url, row_id

REVIEW_URL = "admin:signon_signature_review"
APPROVE, REJECT, SKIP = "approve", "reject", "skip"


def staff_text(
    label: str,
    what: str,
    *,
    max_length: int,
    rows: int,
    help_text: str,
    required=False,
    widget_attrs: dict | None = None,
    error_messages: dict | None = None,
) -> forms.CharField:
    """A text box of the desk's decision forms (a note, a reason, a message to the
    contact), with the limit said in the words staff read."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, **(widget_attrs or {})}),
        help_text=help_text,
        error_messages={
            "max_length": f"Keep the {what} under %(limit_value)d characters.",
            **(error_messages or {}),
        },
    )  # fmt: skip


class ReviewForm(forms.Form):
    """What the review screen posts: which submission, the decision, the note, a reason."""

    signature = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (REJECT, "Reject"),
                                          (SKIP, "Skip")])  # fmt: skip
    review_note = staff_text(
        "How verified", "note", max_length=4000, rows=3,
        help_text="Staff only; saved with the decision (and with Skip).",
    )  # fmt: skip
    reason = staff_text(
        "Reason to reject", "reason", max_length=2000, rows=2,
        help_text="Needed to reject; recorded in the history. Staff only.",
    )  # fmt: skip
    share = staff_text(
        "Tell the contact (optional)", "message", max_length=1000, rows=2,
        help_text="With Reject: a short, kind reason e-mailed to the contact. Empty: no e-mail.",
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why it is rejected: the reason goes into its history.")
        return cleaned


def review_urls(model_admin) -> list:
    screen = ReviewScreen(model_admin)
    return [admin_page(model_admin, "review/", screen, "signon_signature_review")]


def review_url(filters: str = "", **params) -> str:
    """The review screen for the changelist view ``filters`` (its query string)."""
    query = {"_changelist_filters": filters, **params} if filters else params
    return f"{reverse(REVIEW_URL)}?{urlencode(query)}" if query else reverse(REVIEW_URL)


class ReviewScreen:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.model_admin.has_review_permission(request):
            raise PermissionDenied
        filters = request.GET.get("_changelist_filters", "")
        pending = self.pending(request, filters)
        if request.method == "POST":
            form = ReviewForm(request.POST)
            if form.is_valid():
                pk = form.cleaned_data["signature"]
                self.decide(request, pk, form.cleaned_data)
                return HttpResponseRedirect(review_url(filters, after=pk))
            current = self.read(pending, row_id(request.POST.get("signature")))
            if current is None:
                return HttpResponseRedirect(review_url(filters))
        else:
            after = row_id(request.GET.get("after"))
            current = self.next_after(pending, after)
            form = None
        return self.render(request, filters, pending, current, form)

    # ------------------------------------------------------------ the queue

    def pending(self, request: HttpRequest, filters: str) -> QuerySet:
        """Pending submissions in the changelist's view ``filters``, oldest first."""
        view = copy.copy(request)
        view.GET = QueryDict(filters, mutable=True)
        view.GET.pop("p", None)  # the page of the list: the queue is the whole view
        try:
            queryset = self.model_admin.get_changelist_instance(view).get_queryset(view)
        except IncorrectLookupParameters:
            messages.warning(request, "The list’s filters were not understood: all pending shown.")
            queryset = self.model_admin.get_queryset(request)
        return queryset.filter(status=Signature.Status.PENDING).order_by("created_at", "pk")

    def next_after(self, pending: QuerySet, after: int | None) -> Signature | None:
        if after is None:
            return pending.first()
        anchor = Signature.objects.filter(pk=after).values_list("created_at", flat=True).first()
        if anchor is None:
            return pending.first()
        return pending.filter(Q(created_at__gt=anchor) | Q(created_at=anchor, pk__gt=after)).first()

    def read(self, pending: QuerySet, pk: int | None) -> Signature | None:
        return pending.filter(pk=pk).first() if pk is not None else None

    # ------------------------------------------------------------ deciding

    def decide(self, request: HttpRequest, pk: int, data: dict) -> None:
        decision, note = data["decision"], data["review_note"]
        with transaction.atomic():
            signature = Signature.objects.select_for_update().filter(pk=pk).first()
            if signature is None:
                messages.warning(request, f"Submission #{pk} no longer exists.")
                return
            if note != signature.review_note:
                signature.review_note = note
                signature.save(update_fields=["review_note", "updated_at"])
            if decision == SKIP:
                messages.info(request, f"Skipped {signature}; it stays pending.")
                return
            status = Signature.Status.APPROVED if decision == APPROVE else Signature.Status.REJECTED
            try:
                signature.decide(status, request.user, data["reason"], share=data["share"])
            except InvalidTransition as error:
                # Decided by someone else meanwhile, or its letter was delivered.
                messages.warning(request, f"{signature}: {error} The note was saved.")
                return
            except IntegrityError:
                messages.warning(
                    request, f"{signature}: its city already has a live signature on the letter."
                )
                return
        verb = "Approved" if decision == APPROVE else "Rejected"
        messages.success(request, f"{verb} {signature}.")

    # ------------------------------------------------------------ the page

    def render(self, request, filters, pending, current, form) -> TemplateResponse:
        admin = self.model_admin
        context = {
            **admin.admin_site.each_context(request),
            "opts": Signature._meta,
            "title": "Review pending submissions",
            "is_nav_sidebar_enabled": False,
            "filters": filters,
            "changelist_url": f"{reverse('admin:signon_signature_changelist')}?{filters}",
            "restart_url": review_url(filters),
            "remaining": pending.count(),
            "signature": current,
        }
        if current is not None:
            signature = (
                Signature.objects.with_signals().select_related("letter", "letter_version")
            ).get(pk=current.pk)
            earlier = Q(created_at__lt=signature.created_at) | Q(
                created_at=signature.created_at, pk__lt=signature.pk
            )
            initial = {"signature": signature.pk, "review_note": signature.review_note}
            history = LogEntry.objects.filter(
                content_type__app_label="signon",
                content_type__model="signature",
                object_id=str(signature.pk),
            )
            context.update(
                signature=signature,
                position=pending.filter(earlier).count() + 1,
                form=form or ReviewForm(initial=initial),
                domain=signals.signature_domain_signal(signature),
                same_person=signals.same_person(signature),
                same_person_evidence=signals.SAME_PERSON_EVIDENCE,
                email_confirmation=admin.email_confirmation(signature),
                conflicts=admin.conflict_detail(signature),
                history=history.select_related("user").order_by("action_time"),
                change_url=change_url(signature),
                post_url=review_url(filters),
            )
        return TemplateResponse(request, "admin/signon/signature/review.html", context)


# ---------------------------------------------------------------- bulk summaries


def selection_summary(signatures) -> list[str]:
    """What a selection holds that staff should see before a bulk decision.

    One line per concern, with a count; the signals are read here (one query), so
    any selection will do, a queryset or a list.
    """
    if isinstance(signatures, QuerySet):
        chosen = signatures.values("pk")
    else:
        chosen = [signature.pk for signature in signatures]
    rows = list(Signature.objects.with_signals().filter(pk__in=chosen))
    counts = [
        (sum(s.email_confirmed_at is None for s in rows), "e-mail not confirmed"),
        (sum(not signals.signature_domain_signal(s).green for s in rows),
         "not from the city’s domain"),
        (sum(bool(s.same_office_count or s.other_cities_count) for s in rows),
         "with conflicts (same city again, or a contact who sent other cities)"),
        (sum(signals.same_person(s) for s in rows), "with the contact’s name as the mayor’s"),
        (sum(s.status != Signature.Status.PENDING for s in rows), "not pending (skipped)"),
    ]  # fmt: skip
    return [f"{count} {what}" for count, what in counts if count]
