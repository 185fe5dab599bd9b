"""The contact's e-mail confirmation: a page with a button, reached from the receipt.

Opening the link (GET) only shows the button; the POST confirms. Mail security
scanners open every link in a message, and must not confirm by themselves.
"""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import tokens
from .models import Signature

TEMPLATE = "signon/confirm_email.html"


@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        confirmation_id = tokens.read_token(token)
    except tokens.TokenExpired:
        return render(request, TEMPLATE, {"problem": "expired"}, status=410)
    except tokens.TokenInvalid:
        return render(request, TEMPLATE, {"problem": "invalid"}, status=400)

    signature = (
        Signature.objects.filter(confirmation_id=confirmation_id)
        .select_related("letter")
        .only("mayor_first_name", "mayor_last_name", "city", "state", "email_confirmed_at",
              "letter__slug", "letter__title")
        .first()
    )  # fmt: skip
    if signature is None:
        # A validly signed id whose signature has since been deleted.
        return render(request, TEMPLATE, {"problem": "invalid"}, status=400)
    if signature.email_confirmed_at is not None:
        return render(request, TEMPLATE, {"problem": "used", "signature": signature}, status=410)

    if request.method == "POST":
        # One UPDATE that only matches an unconfirmed row: two clicks racing
        # still confirm once.
        Signature.objects.filter(Q(pk=signature.pk), Q(email_confirmed_at__isnull=True)).update(
            email_confirmed_at=timezone.now()
        )
        return redirect("signon:confirm-email-done")
    return render(request, TEMPLATE, {"signature": signature})


@never_cache
def confirm_email_done(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATE, {"done": True})
