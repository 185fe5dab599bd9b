"""The site's URL map: the admin under ADMIN_URL, the health check, the public site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from signon.views import healthz

admin.site.site_header = "U.S. Conference of Mayors: sign-on desk"
admin.site.site_title = "Sign-on desk"
admin.site.index_title = "Letters and signatures"

urlpatterns = [
    # Passkey sign-in and set-up (django-otp-webauthn's JSON endpoints); before
    # the admin, whose catch-all would answer them with the log-in page.
    path(f"{settings.ADMIN_URL}passkeys/", include("django_otp_webauthn.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("places.urls")),
    path("", include("signon.urls")),
    path("", include("outreach.urls")),
]

handler500 = "config.errors.server_error"
