"""The suite's shared fixtures and factories: letters, signatures, staff and their clients.

Live servers (gunicorn, a relay to PostgreSQL, a small HTTP client) are in tests/servers.py.
"""

import os
import shutil
import socket

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from letters.models import Letter
from places import geonames, loading, matching
from places.models import Place
from signon import list_parts, page_cache, page_frame
from signon.models import Signature

SEED_SLUG = "immigration-reform"
CHANGELIST = reverse("admin:signon_signature_changelist")


@pytest.fixture(autouse=True, scope="session")
def _suite_runs_on_postgresql(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "the suite must run against PostgreSQL"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counts and the places each
    process keeps do not leak between tests."""
    cache.clear()
    matching.forget_cached()
    yield
    cache.clear()
    matching.forget_cached()


@pytest.fixture(autouse=True)
def _fresh_page_cache(settings):
    """No cached page survives from one test to the next (rolled-back rows send no signal).

    The cache stays on, but checks the database on every request, so a test that
    changes rows with ``update()`` still sees its change; the performance tests
    set the production window themselves.
    """
    settings.PAGE_CACHE_SECONDS = 0
    page_cache.clear()
    list_parts.clear()
    page_frame.clear()
    yield
    page_cache.clear()
    list_parts.clear()
    page_frame.clear()


def redis_binary() -> str:
    """Debian's redis-server; a test that needs one fails in CI and is skipped elsewhere."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server; .ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture
def shared_redis_url() -> str:
    """The suite's Redis (``make test`` starts one: scripts/testredis), emptied for each test."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        redis_binary()  # skips, or fails in CI, with the reason
        pytest.fail("redis-server is installed but TEST_REDIS_URL is unset: run `make test`")
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def run_queued_mail() -> list[str]:
    """Run every mail task that is due, as ``manage.py db_worker`` would; their outcomes.

    In the test's own transaction (the tasks were queued in it): django-tasks-db's
    worker code, minus its polling loop, which closes connections between tasks.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test",
                    excluded_queue_names=[])  # fmt: skip
    outcomes = []
    while (due := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        due.claim(worker.worker_id)
        worker.run_task(due)
        due.refresh_from_db()
        outcomes.append(due.return_value if due.status == "SUCCESSFUL" else due.status)
    return outcomes


@pytest.fixture(autouse=True)
def _reachable_conference_contact(settings):
    """The conference's own address, as production sets it: the seed letter names a
    person without an address, and a public letter's contact must be reachable."""
    settings.CONFERENCE_CONTACT_EMAIL = "questions@conference.example"


@pytest.fixture
def staff(db):
    """A superuser of the staff desk.

    No password: force_login needs none, and hashing one costs time in every test.
    """
    return get_user_model().objects.create_superuser("reviewer", "reviewer@usmayors.example")


def log_in_with_device(client: Client, user: User) -> Client:
    """Log ``user`` in the way staff reach the desk: password and second factor passed.

    Gives the user an authenticator app (unless they have one) and marks the
    session verified with it, as ``django_otp.login`` does after a right code.
    """
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Authenticator app")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def staff_client(staff) -> Client:
    """A client of its own, logged in as ``staff``: a test can use ``client`` beside it."""
    return log_in_with_device(Client(), staff)


@pytest.fixture
def admin_client(admin_user) -> Client:
    """pytest-django's ``admin_client``, past the second factor like every staff client."""
    return log_in_with_device(Client(), admin_user)


def conference_staff(username: str = "ana") -> User:
    """A staff user whose only rights come from the "Conference staff" group."""
    user = User.objects.create_user(username, f"{username}@usmayors.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Conference staff"))
    return user


def staff_without_review(username: str = "viewer") -> User:
    """Staff who may see and edit signatures but not approve or reject them."""
    user = User.objects.create_user(username, f"{username}@usmayors.example", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="signon", codename__in=["view_signature", "change_signature"]
        )
    )
    return user


@pytest.fixture
def reviewer(db) -> User:
    """A member of the "Conference staff" group, with that group's rights only."""
    return conference_staff()


@pytest.fixture
def reviewer_client(client, reviewer) -> Client:
    return log_in_with_device(client, reviewer)


def decide_url(signature, status: str) -> str:
    return reverse("admin:signon_signature_decide", args=[signature.pk, status])


def history_url(signature) -> str:
    return reverse("admin:signon_signature_history", args=[signature.pk])


@pytest.fixture
def letter(db) -> Letter:
    """The seed letter, loaded by the data migration, open for signatures."""
    return Letter.objects.get(slug=SEED_SLUG)


def load_geonames_places() -> None:
    """Every place of the committed GeoNames extract (22,084; about 3 s on PostgreSQL)."""
    loading.load(
        Place.Source.GEONAMES,
        geonames.read_extract(),
        vintage=geonames.vintage(),
        file_digest=loading.digest(geonames.EXTRACT),
        remove_missing=True,
    )


@pytest.fixture(scope="module")
def _places_committed(django_db_setup, django_db_blocker):
    """The places, committed once per module that asks for them (outside its tests'
    transactions, so they are not loaded again per test), and removed after it: in
    other modules a city is typed against no reference data, as before places."""
    with django_db_blocker.unblock():
        if not Place.objects.exists():
            load_geonames_places()
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in ("places_placealias", "places_place", "places_dataset"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- fixed table names


@pytest.fixture
def places(_places_committed, db):
    """The GeoNames places, in the database for this test."""
    if not Place.objects.exists():  # a transactional test in this module flushed them
        load_geonames_places()


@pytest.fixture
def live_places(transactional_db):
    """The GeoNames places for a live-server test (flushed with the rest after it)."""
    load_geonames_places()


# The one signer the helpers below start from (phone written per use).
SIGNER = {
    "mayor_first_name": "Ada",
    "mayor_last_name": "Lovelace",
    "city": "Springfield",
    "state": "IL",
    "contact_first_name": "Chris",
    "contact_last_name": "Aide",
    "contact_email": "chris.aide@springfield.il.gov",
}


def make_signature(letter: Letter, **fields) -> Signature:
    """A signature with plausible values; any field can be overridden."""
    values = {**SIGNER, "contact_phone": "+12175550143", **fields}
    return Signature.objects.create(letter=letter, **values)


def approved_signature(letter: Letter, **fields) -> Signature:
    """An approved signature, listed publicly from now."""
    return make_signature(
        letter, status=Signature.Status.APPROVED, approved_at=timezone.now(), **fields
    )


def approve(letter: Letter, first: str, last: str, city: str, state: str) -> Signature:
    """An approved signature from this mayor of this place."""
    return approved_signature(
        letter, mayor_first_name=first, mayor_last_name=last, city=city, state=state
    )


@pytest.fixture
def listed(letter):
    """Five approved mayors in three states, and one pending one."""
    approve(letter, "Kirk", "Watson", "Austin", "TX")
    approve(letter, "Eric", "Johnson", "Dallas", "TX")
    approve(letter, "Ana", "Peña", "El Paso", "TX")
    approve(letter, "José Guillermo", "Rodríguez", "Mayagüez", "PR")
    approve(letter, "Lyda", "Krewson", "St. Louis", "MO")
    make_signature(letter, mayor_first_name="Pending", mayor_last_name="Person", city="Houston",
                   state="TX")  # fmt: skip
    return letter


def from_scratch(client: Client, url: str) -> str:
    """The page as a worker holding nothing (no page, list part or frame) renders it."""
    list_parts.clear()
    page_cache.clear()
    page_frame.clear()
    return client.get(url).text


def form_data(**fields) -> dict:
    """A valid sign-on POST body; override any field."""
    return {
        **SIGNER,
        "contact_phone": "(217) 555-0143",
        # The text version the form showed: the seed letter's first one.
        "version": "1",
        **fields,
    }


def letter_admin_data(letter: Letter, **changes) -> dict:
    """The letter admin form's POST body for a letter as it stands; override any field."""
    data = {
        "title": letter.title, "slug": letter.slug, "summary": letter.summary,
        "status": letter.status, "salutation": letter.salutation, "body": letter.body,
        "closing": letter.closing, "questions_contact_name": letter.questions_contact_name,
        "questions_contact_email": letter.questions_contact_email,
        "deadline_0": "", "deadline_1": "", "list_published_at_0": "", "list_published_at_1": "",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(changes)
    return data


def admin_action(client: Client, action: str, *signatures, follow=False, **fields):
    """Run a changelist action on these signatures, as the admin's action bar posts it."""
    data = {"action": action, "_selected_action": [s.pk for s in signatures], **fields}
    return client.post(CHANGELIST, data, follow=follow)


@pytest.fixture
def stalled_mail_server():
    """A mail server that accepts connections and never says a word; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()
