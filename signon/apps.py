from django.apps import AppConfig


class SignonConfig(AppConfig):
    name = "signon"
    verbose_name = "Sign-on"

    def ready(self) -> None:
        # Connect the receivers that keep the cached letter page fresh.
        from . import (
            audit,  # noqa: F401  (connects the audit log's signal receivers)
            signals,  # noqa: F401
        )
