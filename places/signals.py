"""``places_loaded``: sent (inside the loading transaction) after places were
loaded or refreshed, so apps that link to places can link what was unmatched."""

from django.dispatch import Signal

places_loaded = Signal()
