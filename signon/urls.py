from django.urls import path

from . import views

app_name = "signon"

urlpatterns = [
    path("", views.index, name="index"),
    path("letters/<slug:slug>/", views.letter_detail, name="letter"),
    path("letters/<slug:slug>/print/", views.letter_print, name="letter-print"),
    path("letters/<slug:slug>/signatories.csv", views.signatories_csv, name="signatories-csv"),
    path("letters/<slug:slug>/signatories.json", views.signatories_json, name="signatories-json"),
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/sign/thanks/", views.thanks, name="thanks"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", views.favicon, name="favicon"),
]
