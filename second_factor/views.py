"""The second step of a staff sign-in: set a factor up, check it, keep recovery codes.

Each view checks who may see it (these pages sit under the admin but outside
``admin_view``, which would send an unverified session back to the log-in).
"""

import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.utils import reset as reset_axes
from django.contrib import admin, messages
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import devices
from .admin_site import is_verified
from .forms import CodeForm, SetUpForm

log = logging.getLogger("signon.audit")
SHOW_CODES = "second_factor_codes_to_show"


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse("admin:index")


def _context(request: HttpRequest, **extra) -> dict:
    context = {**admin.site.each_context(request), "next": _next_url(request), **extra}
    if not is_verified(request.user):
        # Nothing of the desk before the second step: not even its list of models.
        context.update(available_apps=[], is_nav_sidebar_enabled=False)
    return context


def _is_staff(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_active and request.user.is_staff


def _signed_in(request: HttpRequest, device, how: str) -> None:
    otp_login(request, device)
    # Only a sign-in that passed both steps starts the failure count again.
    AxesProxyHandler.update_request(request)
    reset_axes(ip=request.axes_ip_address, username=request.user.get_username())
    log.info("Staff second factor passed", extra={"event": "second_factor", "how": how,
             "user": request.user.get_username(), "client": request.axes_ip_address})  # fmt: skip


@never_cache
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """The code step: an app code, a recovery code, or a passkey."""
    if not _is_staff(request):
        return redirect(reverse("admin:login"))
    if is_verified(request.user):
        return redirect(_next_url(request))
    if not devices.has_factor(request.user):
        return redirect(reverse("admin:second-factor-setup") + _query(request))
    credentials = {"username": request.user.get_username()}
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        form = CodeForm(request.POST)
        if form.is_valid():
            device = devices.verify_code(request.user, form.cleaned_data["code"])
            if device is not None:
                _signed_in(request, device, device.name)
                return redirect(_next_url(request))
            form.add_error(
                "code",
                "That code is not right, or it was already used. Type the newest code "
                "from your app (codes change every 30 seconds), or a recovery code.",
            )
            # Counted like a wrong password: five in a row lock the account out
            # from this address for an hour (the axes middleware answers 429).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    else:
        form = CodeForm()
    has_passkey = devices.passkeys(request.user).filter(confirmed=True).exists()
    return render(request, "second_factor/verify.html",
                  _context(request, form=form, has_passkey=has_passkey,
                           title="Second step: confirm it is you"))  # fmt: skip


def _query(request: HttpRequest) -> str:
    from django.utils.http import urlencode

    wanted = request.GET.get("next")
    return "?" + urlencode({"next": wanted}) if wanted else ""


@never_cache
@sensitive_post_parameters("code")
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in: add an authenticator app (QR code and secret) or a passkey."""
    if not _is_staff(request):
        return redirect(reverse("admin:login"))
    if devices.has_factor(request.user):
        if is_verified(request.user):
            return redirect(reverse("admin:second-factor-passkeys"))
        return redirect(reverse("admin:second-factor") + _query(request))
    app = devices.pending_app(request.user)
    if request.method == "POST":
        form = SetUpForm(request.POST)
        if form.is_valid():
            if app.verify_token("".join(form.cleaned_data["code"].split())):
                app.confirmed = True
                app.save(update_fields=["confirmed"])
                _signed_in(request, app, "set-up")
                request.session[SHOW_CODES] = devices.new_recovery_codes(request.user)
                log.info("Staff second factor set up", extra={"event": "factor_added",
                         "user": request.user.get_username(), "device": app.name})  # fmt: skip
                return redirect(reverse("admin:second-factor-recovery-codes") + _query(request))
            form.add_error(
                "code",
                "That code does not match. Check that the phone's clock is right and "
                "type the newest code the app shows.",
            )
    else:
        form = SetUpForm()
    return render(request, "second_factor/set_up.html",
                  _context(request, form=form, qr_code=devices.qr_code_data_uri(app),
                           secret=devices.secret_text(app),
                           title="Set up your second sign-in step"))  # fmt: skip


@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes: shown once, right after they are made; new ones on request."""
    if not _is_staff(request):
        return redirect(reverse("admin:login"))
    if not is_verified(request.user):
        return redirect(reverse("admin:second-factor") + _query(request))
    if request.method == "POST":
        request.session[SHOW_CODES] = devices.new_recovery_codes(request.user)
        log.info("Staff recovery codes renewed", extra={"event": "recovery_codes",
                 "user": request.user.get_username()})  # fmt: skip
        messages.success(request, "New recovery codes made. The old ones no longer work.")
        return redirect(reverse("admin:second-factor-recovery-codes") + _query(request))
    codes = request.session.pop(SHOW_CODES, None)
    if codes is None and devices.recovery_codes_left(request.user) == 0:
        # First set-up with a passkey, or every code used: make a set now.
        codes = devices.new_recovery_codes(request.user)
    return render(request, "second_factor/recovery_codes.html",
                  _context(request, codes=codes, left=devices.recovery_codes_left(request.user),
                           title="Recovery codes"))  # fmt: skip


@never_cache
def passkeys(request: HttpRequest) -> HttpResponse:
    """Your sign-in methods: add a passkey, see what you have (behind admin_view)."""
    return render(request, "second_factor/passkeys.html",
                  _context(request, passkeys=devices.passkeys(request.user),
                           left=devices.recovery_codes_left(request.user),
                           title="Your sign-in methods"))  # fmt: skip
