"""The sign-on app: connects its signal receivers and logs waived production checks."""

import logging

from django.apps import AppConfig
from django.conf import settings


class SignonConfig(AppConfig):
    name = "signon"
    verbose_name = "Sign-on"

    def ready(self) -> None:
        # Connect the receivers: the audit log's, and those that keep the
        # cached letter page fresh.
        from . import (
            audit,  # noqa: F401
            page_cache,  # noqa: F401
            places_link,  # noqa: F401
        )

        # Logged here, once logging is configured: a waived production check
        # (config/settings.py) is never silent.
        log = logging.getLogger("config.settings")
        for waiver in settings.ALLOW_UNSAFE_SETTINGS:
            variable = settings.UNSAFE_SETTINGS[waiver]
            log.warning(
                f"Unsafe setting allowed by ALLOW_UNSAFE_SETTINGS={waiver}: "
                f"{variable} is not fit for production.",
                extra={"event": "unsafe_setting", "waiver": waiver, "variable": variable},
            )
        # Production refuses to start without it (config/settings.py); a local
        # run is told, since the seed letter names a contact with no address.
        if settings.DEBUG and not settings.CONFERENCE_CONTACT_EMAIL:
            log.warning(
                "CONFERENCE_CONTACT_EMAIL is not set: a letter whose questions contact has "
                "no address of its own (the seed letter's) names a person nobody can write "
                "to. Set it in .env.",
                extra={"event": "no_contact_address"},
            )
