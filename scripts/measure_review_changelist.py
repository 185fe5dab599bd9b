"""Time the staff changelist with 20,000 signatures on PostgreSQL (a measurement, not a test).

    DATABASE_URL=$(scripts/testdb | sed 's#/signon$#/signon_measure#') \
        .venv/bin/python scripts/measure_review_changelist.py

Creates the database if needed, fills it with 20,000 signatures (with confirmed and
unconfirmed contacts, .gov and other domains, duplicate cities and contacts who sent
several cities), then prints the median response time and query count of the
changelist for the filters staff use.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "measure-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# A local measurement: memory cache, console mail, a local SITE_URL and no
# conference address, on purpose.
os.environ.setdefault(
    "ALLOW_UNSAFE_SETTINGS", "memory-cache,console-mail,local-site-url,no-contact-address"
)
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

ROWS = 20_000


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port, user=parts.username, password=parts.password,
        dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def fill() -> None:
    from django.utils import timezone

    from letters.models import Letter
    from places import normalize
    from signon.models import OfficialDomain, Signature

    letter = Letter.objects.get(slug="immigration-reform")
    Signature.objects.all().delete()
    OfficialDomain.objects.all().delete()
    now = timezone.now()
    rows = []
    for i in range(ROWS):
        city, state = f"Town {i // 50:04d}-{i % 50}", "IL" if i % 2 else "TX"
        duplicate = i % 20 == 0 and i > 0  # every 20th row repeats the previous city
        if duplicate:
            city, state = rows[-1].city, rows[-1].state
        domain = f"town{i}.gov" if i % 3 == 0 else ("gmail.com" if i % 3 == 1 else f"t{i}.org")
        rows.append(
            Signature(
                letter=letter, mayor_first_name="Pat", mayor_last_name=f"Mayor{i}", city=city,
                state=state, office_key=normalize.office_key(city, state),
                contact_first_name="Sam", contact_last_name=f"Aide{i}",
                # Some contacts send several cities: a conflict to flag.
                contact_email=f"aide{i % 5000}@{domain}", contact_phone="+12025550143",
                status="rejected" if duplicate else ("pending" if i % 4 else "approved"),
                email_confirmed_at=now if i % 2 else None,
            )
        )  # fmt: skip
    Signature.objects.bulk_create(rows, batch_size=2000)
    OfficialDomain.objects.bulk_create(
        OfficialDomain(domain=f"t{i}.org", city=f"Town {i // 50:04d}-{i % 50}",
                       state="IL" if i % 2 else "TX",
                       office_key=normalize.office_key(f"Town {i // 50:04d}-{i % 50}",
                                                       "IL" if i % 2 else "TX"))
        for i in range(2, ROWS, 30)
    )  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure() -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # so responses carry their template context

    user, _ = User.objects.get_or_create(username="measure", defaults={"is_staff": True})
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    url = reverse("admin:signon_signature_changelist")
    cases = {
        "all, first page": {},
        "pending": {"status__exact": "pending"},
        "pending, not confirmed": {"status__exact": "pending", "confirmed": "no"},
        "official domain": {"official": "yes"},
        "city submitted twice": {"conflict": "office"},
        "contact sent other cities": {"conflict": "contact"},
        "search 'Mayor1999'": {"q": "Mayor1999"},
        "page 100": {"p": "100"},
    }
    print(f"{'changelist':32} {'median ms':>9} {'queries':>7} {'rows':>5}")
    for name, params in cases.items():
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, params)
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
        shown = len(response.context["cl"].result_list)
        print(f"{name:32} {statistics.median(timings):9.0f} {len(queries):7d} {shown:5d}")


def main() -> None:
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from signon.models import Signature

    if Signature.objects.count() != ROWS:
        fill()
    print(f"{Signature.objects.count()} signatures on PostgreSQL")
    measure()


if __name__ == "__main__":
    main()
