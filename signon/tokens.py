"""The e-mail confirmation token: signed, time-limited, and carrying no personal data.

A token is the signature's random ``confirmation_id`` plus a timestamp, signed
with the site's SECRET_KEY under a salt of its own, so a token made for any other
purpose never passes here. It works once: the view refuses it after
``email_confirmed_at`` is set.
"""

import uuid
from datetime import timedelta

from django.core import signing

MAX_AGE = timedelta(hours=72)
_SALT = "signon.email-confirmation"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def make_token(confirmation_id: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(confirmation_id))


def read_token(token: str) -> uuid.UUID:
    """The confirmation id a token carries, or TokenExpired / TokenInvalid."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        value = signer.unsign(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise TokenInvalid from None
