"""Places: the U.S. states and territories, how a place's name is folded into a
matching key, and (with the reference data) the places themselves. It knows
nothing of letters or signatures: signon asks it, never the other way round."""

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Places"
