"""The public site's URLs: letters, list downloads, sign-on, embed, e-mail confirmation."""

from django.urls import path

from . import confirmation, embed, share_card, views

app_name = "signon"

urlpatterns = [
    path("", views.index, name="index"),
    path("letters/<slug:slug>/", views.letter_detail, name="letter"),
    path("letters/<slug:slug>/print/", views.letter_print, name="letter-print"),
    path("letters/<slug:slug>/signatories.csv", views.signatories_csv, name="signatories-csv"),
    path("letters/<slug:slug>/signatories.json", views.signatories_json, name="signatories-json"),
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/sign/thanks/", views.thanks, name="thanks"),
    path("letters/<slug:slug>/sign/ask/", views.ask_conference, name="ask"),
    path("privacy/", views.privacy, name="privacy"),
    path("letters/<slug:slug>/card.png", share_card.share_card, name="share-card"),
    path("letters/<slug:slug>/embed/", embed.badge, name="embed-badge"),
    path("letters/<slug:slug>/embed.json", embed.count_json, name="embed-json"),
    path("confirm/done/", confirmation.confirm_email_done, name="confirm-email-done"),
    path("confirm/<str:token>/", confirmation.confirm_email, name="confirm-email"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", views.favicon, name="favicon"),
]
