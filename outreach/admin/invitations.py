"""Invitations in admin: invite directory offices to a letter (and save a choice of
offices under a name, to use again), read its funnel, remind the silent ones, export who
has not signed; the saved selections and the opt-outs.

Staff need "add invitation" to invite (and to save or use a selection), "change
invitation" to remind, and the directory's "view office" plus "export signature" to
download contact details.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from letters.models import Letter
from places.states import State
from signon import audit
from signon.admin.layout import FullWidthChangelist, SelectListFilter
from signon.admin.links import admin_page, row_id

from .. import campaign
from ..models import Invitation, OptOut, SavedSelection

CRITERIA = ["states", "members_only", "member_size", "not_yet_signed"]


class SelectionForm(forms.Form):
    """Fill the Invite page from a saved selection (by GET: a page anyone may reload)."""

    selection = forms.ModelChoiceField(
        queryset=SavedSelection.objects.all(), label="Saved selection",
        empty_label="(choose one)",
    )  # fmt: skip


class InviteForm(forms.Form):
    letter = forms.ModelChoiceField(
        queryset=Letter.objects.filter(status=Letter.Status.OPEN), empty_label=None
    )
    states = forms.MultipleChoiceField(
        choices=State.choices, required=False, help_text="None chosen: every state.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    members_only = forms.BooleanField(required=False, initial=True, label="Members only")
    member_size = forms.BooleanField(
        required=False, label="Member-size cities only (population 30,000 or more)"
    )
    not_yet_signed = forms.BooleanField(
        required=False, initial=True, label="Not yet signed on this letter"
    )
    save_as = forms.CharField(
        required=False, max_length=100, label="Save this choice as",
        help_text="A name, to pick this choice of offices again later for any letter.",
    )  # fmt: skip

    def __init__(self, *args, saving: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.saving = saving

    def clean_save_as(self) -> str:
        name = " ".join(self.cleaned_data["save_as"].split())
        if self.saving and not name:
            raise forms.ValidationError("Give the selection a name to save it.")
        if self.saving and SavedSelection.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                f"A saved selection is already called “{name}”: choose another name."
            )
        return name

    def criteria(self) -> dict:
        return {key: self.cleaned_data[key] for key in CRITERIA}

    def offices(self):
        data = self.cleaned_data
        return campaign.candidates(
            data["letter"], states=data["states"], members_only=data["members_only"],
            member_size=data["member_size"], not_yet_signed=data["not_yet_signed"],
        )  # fmt: skip


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "answer"
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [("silent", "No answer yet"), ("opened", "Opened the form"),
                ("signed", "Signed"), ("declined", "Declined")]  # fmt: skip

    def queryset(self, request, queryset):
        silent = {"signature__isnull": True, "declined_at__isnull": True}
        return {
            "silent": lambda: queryset.filter(**silent),
            "opened": lambda: queryset.filter(opened_at__isnull=False),
            "signed": lambda: queryset.filter(signature__isnull=False),
            "declined": lambda: queryset.filter(declined_at__isnull=False),
        }.get(self.value(), lambda: queryset)()


class MailFilter(admin.SimpleListFilter):
    title = "mail"
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", "Failed after every retry"), ("queued", "Queued or retrying")]

    def queryset(self, request, queryset):
        return {
            "failed": lambda: queryset.filter(mail_failed_at__isnull=False, mail_pending=""),
            "queued": lambda: queryset.exclude(mail_pending=""),
        }.get(self.value(), lambda: queryset)()


@admin.register(Invitation)
class InvitationAdmin(FullWidthChangelist, admin.ModelAdmin):
    list_display = ["office", "answer", "mail", "sent_at", "opened_at", "reminders", "letter"]
    list_filter = [
        InvitationStatusFilter,
        MailFilter,
        "letter",
        ("office__state", SelectListFilter),
    ]
    search_fields = ["office__city", "office__mayor_last_name"]
    list_select_related = ["office", "letter", "signature"]
    readonly_fields = ["letter", "office", "invited_by", "created_at", "sent_at", "opened_at",
                       "signature", "declined_at", "decline_reason", "reminder_count",
                       "last_reminded_at", "mail_pending", "mail_failed_at",
                       "mail_error"]  # fmt: skip
    fields = readonly_fields
    actions = ["send_reminders", "resend_failed_invitations"]
    change_list_template = "admin/outreach/invitation/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are made by the invite page, in batches

    def has_invite_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("outreach.add_invitation")

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signon.export_signature")

    @admin.display(description="Answer")
    def answer(self, obj: Invitation) -> str:
        if obj.signature_id:
            return f"Signed ({obj.signature.get_status_display().lower()})"
        if obj.declined_at:
            return "Declined"
        return "Opened the form" if obj.opened_at else "No answer yet"

    @admin.display(description="Reminders")
    def reminders(self, obj: Invitation) -> str:
        if not obj.reminder_count:
            return "0"
        return f"{obj.reminder_count} (last {date_format(localtime(obj.last_reminded_at))})"

    @admin.display(description="Mail")
    def mail(self, obj: Invitation) -> str:
        if obj.mail_pending:
            return f"{obj.mail_pending.capitalize()} retrying" if obj.mail_failed_at else "Queued"
        return f"Failed ({obj.mail_error})" if obj.mail_failed_at else "-"

    def get_urls(self):
        return [
            admin_page(self, "invite/", self.invite_view, "outreach_invitation_invite"),
            admin_page(
                self, "funnel/<str:letter_id>/", self.funnel_view, "outreach_invitation_funnel"
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        """Choose offices for a letter, see how many and who, then send (one mail task)."""
        if not self.has_invite_permission(request):
            raise PermissionDenied
        picker = SelectionForm(request.GET if "selection" in request.GET else None)
        initial = picker.cleaned_data["selection"].criteria if picker.is_valid() else None
        form = InviteForm(
            request.POST or None, initial=initial, saving="save_selection" in request.POST
        )
        offices = None
        if request.method == "POST" and form.is_valid():
            if "save_selection" in request.POST:
                saved = self._save_selection(request, form)
                if saved is not None:
                    return saved
            offices = form.offices() if form.is_valid() else None
            if "send" in request.POST:
                letter = form.cleaned_data["letter"]
                count = campaign.invite(letter, offices, request.user)
                self.message_user(request, f"{count} invitation(s) queued for sending.")
                return HttpResponseRedirect(
                    reverse("admin:outreach_invitation_funnel", args=[letter.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Invite offices to sign a letter",
            "picker": picker,
            "form": form,
            "offices": list(offices.select_related("place")[:200]) if offices is not None else None,
            "office_count": offices.count() if offices is not None else 0,
        }
        return TemplateResponse(request, "admin/outreach/invitation/invite.html", context)

    def _save_selection(self, request: HttpRequest, form: InviteForm) -> HttpResponse | None:
        name = form.cleaned_data["save_as"]
        try:
            with transaction.atomic():
                selection = SavedSelection.objects.create(
                    name=name, criteria=form.criteria(), created_by=request.user
                )
        except IntegrityError:
            # A colleague saved the same name a moment ago (the form checked before).
            form.add_error("save_as", f"A saved selection is already called “{name}”.")
            return None
        LogEntry.objects.log_actions(
            request.user.pk, [selection], ADDITION, "Saved on the Invite page", single_object=True
        )
        self.message_user(request, f"Saved the selection “{selection.name}”.")
        url = reverse("admin:outreach_invitation_invite")
        return HttpResponseRedirect(f"{url}?selection={selection.pk}")

    def funnel_view(self, request: HttpRequest, letter_id: str) -> HttpResponse:
        """The letter's funnel at a glance; the not-yet-signed CSV for phone follow-up."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        pk = row_id(letter_id)
        letter = get_object_or_404(Letter, pk=pk if pk is not None else -1)
        if request.GET.get("format") == "csv":
            if not self.has_export_permission(request):
                raise PermissionDenied
            return self._not_yet_signed_csv(request, letter)
        funnel = campaign.funnel(letter)
        steps = [(label, funnel[key]) for key, label in [
            ("invited", "Invited"), ("opened", "Opened the form"), ("submitted", "Submitted"),
            ("approved", "Approved"), ("declined", "Declined"),
        ]]  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Outreach: {letter.title}",
            "letter": letter,
            "funnel": funnel,
            "steps": [
                (label, n, round(100 * n / funnel["invited"]) if funnel["invited"] else 0)
                for label, n in steps
            ],
            "due": campaign.due_for_reminder(Invitation.objects.filter(letter=letter)).count(),
            "can_export": self.has_export_permission(request),
            "can_remind": self.has_change_permission(request),
        }
        if request.method == "POST" and "remind" in request.POST:
            if not self.has_change_permission(request):
                raise PermissionDenied
            count = campaign.remind(Invitation.objects.filter(letter=letter), request.user)
            self.message_user(request, f"{count} reminder(s) queued for sending.")
            return HttpResponseRedirect(request.path)
        return TemplateResponse(request, "admin/outreach/invitation/funnel.html", context)

    def _not_yet_signed_csv(self, request: HttpRequest, letter: Letter) -> HttpResponse:
        rows = list(campaign.not_yet_signed(letter))
        audit.contact_details_exported(request, len(rows))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{letter.slug}-not-signed.csv"'
        writer = csv.writer(response)
        writer.writerow(["city", "state", "mayor", "office e-mail", "phone", "invited",
                         "opened", "reminders"])  # fmt: skip
        for invitation in rows:
            office = invitation.office
            writer.writerow([
                office.city, office.state, office.mayor_name, office.email,
                office.phone + (f" x{office.phone_extension}" if office.phone_extension else ""),
                invitation.sent_at.date().isoformat() if invitation.sent_at else "",
                "yes" if invitation.opened_at else "no", invitation.reminder_count,
            ])  # fmt: skip
        return response

    @admin.action(
        description="Send the selected invitations whose mail failed again", permissions=["change"]
    )
    def resend_failed_invitations(self, request: HttpRequest, queryset) -> None:
        count = campaign.resend_failed(queryset, request.user)
        self.message_user(request, f"{count} invitation(s) queued for sending again.")

    @admin.action(description="Send a reminder to the selected (if due)", permissions=["change"])
    def send_reminders(self, request: HttpRequest, queryset) -> None:
        count = campaign.remind(queryset, request.user)
        skipped = queryset.count() - count
        self.message_user(request, f"{count} reminder(s) queued for sending.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} not reminded: signed, declined, opted out, at the limit of "
                "reminders, or reminded too recently.",
                messages.WARNING,
            )


@admin.register(SavedSelection)
class SavedSelectionAdmin(admin.ModelAdmin):
    """Made on the Invite page; listed here to see, use or delete."""

    list_display = ["name", "described", "created_by", "created_at", "use"]
    readonly_fields = ["name", "described", "created_by", "created_at"]
    fields = readonly_fields
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Offices")
    def described(self, obj: SavedSelection) -> str:
        return obj.describe()

    @admin.display(description="")
    def use(self, obj: SavedSelection) -> str:
        url = reverse("admin:outreach_invitation_invite")
        return format_html('<a href="{}?selection={}">Invite with it</a>', url, obj.pk)


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["office", "created_at"]
    readonly_fields = ["office", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
