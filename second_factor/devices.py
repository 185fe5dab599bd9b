"""A staff member's factors: made, listed, checked and removed in one place.

The views, the admin and the commands all go through here, so "has a factor",
"a recovery code" and "reset" mean the same thing everywhere.
"""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODES = 10


def has_factor(user: AbstractBaseUser) -> bool:
    """A confirmed authenticator app or passkey (recovery codes alone do not count)."""
    return any(
        not isinstance(device, StaticDevice) for device in devices_for_user(user, confirmed=True)
    )


def pending_app(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def confirmed_app(user: AbstractBaseUser) -> TOTPDevice:
    """A confirmed authenticator app, made at once (the command line's way in)."""
    return TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=True)


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG image in a data: URI (the CSP allows data: images)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes with fresh ones; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def passkeys(user: AbstractBaseUser):
    return WebAuthnCredential.objects.filter(user=user)


@transaction.atomic
def remove_all(user: AbstractBaseUser) -> int:
    """Every factor of one account, gone: its next sign-in starts set-up again."""
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def verify_code(user: AbstractBaseUser, code: str):
    """The device that accepts this code (app code or recovery code), or None.

    Each device refuses a code it already accepted (TOTP remembers its last
    time step; a recovery code is deleted when used) and throttles failures.
    """
    code = "".join(code.split()).lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, TOTPDevice | StaticDevice) and device.verify_token(code):
                return device
    return None
