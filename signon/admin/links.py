"""Links into the signature admin, shared by the admin modules.

URLs of the changelist (with its filters) and of one signature's page, the
parsing of a row id typed in a URL, and the route of an admin's own extra page.

The changelist draws up to three of these URLs a row: each is reversed once per
URL map and script prefix (``_reversed``), not once a row (about 20 µs each).
"""

import functools
import re
from urllib.parse import urlencode

from django.urls import get_resolver, get_script_prefix, get_urlconf, path, reverse

from ..models import Signature

CHANGELIST = "admin:signon_signature_changelist"


CHANGE = "admin:signon_signature_change"
# A row id no signature has, standing for the row's own in the reversed change URL.
_PK = "0"


@functools.lru_cache(maxsize=32)
def _reverse_once(name: str, args: tuple, prefix: str, resolver) -> str:
    return reverse(name, args=args)


def _reversed(name: str, *args) -> str:
    """``reverse(name, args=args)``, kept per URL map (a new map after
    ``clear_url_caches``, as in tests that change ROOT_URLCONF) and script prefix."""
    return _reverse_once(name, args, get_script_prefix(), get_resolver(get_urlconf()))


def changelist_url(**params) -> str:
    return f"{_reversed(CHANGELIST)}?{urlencode(params)}"


def change_url(signature: Signature) -> str:
    return signature_page(signature.pk)


def signature_page(pk: int) -> str:
    """One signature's change page: ``reverse(CHANGE, args=[pk])`` for a row id."""
    # The row id's digits replace the placeholder's: the pattern is the same.
    start, _, end = _reversed(CHANGE, _PK).rpartition(f"/{_PK}/")
    return f"{start}/{int(pk)}/{end}"


_ROW_ID = re.compile(r"[0-9]{1,18}")


def row_id(value: str | None) -> int | None:
    """A row id typed in a URL, or None: ASCII digits only, within a bigint.

    ``str.isdigit()`` also accepts "²" and other digits ``int()`` refuses.
    """
    return int(value) if value and _ROW_ID.fullmatch(value) else None


def admin_page(model_admin, route: str, view, name: str):
    """The route of an extra page of this admin, behind the admin's log-in like its others."""
    return path(route, model_admin.admin_site.admin_view(view), name=name)
