"""Old name of ``public_list``, kept only for ``admin.py`` and ``delivery.py``.

Those two move in another branch of issue 11; once they import from
``public_list`` (the delivery snapshot through ``public_list.delivery_rows``),
delete this module.
"""

from .public_list import LIST_FIELDS, PUBLIC_FIELDS, group_by_state

__all__ = ["LIST_FIELDS", "PUBLIC_FIELDS", "group_by_state"]
