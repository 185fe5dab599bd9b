"""The staff desk's admin site: nothing in it opens before the second factor.

``has_permission`` is what every admin view (changelists, change pages, the
desk's own decision, delivery, packet and export pages) asks before it runs;
here it also asks that this session passed a second factor. A password alone
gets the log-in page, which sends a signed-in staff member on to set-up (no
factor yet) or to the code step.

Every page's context carries the app list (``available_apps``), which only the
navigation sidebar shows; the desk's lists turn the sidebar off, so the list is
built when a template first reads it (about forty URL reversals and permission
checks, 1–2 ms a page), not for every page.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache


def is_verified(user) -> bool:
    """Did this session pass a second factor? (A user just logged in by password
    is a fresh object without django-otp's ``is_verified``: not yet.)"""
    return getattr(user, "is_verified", lambda: False)()


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and not is_verified(user)


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request.user)

    def each_context(self, request: HttpRequest) -> dict:
        request.signon_apps_when_read = True
        try:
            return super().each_context(request)
        finally:
            del request.signon_apps_when_read

    def get_app_list(self, request: HttpRequest, app_label=None):
        if getattr(request, "signon_apps_when_read", False):
            # each_context's "available_apps": built if the page's sidebar reads it.
            build = super().get_app_list
            return SimpleLazyObject(lambda: build(request, app_label))
        return super().get_app_list(request, app_label)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "GET" and needs_second_factor(request):
            return self.second_factor_redirect(request, request.GET.get("next", ""))
        response = super().login(request, extra_context)
        if (
            request.method == "POST"
            and response.status_code == 302
            and needs_second_factor(request)
        ):
            # The password was right: on to the second step, keeping where they were going.
            return self.second_factor_redirect(request, response["Location"])
        return response

    def second_factor_redirect(self, request: HttpRequest, next_url: str) -> HttpResponse:
        from .devices import has_factor

        name = "second-factor" if has_factor(request.user) else "second-factor-setup"
        url = self.reverse(name)
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if next_url and safe:
            url += "?" + urlencode({"next": next_url})
        return redirect(url)

    def reverse(self, name: str) -> str:
        from django.urls import reverse

        return reverse(f"{self.name}:{name}")

    def get_urls(self):
        from . import views

        # Not wrapped in admin_view: these pages are for staff who have not yet
        # passed the second factor (each view checks who may see it).
        own = [
            # Log-out works before the second step too (admin_view would refuse it).
            path("logout/", never_cache(self.logout), name="logout"),
            path("second-factor/", views.verify, name="second-factor"),
            path("second-factor/set-up/", views.set_up, name="second-factor-setup"),
            path(
                "second-factor/recovery-codes/",
                views.recovery_codes,
                name="second-factor-recovery-codes",
            ),
            path(
                "second-factor/passkeys/",
                self.admin_view(views.passkeys),
                name="second-factor-passkeys",
            ),
        ]
        return own + super().get_urls()
