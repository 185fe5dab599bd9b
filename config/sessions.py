"""Sessions in the database, as Django keeps them, less one query per new session.

Django draws a new session key and asks the database whether it is taken before
inserting it. The insert itself refuses a taken key (``create()`` saves with
``must_create`` and draws again on ``CreateError``), so the question is a round
trip that cannot change the outcome: every sign-on paid it for the thanks page.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
