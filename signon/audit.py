"""The staff desk's audit trail in the log: every log-in event and every decision.

Receivers of Django's own signals, so a decision is logged however it was
taken (an admin action, a change page, a shell) and no view has to remember.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .abuse import client_address
from .models import Signature

log = logging.getLogger("signon.audit")


def _address(request) -> str:
    return client_address(request) if request is not None else ""


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    log.info("Staff log-in", extra={"event": "login", "user": user.get_username(),
                                    "client": _address(request)})  # fmt: skip


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    username = user.get_username() if user is not None else ""
    log.info("Staff log-out", extra={"event": "logout", "user": username,
                                     "client": _address(request)})  # fmt: skip


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # credentials holds the password too (Django masks it); only the name is logged.
    log.warning("Staff log-in failed", extra={"event": "login_failed",
                                              "user": credentials.get("username", ""),
                                              "client": _address(request)})  # fmt: skip


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    log.warning("Staff log-in locked out", extra={"event": "lockout", "user": username or "",
                                                  "client": ip_address or ""})  # fmt: skip


def contact_details_exported(request, rows: int) -> None:
    """Every bulk export of contact details: who, from where, how many rows (the log has when)."""
    extra = {"event": "export", "user": request.user.get_username(), "rows": rows,
             "client": _address(request)}  # fmt: skip
    log.info("Contact details exported", extra=extra)


@receiver(post_save, sender=Signature)
def _decided(sender, instance: Signature, created: bool, update_fields=None, **kwargs) -> None:
    if created or not update_fields or "status" not in update_fields:
        return
    reviewer = instance.reviewed_by.get_username() if instance.reviewed_by_id else ""
    log.info(
        "Signature decision",
        extra={"event": "decision", "signature": instance.pk, "letter": instance.letter_id,
               "status": instance.status, "user": reviewer},
    )  # fmt: skip
