"""The sign-on desk in Django admin, one module per admin.

- ``signatures``: the review desk (SignatureAdmin, filters, decisions, export);
- ``letters``: the letter and letter-version admins as the desk extends them;
- ``deliveries``: the delivery admin and the record-delivery flow;
- ``domains``: the official e-mail domains;
- ``outreach``: invitations, the funnel, reminders, and the directory signal;
- ``links``: URLs into the signature admin, shared by the others.

Importing them here is what registers them when Django autodiscovers ``admin``.
"""

from . import deliveries, domains, letters, outreach, signatures  # noqa: F401
