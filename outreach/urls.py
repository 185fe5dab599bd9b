"""The public side of outreach: an invited office's personal link, its "no", the opt-out."""

from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("letters/<slug:slug>/invited/<str:token>/", views.invited, name="invited"),
    path("letters/<slug:slug>/invited/<str:token>/decline/", views.decline, name="decline"),
    path("outreach/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
