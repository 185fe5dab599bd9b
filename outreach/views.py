"""The public side of outreach: an invited office's personal link opens the sign-on
form filled in with its mayor, city and state; the same link lets it decline; the
opt-out link stops all outreach e-mail. A forged, altered or mismatched link gets a
clear page, never an error. No page here shows the office's contact data."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from places import normalize
from signon.contact import conference_contact
from signon.forms import SignatureForm
from signon.models import Signature
from signon.views import THANKS_SESSION_KEY, save_sign_on

from . import campaign, links
from .models import Invitation, Office


def _refused(request: HttpRequest, what: str = "invitation") -> HttpResponse:
    return render(request, "outreach/refused.html", {"what": what}, status=400)


def _invitation(slug: str, token: str) -> Invitation | None:
    pk = links.read_invitation_token(token)
    if pk is None:
        return None
    invitation = Invitation.objects.select_related("letter", "office").filter(pk=pk).first()
    # A link made for another letter is not a link to this one.
    if invitation is None or invitation.letter.slug != slug:
        return None
    return invitation


def invited(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The sign-on form for the invited office, filled in; the signature is linked to it."""
    invitation = _invitation(slug, token)
    if invitation is None:
        return _refused(request)
    letter, office = invitation.letter, invitation.office
    if not letter.is_accepting_signatures:
        # The link expires with the letter.
        status = 403 if request.method == "POST" else 200
        return render(request, "signon/closed.html", {"letter": letter}, status=status)
    if invitation.signature_id and invitation.signature.status in Signature.LIVE_STATUSES:
        return render(request, "outreach/answered.html",
                      {"letter": letter, "office": office, "signed": True})  # fmt: skip
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=timezone.now()
    )
    context = {"letter": letter, "contact": conference_contact(letter), "form_action": request.path,
               "invited_office": office}  # fmt: skip
    if request.method == "POST":
        form = SignatureForm(request.POST, letter=letter)
        if not form.shown_version_is_current():
            context.update(form=form.for_current_version(), version_changed=True)
            return render(request, "signon/sign.html", context)
        if form.is_valid() and _same_office(form, office):
            response = save_sign_on(request, form)
            pk = request.session.get(THANKS_SESSION_KEY)
            signed = Signature.objects.filter(pk=pk, letter=letter, office_key=office.office_key)
            if signed.exists():
                Invitation.objects.filter(pk=invitation.pk).update(signature=pk)
            return response
    else:
        form = SignatureForm(letter=letter, initial={
            "mayor_first_name": office.mayor_first_name, "mayor_last_name": office.mayor_last_name,
            "city": office.city, "state": office.state,
        })  # fmt: skip
    context["form"] = form
    return render(request, "signon/sign.html", context)


invited.takes_no_files = True


def _same_office(form: SignatureForm, office: Office) -> bool:
    """An invitation signs for its own office only; another city has the public form."""
    key = normalize.office_key(form.cleaned_data["city"], form.cleaned_data["state"])
    if key == office.office_key:
        return True
    form.add_error("city", ValidationError(
        f"This invitation is for {office.city}, {office.state}. To sign on for another city, "
        "use the letter’s public sign-on form.", code="other_office",
    ))  # fmt: skip
    return False


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text="Seen by conference staff only.",
        error_messages={"max_length": "Keep the reason to 2,000 characters or fewer."},
    )  # fmt: skip


def decline(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """An invited office says no, with an optional reason: it is then never reminded."""
    invitation = _invitation(slug, token)
    if invitation is None:
        return _refused(request)
    context = {"letter": invitation.letter, "office": invitation.office}
    if invitation.declined_at:
        return render(request, "outreach/answered.html", {**context, "declined": True})
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            campaign.decline(invitation, form.cleaned_data["reason"].strip())
            return redirect(request.path)
    else:
        form = DeclineForm()
    return render(request, "outreach/decline.html", {**context, "form": form})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop all outreach e-mail to this office (a POST: a mail scanner's GET changes nothing)."""
    pk = links.read_unsubscribe_token(token)
    office = Office.objects.filter(pk=pk).first() if pk is not None else None
    if office is None:
        return _refused(request, "unsubscribe link")
    done = hasattr(office, "opt_out")
    if request.method == "POST" and not done:
        campaign.opt_out(office)
        return redirect(request.path)
    return render(request, "outreach/unsubscribe.html", {"office": office, "done": done})
