"""Time the staff changelist with 20,000 signatures on PostgreSQL (a measurement, not a test).

    DATABASE_URL=$(scripts/testdb | sed 's#/signon$#/signon_measure#') \
        .venv/bin/python scripts/measure_review_changelist.py

Creates the database if needed, loads the places, fills it with 20,000 signatures (the
benchmark's names and states; confirmed and unconfirmed contacts, .gov and other domains,
duplicate cities and contacts who sent several cities), then prints the median response
time (wall and CPU, of 15 requests) and query count of the
changelist for the filters staff use (the registered admin, outreach's, through a
session that passed the second factor, as staff reach it). MEASURE_ONLY=Smith times
one case; MEASURE_PROFILE=1 adds a cProfile of one request; MEASURE_SQL=1 its queries.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "measure-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS_ONLY", "false")  # the test client speaks plain HTTP
# A local measurement: memory cache, console mail, a local SITE_URL and no
# conference address, on purpose.
os.environ.setdefault(
    "ALLOW_UNSAFE_SETTINGS", "memory-cache,console-mail,local-site-url,no-contact-address"
)
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

ROWS = 20_000
# Requests per case; the median is printed.
REPEAT = int(os.environ.get("MEASURE_REPEAT", "15"))


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
    # The benchmark's names, cities and states (scripts/bench.py), so a search for
    # 'Smith' and a page's spread of states are the ones `make bench` times.
    import bench
    from django.db import connection
    from django.utils import timezone

    from letters.models import Letter
    from places import normalize
    from signon.models import OfficialDomain, Signature

    letter = Letter.objects.get(slug="immigration-reform")
    Signature.objects.all().delete()
    OfficialDomain.objects.all().delete()
    now = timezone.now()
    rng = random.Random(ROWS)
    rows, seen = [], set()
    while len(rows) < ROWS:
        i = len(rows)
        duplicate = i % 20 == 0 and i > 0  # every 20th row repeats the previous city
        if duplicate:
            city, state = rows[-1].city, rows[-1].state
        else:
            state = rng.choice(bench.STATES)
            city = (
                rng.choice(bench.CITY_PREFIXES) + rng.choice(bench.CITY_STEMS)
                + rng.choice(bench.CITY_TAILS)
            )  # fmt: skip
            if (city, state) in seen:
                continue
            seen.add((city, state))
        domain = f"town{i}.gov" if i % 3 == 0 else ("gmail.com" if i % 3 == 1 else f"t{i}.org")
        last = rng.choice(bench.LAST)
        rows.append(
            Signature(
                letter=letter, mayor_first_name=rng.choice(bench.FIRST), mayor_last_name=last,
                city=city, state=state, office_key=normalize.office_key(city, state),
                contact_first_name="Sam", contact_last_name=last,
                # Some contacts send several cities: a conflict to flag.
                contact_email=f"aide{i % 5000}@{domain}", contact_phone="+12025550143",
                status="rejected" if duplicate else ("pending" if i % 4 else "approved"),
                email_confirmed_at=now if i % 2 else None,
            )
        )  # fmt: skip
    Signature.objects.bulk_create(rows, batch_size=2000)
    OfficialDomain.objects.bulk_create(
        OfficialDomain(domain=f"t{i}.org", city=rows[i].city, state=rows[i].state,
                       office_key=rows[i].office_key)
        for i in range(2, ROWS, 30)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure() -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    # Staff reach the desk with a second factor: a session marked verified, as the
    # suite's admin tests (and the benchmark) make one.
    from tests.conftest import log_in_with_device

    user, _ = User.objects.get_or_create(username="measure", defaults={"is_staff": True})
    user.is_superuser = user.is_staff = True
    user.save()
    client = log_in_with_device(Client(), user)
    url = reverse("admin:signon_signature_changelist")
    cases = {
        "all, first page": {},
        "approved in CA (the bench's)": {"status__exact": "approved", "state__exact": "CA"},
        "search 'Smith' (the bench's)": {"q": "Smith"},
        "pending, not confirmed": {"status__exact": "pending", "confirmed": "no"},
        "official domain": {"official": "yes"},
        "city submitted twice": {"conflict": "office"},
        "contact sent other cities": {"conflict": "contact"},
        "directory matches": {"directory": "match"},
        "page 100": {"p": "100"},
    }
    only = os.environ.get("MEASURE_ONLY")
    # Wall time, and this process's CPU time (steadier on a busy machine; it leaves
    # out PostgreSQL's own time).
    print(f"{'changelist':32} {'median ms':>9} {'cpu ms':>6} {'queries':>7} {'rows':>5}")
    for name, params in cases.items():
        if only and only not in name:
            continue
        timings, cpu = [], []
        for _ in range(REPEAT):
            start, start_cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, params)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
        # Rows counted in the page: the test environment's template instrumentation
        # (response.context) would add its own cost to every template drawn.
        shown = response.content.count(b'name="_selected_action"')
        print(
            f"{name:32} {statistics.median(timings):9.1f} {statistics.median(cpu):6.1f} "
            f"{len(queries):7d} {shown:5d}"
        )
        if os.environ.get("MEASURE_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(client.get, url, params)
            order = os.environ.get("MEASURE_SORT", "cumulative")
            pstats.Stats(profile).sort_stats(order).print_stats(35)
        if os.environ.get("MEASURE_SQL"):
            for query in queries.captured_queries:
                print(f"  {query['time']}  {query['sql'][:300]}")


def main() -> None:
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from places.models import Place
    from signon.models import Signature

    # The places, as production has them: the Matched place column reads them.
    if not Place.objects.exists():
        call_command("load_places", verbosity=0)
    # A database filled by an older version of this script (no benchmark names) is refilled.
    if Signature.objects.count() != ROWS or not Signature.objects.filter(mayor_last_name="Smith"):
        fill()
    print(f"{Signature.objects.count()} signatures on PostgreSQL")
    measure()


if __name__ == "__main__":
    main()
