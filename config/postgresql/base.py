"""Django's PostgreSQL backend, with a health check that asks the server only when it spoke.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before each request
reuses it by sending ``SELECT 1``: a round trip to the database on every request, as
long as a real query (at 1,400 names an eighth of a worker's time on a cold render of
the letter page, by a sampling profiler under load). Between requests a connection is
idle: the server sends nothing unless it is going away (a restart or a terminated
backend sends its farewell and closes; a dropped relay closes). So the check looks,
without waiting, for anything to read: nothing means the connection stands as it was
left, and anything means Django's own check decides. The app still recovers by itself
after a database restart (tests/test_failures.py cuts every connection and restores).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        waiting = select.poll()
        waiting.register(self.connection.fileno(), select.POLLIN)
        if waiting.poll(0):
            return super().is_usable()
        return True
