from django.contrib import admin
from django.urls import include, path

from signon.views import healthz

admin.site.site_header = "U.S. Conference of Mayors: sign-on desk"
admin.site.site_title = "Sign-on desk"
admin.site.index_title = "Letters and signatures"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("signon.urls")),
]
