"""config.postgresql: a persistent connection is checked before reuse without a round trip
while the server has said nothing, and with Django's own check once it has.

tests/test_failures.py shows the whole recovery through gunicorn; these look at the
check itself on a connection of its own.
"""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql


@pytest.fixture
def own_connection(db):
    """A second connection to the test database, as a worker holds between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


@pytest.fixture
def round_trips(monkeypatch) -> list[str]:
    """Each time Django's own check (``SELECT 1``) runs."""
    asked = []
    original = django_postgresql.DatabaseWrapper.is_usable

    def is_usable(self):
        asked.append("SELECT 1")
        return original(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", is_usable)
    return asked


def test_the_suite_runs_on_the_projects_backend(db):
    assert type(connection._connections["default"]).__module__ == "config.postgresql.base"


def test_an_idle_connection_is_usable_without_asking_the_server(own_connection, round_trips):
    assert own_connection.is_usable()
    assert own_connection.is_usable()
    assert round_trips == []


def test_a_terminated_connection_is_found_and_given_up(own_connection, round_trips):
    pid = own_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while own_connection.is_usable():  # until the server's farewell arrives
        assert time.monotonic() < deadline, "the terminated connection still looks usable"
        time.sleep(0.05)
    assert round_trips, "Django's own check was not asked"
    # As Django does at the start of a request: the connection is closed, and the next
    # query opens a new one.
    own_connection.errors_occurred = True
    own_connection.close_if_unusable_or_obsolete()
    assert own_connection.connection is None
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_closed_connection_is_not_usable(own_connection):
    own_connection.connection.close()
    assert not own_connection.is_usable()
