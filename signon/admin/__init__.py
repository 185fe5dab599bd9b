"""The sign-on desk in Django admin, one module per admin.

- ``signatures``: the review desk (SignatureAdmin, filters, decisions, export);
- ``letters``: the letter and letter-version admins as the desk extends them;
- ``deliveries``: the delivery admin and the record-delivery flow;
- ``domains``: the official e-mail domains;
- ``links``: URLs into the signature admin, shared by the others;
- ``rows``: the signature changelist's rows, drawn once per column plan.

Importing them here is what registers them when Django autodiscovers ``admin``.
The outreach app extends ``signatures.SignatureAdmin`` from its own admin.
"""

from . import deliveries, domains, letters, signatures  # noqa: F401
