"""Links into the signature admin, shared by the admin modules.

URLs of the changelist (with its filters) and of one signature's page, the
parsing of a row id typed in a URL, and the route of an admin's own extra page.
"""

import re
from urllib.parse import urlencode

from django.urls import path, reverse

from ..models import Signature

CHANGELIST = "admin:signon_signature_changelist"


def changelist_url(**params) -> str:
    return f"{reverse(CHANGELIST)}?{urlencode(params)}"


def change_url(signature: Signature) -> str:
    return reverse("admin:signon_signature_change", args=[signature.pk])


_ROW_ID = re.compile(r"[0-9]{1,18}")


def row_id(value: str | None) -> int | None:
    """A row id typed in a URL, or None: ASCII digits only, within a bigint.

    ``str.isdigit()`` also accepts "²" and other digits ``int()`` refuses.
    """
    return int(value) if value and _ROW_ID.fullmatch(value) else None


def admin_page(model_admin, route: str, view, name: str):
    """The route of an extra page of this admin, behind the admin's log-in like its others."""
    return path(route, model_admin.admin_site.admin_view(view), name=name)
