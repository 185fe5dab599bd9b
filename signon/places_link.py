"""A signature's link to its reference place (``Signature.matched_place``).

``Signature.save()`` finds the place when the city or state changes; this module
links the signatures saved before there were places, or that matched nothing
then: after each ``load_places``/``import_places`` (the ``places_loaded``
signal) and with ``manage.py match_places``.
"""

from django.dispatch import receiver
from django.utils import timezone

from places import matching
from places.signals import places_loaded

from .models import Signature


def link_unmatched(*, everything: bool = False) -> int:
    """Link unmatched signatures (``everything``: all of them) to their places;
    returns how many were linked. A signature staff corrected keeps its place
    unless ``everything`` is asked for."""
    signatures = (
        Signature.objects.all()
        if everything
        else Signature.objects.filter(matched_place__isnull=True)
    )
    keys = set(signatures.values_list("office_key", flat=True))
    linked = 0
    now = timezone.now()
    for key, place_id in matching.find_keys(keys).items():
        # updated_at moves too: the public page's stamp sees the new population.
        linked += (
            signatures.filter(office_key=key)
            .exclude(matched_place=place_id)
            .update(matched_place=place_id, updated_at=now)
        )
    return linked


@receiver(places_loaded, dispatch_uid="signon_link_unmatched_places")
def _link_after_load(sender, **kwargs) -> None:
    link_unmatched()
