"""`make bench`: the letter page at 100, 1,400 and 20,000 signatories, beside a static file.

For each size N it seeds a letter with N approved signatories (realistic names,
generated deterministically), saves the letter page's bytes as a static file
served by the same gunicorn + WhiteNoise stack, starts two gunicorn instances
with production settings (one with the page cache, one with it off for the
cold render), and measures with wrk on loopback, alternating the three pages
round by round. Then sign-ons through both instances at once, and the admin
changelist. One table per N.

Run through `scripts/bench` (it starts PostgreSQL and sets the environment):

    make bench                      # N = 100, 1400, 20000
    BENCH_SIZES=1400 make bench     # one size
    BENCH_SECONDS=10 BENCH_ROUNDS=5 make bench
"""

import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,1400,20000").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WORKERS = os.environ.get("BENCH_WORKERS", "3")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
SIGNONS = int(os.environ.get("BENCH_SIGNONS", "400"))
ACCEPT = "br, gzip"
SLUG = "immigration-reform"
PAGE = f"/letters/{SLUG}/"
STATIC_DIR = ROOT / "staticfiles" / "bench"
# A throwaway staff account in the bench database only.
ADMIN_PASSWORD = "bench-only-password"  # noqa: S105

# The targets, as ratios to the static file in the same run.
TARGETS = {
    "letter page, warm": {1400: 0.75, 20000: 0.45},
    "letter page, cold render": {1400: 0.06},
}

FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily "
    "Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah "
    "Timothy Stephanie Ronald Dorothy Jason Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia "
    "Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Brenda Stephen Emma Larry "
    "Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin Katherine Samuel Christine "
    "Gregory Helen Alexander Debra Patrick Rachel Frank Carolyn Raymond Janet Jack Maria "
    "Dennis Catherine Jerry Heather Tyler Diane José Olivia Zoë Renée"
).split()
LAST = (
    "Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, "
    "Hernandez, Lopez, Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, "
    "Lee, Perez, Thompson, White, Harris, Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, "
    "Young, Allen, King, Wright, Scott, Torres, Nguyen, Hill, Flores, Green, Adams, Nelson, "
    "Baker, Hall, Rivera, Campbell, Mitchell, Carter, Roberts, Gomez, Phillips, Evans, "
    "Turner, Diaz, Parker, Edwards, Collins, Reyes, Stewart, Morris, Morales, Murphy, Cook, "
    "Rogers, Gutierrez, Ortiz, Morgan, Cooper, Peterson, Bailey, Reed, Kelly, Howard, Ramos, "
    "Kim, Cox, Ward, Richardson, Watson, Brooks, Chavez, Wood, James, Bennett, Gray, Mendoza, "
    "Ruiz, Hughes, Price, Alvarez, Castillo, Sanders, Patel, Myers, Long, Ross, Foster, "
    "Jiménez, Cruz, O'Brien, McAllister, Van Buren, De la Cruz, St. John"
).split(", ")
CITY_STEMS = (
    "Spring Oak Maple Cedar Pine Elm Ash Willow Fair Green Clear Silver Golden Red Stone Rock "
    "Sand Clay Iron Mill Lake River Brook Bay Port Glen Wood Ridge Hill Valley Bridge Fort "
    "Mount Saint Cherry Apple Rose Lily Bell Bloom Sunny Shady Pleasant Grand Little Big "
    "Union Liberty Franklin Madison Jackson Lincoln Clinton Washington Jefferson Monroe "
    "Marion Salem Auburn Dover Milton Ashland Riverside Georgetown Oxford Bristol Chester"
).split()
CITY_TAILS = (
    "field ville ton dale view wood port burg ford land side crest haven mont ridge brook "
    "springs falls city grove park heights hills lake point bay center creek"
).split()
CITY_PREFIXES = ["", "", "", "", "North ", "South ", "East ", "West ", "New ", "Lake ", "Port "]
# Sign-on cities under load: distinct from every seeded one (no seeded stem ends in "-gate").
SIGNON_TAILS = ("gate", "mere", "wick", "stead", "holm", "by", "thorpe", "ley")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup_django() -> None:
    import django

    django.setup()


def seed(n: int) -> None:
    """Exactly n approved signatories on the seed letter, the same ones on every run."""
    from django.db import connection
    from django.utils import timezone

    from letters.models import Letter
    from signon import normalize
    from signon.models import Signature
    from signon.states import State

    letter = Letter.objects.get(slug=SLUG)
    Signature.objects.all().delete()
    rng = random.Random(n)
    states = [code for code in State.values if code not in ("AS", "GU", "MP", "PR", "VI")]
    seen, batch = set(), []
    now = timezone.now()
    while len(batch) < n:
        state = rng.choice(states)
        city = rng.choice(CITY_PREFIXES) + rng.choice(CITY_STEMS) + rng.choice(CITY_TAILS)
        key = normalize.office_key(city, state)
        if key in seen:
            continue
        seen.add(key)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        batch.append(
            Signature(
                letter=letter,
                mayor_first_name=first,
                mayor_last_name=last,
                city=city,
                state=state,
                office_key=key,
                contact_first_name="Aide",
                contact_last_name=last,
                contact_email=f"clerk@{city.lower().replace(' ', '')}.gov",
                contact_phone="+12025550143",
                status=Signature.Status.APPROVED,
                approved_at=now,
            )
        )
    Signature.objects.bulk_create(batch, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE signon_signature")


def ensure_admin() -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench", "bench@example.org", ADMIN_PASSWORD)


def page_bytes() -> bytes:
    """The letter page as the app renders it right now (in-process, cache bypassed)."""
    from django.test import Client

    from signon import page_cache

    page_cache.clear()
    response = Client().get(PAGE)
    assert response.status_code == 200, response.status_code
    return response.content


def write_static(n: int, body: bytes) -> str:
    """The page's bytes as a static file, with the same encodings the cache sends."""
    from signon.page_cache import _encode

    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    path = STATIC_DIR / f"letter-{n}.html"
    path.write_bytes(body)
    (STATIC_DIR / f"letter-{n}.html.br").write_bytes(_encode("br", body))
    (STATIC_DIR / f"letter-{n}.html.gz").write_bytes(_encode("gzip", body))
    return f"/static/bench/letter-{n}.html"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, name: str, **env: str) -> None:
        self.port = free_port()
        self.log = open(ROOT / f".bench-{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", WORKERS,
             "--no-control-socket", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"gunicorn {name} did not start: see .bench-{name}.log")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(port: int, path: str, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "30s",
         "-H", f"Accept-Encoding: {ACCEPT}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "bad": 0,
    }
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?(\d+) timeout"):
        found = re.search(pattern, out)
        if found:
            result["bad"] += int(found.group(1))
    return result


def sizes(port: int, path: str) -> tuple[int, int]:
    plain = get(port, path)
    packed = get(port, path, {"Accept-Encoding": ACCEPT})
    assert plain[0] == packed[0] == 200, (plain[0], packed[0])
    assert packed[1].get("Content-Encoding") in ("br", "gzip"), packed[1]
    return len(plain[2]), len(packed[2])


def measure_pages(targets: dict[str, tuple[int, str]]) -> dict[str, list[dict]]:
    """Each page in turn, round after round, the order rotating so none always goes first."""
    for port, path in targets.values():
        wrk(port, path, 1)  # warm every worker (and its cache) before counting
    results: dict[str, list[dict]] = {name: [] for name in targets}
    names = list(targets)
    for r in range(ROUNDS):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            port, path = targets[name]
            results[name].append(wrk(port, path, SECONDS))
    return results


def form_fields(port: int) -> tuple[str, dict]:
    """What a browser would send besides the visible fields: the CSRF cookie and hidden inputs."""
    status, headers, body = get(port, f"/letters/{SLUG}/sign/")
    assert status == 200, status
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body.decode()))
    return cookie, hidden


def signon_load(ports: list[int], n: int) -> dict:
    """n sign-ons for distinct cities, from 8 clients, alternating between two instances."""
    rng = random.Random(7)
    cities = []
    for stem in CITY_STEMS:
        for tail in SIGNON_TAILS:
            for prefix in CITY_PREFIXES[3:]:
                cities.append((f"{prefix}{stem}{tail}", rng.choice(["TX", "OH", "CA", "PA"])))
    cities = sorted(set(cities))[:n]
    clients = 8
    statuses: list[int] = []
    lock = threading.Lock()

    def run(worker: int) -> None:
        port = ports[worker % len(ports)]
        cookie, hidden = form_fields(port)
        for city, state in cities[worker::clients]:
            body = urllib.parse.urlencode({
                **hidden, "mayor_first_name": "Alex", "mayor_last_name": "Rivera",
                "city": city, "state": state, "contact_first_name": "Sam",
                "contact_last_name": "Lee", "contact_email": "sam.lee@example.gov",
                "contact_phone": "(202) 555-0143",
            })  # fmt: skip
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("POST", f"/letters/{SLUG}/sign/", body, {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={cookie}",
                })  # fmt: skip
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                conn.close()
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    from signon.models import Signature

    successes = statuses.count(302)
    rows = Signature.objects.filter(status=Signature.Status.PENDING).count()
    return {
        "posted": len(statuses),
        "successes": successes,
        "rows": rows,
        "server_errors": sum(1 for s in statuses if s >= 500 or s == 0),
        "per_second": successes / elapsed,
    }


def admin_timings(port: int) -> dict[str, float]:
    """Median time of the signature changelist (and a filter, a search) as staff see it."""
    status, headers, body = get(port, "/admin/login/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/admin/login/",
        urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "bench",
                "password": ADMIN_PASSWORD,
                "next": "/admin/",
            }
        ),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    conn.close()
    cookies = {"Cookie": f"csrftoken={cookie}; sessionid={session}"}
    timings = {}
    base = "/admin/signon/signature/"
    for label, path in (
        ("changelist", base),
        ("filter status=approved, state=CA", f"{base}?status__exact=approved&state__exact=CA"),
        ("search 'Smith'", f"{base}?q=Smith"),
    ):
        samples = []
        for _ in range(7):
            started = time.monotonic()
            status, _, _ = get(port, path, cookies)
            samples.append((time.monotonic() - started) * 1000)
            assert status == 200, (path, status)
        timings[label] = statistics.median(samples)
    return timings


def table(n: int, byte_sizes: dict, results: dict, signons: dict, admin: dict) -> str:
    static_rps = statistics.median(r["rps"] for r in results["static file"])
    lines = [
        f"N = {n:,} approved signatories  ({ROUNDS} alternating rounds of {SECONDS} s; "
        f"wrk -t2 -c{CONNECTIONS}, Accept-Encoding: {ACCEPT}; gunicorn {WORKERS} sync workers)",
        f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bytes':>11}{'compressed':>11}"
        f"{'vs static':>11}{'errors':>8}",
    ]
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        plain, packed = byte_sizes[name]
        lines.append(
            f"{name:<26}{rps:>9,.0f}{statistics.median(r['p50'] for r in runs):>9.1f}"
            f"{statistics.median(r['p99'] for r in runs):>9.1f}{plain:>11,}{packed:>11,}"
            f"{rps / static_rps:>10.0%}{sum(r['bad'] for r in runs):>8}"
        )
    for name, sizes_and_floors in TARGETS.items():
        floor = sizes_and_floors.get(n)
        if floor is not None:
            ratio = statistics.median(r["rps"] for r in results[name]) / static_rps
            verdict = "met" if ratio >= floor else "NOT met"
            lines.append(f"target: {name} >= {floor:.0%} of static: {ratio:.0%}, {verdict}")
    lines.append(
        f"sign-on POST, 2 instances: {signons['per_second']:,.0f} sign-ons/s; "
        f"{signons['successes']} of {signons['posted']} succeeded; rows {signons['rows']} "
        f"({'==' if signons['rows'] == signons['successes'] else '!='} successes); "
        f"5xx/failed: {signons['server_errors']}"
    )
    lines.append(
        "admin changelist (median of 7): "
        + "; ".join(f"{label} {ms:,.0f} ms" for label, ms in admin.items())
    )
    return "\n".join(lines)


def main() -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_admin()
    shutil.rmtree(STATIC_DIR, ignore_errors=True)
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    print(f"Machine: {os.cpu_count()} cores, {cpu}; load generator on the same machine.\n")
    for n in SIZES:
        log(f"seeding {n:,} signatories…")
        seed(n)
        static_path = write_static(n, page_bytes())
        warm = Gunicorn("warm")
        cold = Gunicorn("cold", PAGE_CACHE="false")
        try:
            targets = {
                "static file": (warm.port, static_path),
                "letter page, warm": (warm.port, PAGE),
                "letter page, cold render": (cold.port, PAGE),
            }
            byte_sizes = {name: sizes(port, path) for name, (port, path) in targets.items()}
            log(f"measuring {n:,}…")
            results = measure_pages(targets)
            log("sign-ons under load…")
            signons = signon_load([warm.port, cold.port], SIGNONS)
            admin = admin_timings(warm.port)
        finally:
            warm.stop()
            cold.stop()
        print(table(n, byte_sizes, results, signons, admin), "\n", flush=True)
    shutil.rmtree(STATIC_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
