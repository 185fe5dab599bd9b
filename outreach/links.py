"""Outreach's personal links: a signed token (Django's signing, a salt of its own)
carrying only the invitation's id, or for the opt-out link only the office's id. No
link carries personal data; an invitation's stops working when its letter closes
(outreach/views.py checks the letter)."""

from django.core import signing
from django.urls import reverse

from signon.emails import absolute_url

from .models import Invitation, Office

_INVITATION_SALT = "outreach.invitation"
_UNSUBSCRIBE_SALT = "outreach.unsubscribe"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=_INVITATION_SALT)


def read_invitation_token(token: str) -> int | None:
    """The invitation id a token carries, or None for anything forged or altered."""
    try:
        value = signing.loads(token, salt=_INVITATION_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unsubscribe_token(office: Office) -> str:
    return signing.dumps(office.pk, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def invitation_url(invitation: Invitation) -> str:
    kwargs = {"slug": invitation.letter.slug, "token": invitation_token(invitation)}
    return absolute_url(reverse("outreach:invited", kwargs=kwargs))


def decline_url(invitation: Invitation) -> str:
    kwargs = {"slug": invitation.letter.slug, "token": invitation_token(invitation)}
    return absolute_url(reverse("outreach:decline", kwargs=kwargs))


def unsubscribe_url(office: Office) -> str:
    kwargs = {"token": unsubscribe_token(office)}
    return absolute_url(reverse("outreach:unsubscribe", kwargs=kwargs))
