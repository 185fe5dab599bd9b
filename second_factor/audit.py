"""A sign-in factor removed, by a superuser in admin or by the reset command, is logged.

The admin history (LogEntry) records who removed what in admin; this line in
the audit log covers every way a device goes, the shell included.
"""

import logging

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

log = logging.getLogger("signon.audit")


@receiver(post_delete, sender=TOTPDevice)
@receiver(post_delete, sender=StaticDevice)
@receiver(post_delete, sender=WebAuthnCredential)
def _factor_removed(sender, instance, **kwargs) -> None:
    log.warning("Staff sign-in factor removed",
                extra={"event": "factor_removed", "user": instance.user.get_username(),
                       "device": f"{sender._meta.verbose_name}: {instance.name}"})  # fmt: skip
