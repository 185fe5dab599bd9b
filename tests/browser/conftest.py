"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The live server runs in a thread of this process on the PostgreSQL test database.
These tests are transactional (the server's thread must see their rows), so the
tables are emptied after each one, and the seed letter, which a data migration
loads, is loaded again before each.
"""

import importlib
import os
from collections.abc import Iterator

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page

from letters.models import Letter
from places import normalize
from places.states import State
from signon.models import Signature

# Playwright's sync API runs an event loop in this thread; Django would refuse
# the tests' own database calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Every test here is a browser test on a live server.
BROWSER_TEST = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, after pytest-django has put the database tests in order.

    Once Playwright's event loop runs in this process, Django hands the main thread
    another database connection object, without the contents that
    ``serialized_rollback`` restores; a serialized test after them would miss the seed.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


_seed_migration = importlib.import_module("letters.migrations.0002_seed_letter")


@pytest.fixture(autouse=True)
def _seed_letter(transactional_db) -> None:
    # serialized_rollback cannot bring it back here: Playwright's event loop gives
    # the test another database connection object than the one Django serialized on.
    _seed_migration.load_seed_letter(django_apps, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the system's Chromium, not a browser build Playwright would download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _plain_static_names(settings) -> None:
    # The live server answers /static/ itself, from the apps' static folders
    # (Django's StaticFilesHandler), where the manifest's hashed names do not exist.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Pages open on the live server (and this replaces pytest-playwright's own
    ``base_url`` fixture, which pytest 9.2 warns about)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def site(base_url) -> str:
    """The live server's root URL, without a trailing slash."""
    return base_url


@pytest.fixture
def no_js_page(browser, site) -> Iterator[Page]:
    """A page in a browser context with JavaScript turned off."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    yield context.new_page()
    context.close()


FIRST_NAMES = ["Ana", "Brandon", "Carmen", "David", "Elena", "Frank", "Grace", "Hector", "Irene",
               "James", "Keisha", "Luis", "María", "Nathan", "Olivia", "Pedro", "Quinn", "Rosa",
               "Samuel", "Teresa", "Victor", "Wendy", "Xavier", "Yolanda", "Zoë"]  # fmt: skip
LAST_NAMES = ["Adams", "Bautista", "Chen", "Dubois", "Evans", "Fernández", "García", "Harris",
              "Ibáñez", "Johnson", "Kowalski", "Lee", "Martínez", "Nguyen", "O’Connor", "Patel",
              "Quintero", "Robinson", "Smith", "Thompson", "Underwood", "Vásquez", "Washington",
              "Young", "Zimmerman"]  # fmt: skip
PLACES = ["Springfield", "Franklin", "Greenville", "Fairview", "Salem", "Madison", "Georgetown",
          "Arlington", "Ashland", "Clinton", "Riverside", "Oakland", "Milton", "Bristol",
          "Chester", "Dover", "Jackson", "Marion", "Newport", "Oxford"]  # fmt: skip
PREFIXES = ["", "North ", "East ", "West ", "Lake ", "Port "]


def add_signatories(letter: Letter, count: int) -> list[Signature]:
    """``count`` approved signatories with plausible names, spread over the states."""
    states = list(State.values)
    signatures = []
    for i in range(count):
        city = f"{PREFIXES[i // 56 % len(PREFIXES)]}{PLACES[i % len(PLACES)]}"
        state = states[i % len(states)]
        signatures.append(
            Signature(
                letter=letter,
                mayor_first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                mayor_last_name=LAST_NAMES[i * 7 % len(LAST_NAMES)],
                city=city,
                state=state,
                contact_first_name="Private",
                contact_last_name="Person",
                contact_email=f"contact{i}@city.example.gov",
                contact_phone="+12025550143",
                # bulk_create does not call save(), which keeps this key in step.
                office_key=normalize.office_key(city, state),
                status=Signature.Status.APPROVED,
                approved_at=timezone.now(),
            )
        )
    return Signature.objects.bulk_create(signatures)


def public_name(signature: Signature) -> str:
    """A signatory as every public page writes them."""
    s = signature
    return f"Mayor {s.mayor_first_name} {s.mayor_last_name}, {s.city}, {s.state}"
