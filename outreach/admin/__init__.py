"""Outreach in Django admin, one module per admin.

- ``offices``: the mayors' directory (edit, CSV import with preview, export);
- ``invitations``: invitations, the invite page, the funnel, reminders, opt-outs;
- ``signatures``: the directory signal added to signon's review desk.

Importing them here is what registers them when Django autodiscovers ``admin``.
"""

from . import invitations, offices, signatures  # noqa: F401
