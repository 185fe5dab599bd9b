"""Invitations in admin: invite directory offices to a letter, read its funnel, remind
the silent ones, export who has not signed; and the opt-outs.

Staff need "add invitation" to invite, "change invitation" to remind, and the
directory's "view office" plus "export signature" to download contact details.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from letters.models import Letter
from places.states import State
from signon import audit
from signon.admin.links import admin_page, row_id

from .. import campaign
from ..models import Invitation, OptOut


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["office", "letter", "answer", "sent_at", "opened_at", "reminder_count",
                    "last_reminded_at"]  # fmt: skip
    list_filter = [InvitationStatusFilter, "letter", "office__state"]
    search_fields = ["office__city", "office__mayor_last_name"]
    list_select_related = ["office", "letter", "signature"]
    readonly_fields = ["letter", "office", "invited_by", "created_at", "sent_at", "opened_at",
                       "signature", "declined_at", "decline_reason", "reminder_count",
                       "last_reminded_at"]  # fmt: skip
    fields = readonly_fields
    actions = ["send_reminders"]
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
        form = InviteForm(request.POST or None)
        offices = None
        if request.method == "POST" and form.is_valid():
            offices = form.offices()
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
            "form": form,
            "offices": list(offices.select_related("place")[:200]) if offices is not None else None,
            "office_count": offices.count() if offices is not None else 0,
        }
        return TemplateResponse(request, "admin/outreach/invitation/invite.html", context)

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


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["office", "created_at"]
    readonly_fields = ["office", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
