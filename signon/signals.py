"""Receivers that keep the public letter page fresh in the process that writes.

Other workers notice a change through the letter's stamp within
``PAGE_CACHE_SECONDS`` (see ``page_cache``); the worker that records the write
drops its pages at once, and again when the transaction commits, so a request
served between the write and the commit cannot leave the old page behind.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from letters.models import Letter

from . import page_cache
from .models import Delivery, Signature


def _forget_pages() -> None:
    page_cache.clear()
    transaction.on_commit(page_cache.clear)


@receiver(post_save, sender=Signature, dispatch_uid="signon_page_cache_signature_saved")
def signature_saved(sender, instance: Signature, created: bool, **kwargs) -> None:
    # A new submission waits as pending and changes no public page: a burst of
    # sign-ons must not make the worker render the whole list again each time.
    if created and instance.status == Signature.Status.PENDING:
        return
    _forget_pages()


@receiver(post_delete, sender=Signature, dispatch_uid="signon_page_cache_signature_deleted")
@receiver(post_save, sender=Letter, dispatch_uid="signon_page_cache_letter_saved")
@receiver(post_delete, sender=Letter, dispatch_uid="signon_page_cache_letter_deleted")
# The page shows the delivery's date and count: editing the record is a change too.
@receiver(post_save, sender=Delivery, dispatch_uid="signon_page_cache_delivery_saved")
@receiver(post_delete, sender=Delivery, dispatch_uid="signon_page_cache_delivery_deleted")
def letter_or_list_changed(sender, **kwargs) -> None:
    _forget_pages()
