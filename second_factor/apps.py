from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site asks staff for their second factor."""

    default = False
    default_site = "second_factor.admin_site.StaffAdminSite"


class SecondFactorConfig(AppConfig):
    default = True
    name = "second_factor"
    verbose_name = "Staff sign-in factors"

    def ready(self) -> None:
        from . import audit  # noqa: F401 -- connects its receivers
