from django.apps import AppConfig


class SignonConfig(AppConfig):
    name = "signon"
    verbose_name = "Sign-on"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the audit log's signal receivers)
