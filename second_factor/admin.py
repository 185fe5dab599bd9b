"""Staff sign-in devices in admin: a superuser removes a colleague's, never reads one.

The libraries' own admins would show a TOTP device's QR code and let anyone
with the permission add a device for someone else; these show who has what,
and allow only removal, by a superuser. Django records each removal in the
admin history (LogEntry); ``audit`` writes it to the audit log too.
"""

import contextlib

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)


class StaffDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        # Each person sets up their own factor at sign-in.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


admin.site.register(TOTPDevice, StaffDeviceAdmin)
admin.site.register(StaticDevice, StaffDeviceAdmin)
admin.site.register(WebAuthnCredential, StaffDeviceAdmin)
