"""The suite's shared fixtures and factories: letters, signatures, staff and their clients.

Live servers (gunicorn, a relay to PostgreSQL, a small HTTP client) are in tests/servers.py.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon import page_cache
from signon.models import Signature

SEED_SLUG = "immigration-reform"
CHANGELIST = reverse("admin:signon_signature_changelist")


@pytest.fixture(autouse=True, scope="session")
def _suite_runs_on_postgresql(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "the suite must run against PostgreSQL"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counts do not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_page_cache(settings):
    """No cached page survives from one test to the next (rolled-back rows send no signal).

    The cache stays on, but checks the database on every request, so a test that
    changes rows with ``update()`` still sees its change; the performance tests
    set the production window themselves.
    """
    settings.PAGE_CACHE_SECONDS = 0
    page_cache.clear()
    yield
    page_cache.clear()


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


@pytest.fixture
def staff_client(staff) -> Client:
    """A client of its own, logged in as ``staff``: a test can use ``client`` beside it."""
    staff_client = Client()
    staff_client.force_login(staff)
    return staff_client


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
    client.force_login(reviewer)
    return client


def decide_url(signature, status: str) -> str:
    return reverse("admin:signon_signature_decide", args=[signature.pk, status])


def history_url(signature) -> str:
    return reverse("admin:signon_signature_history", args=[signature.pk])


@pytest.fixture
def letter(db) -> Letter:
    """The seed letter, loaded by the data migration, open for signatures."""
    return Letter.objects.get(slug=SEED_SLUG)


def make_signature(letter: Letter, **fields) -> Signature:
    """A signature with plausible values; any field can be overridden."""
    values = {
        "mayor_first_name": "Ada",
        "mayor_last_name": "Lovelace",
        "city": "Springfield",
        "state": "IL",
        "contact_first_name": "Chris",
        "contact_last_name": "Aide",
        "contact_email": "chris.aide@springfield.il.gov",
        "contact_phone": "+12175550143",
        **fields,
    }
    return Signature.objects.create(letter=letter, **values)


def approved_signature(letter: Letter, **fields) -> Signature:
    """An approved signature, listed publicly from now."""
    return make_signature(
        letter, status=Signature.Status.APPROVED, approved_at=timezone.now(), **fields
    )


def form_data(**fields) -> dict:
    """A valid sign-on POST body; override any field."""
    return {
        "mayor_first_name": "Ada",
        "mayor_last_name": "Lovelace",
        "city": "Springfield",
        "state": "IL",
        "contact_first_name": "Chris",
        "contact_last_name": "Aide",
        "contact_email": "chris.aide@springfield.il.gov",
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
