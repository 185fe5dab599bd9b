"""The places' public URL: the form's city suggestions per state."""

from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("places/<str:state>.json", views.suggestions, name="suggestions"),
]
