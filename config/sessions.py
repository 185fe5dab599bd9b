"""Sessions in the database, as Django keeps them, less one query per new session.

Django draws a new session key and asks the database whether it is taken before
inserting it. The insert itself refuses a taken key (``create()`` saves with
``must_create`` and draws again on ``CreateError``), so the question is a round
trip that cannot change the outcome: every sign-on paid it for the thanks page.

A session read from the database also keeps when it runs out (``expires_at``), so
the staff renewal (config.middleware) writes it again only when that has moved.
"""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    # When the stored session ends, as read with it (None: not read, or new).
    expires_at: datetime.datetime | None = None

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.expires_at = stored.expire_date if stored else None
        return stored

    async def _aget_session_from_db(self):
        stored = await super()._aget_session_from_db()
        self.expires_at = stored.expire_date if stored else None
        return stored
