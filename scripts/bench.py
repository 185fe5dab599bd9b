"""`make bench`: the performance issue's whole target table at 1,400 and 20,000 signatories.

For each size N it seeds a letter with N approved signatories (realistic names,
generated deterministically), saves the letter page's bytes as a static file
served by the same gunicorn + WhiteNoise stack, starts two gunicorn instances
with production settings (one with the page cache, one with it off for the
cold render), and measures with wrk on loopback, alternating the pages round
by round: the warm page, an unknown query parameter, a fresh search each
request, rotating state filters, the cold render, the print view and both
downloads, and the page through nginx. Then sign-ons through both instances at
once, the admin changelist, each worker's memory, and a mixed run (90% page
views, 5% searches, 5% sign-ons), and Lighthouse on the warm instance
(scripts/bench_lighthouse.py). One table per N, each row with its target and
whether it is met.

Run through `scripts/bench` (it starts PostgreSQL and sets the environment):

    make bench                      # N = 1400, 20000 (about 10 minutes, Lighthouse 2-3 more)
    BENCH_SIZES=1400 BENCH_ROUNDS=1 BENCH_SECONDS=2 BENCH_MIXED_SECONDS=10 make bench  # quick
    BENCH_SECONDS=10 BENCH_ROUNDS=5 make bench                                        # steadier
"""

import http.client
import io
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_lighthouse  # noqa: E402  (beside this file)

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1400,20000").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "30"))
# Sign-ons per second through two instances before the performance issue (BENCHMARKS.md,
# quiet machine, a fresh form per sign-on): the target is twice this.
SIGNON_BASELINE = float(os.environ.get("BENCH_SIGNON_BASELINE", "80"))
ADMIN_SEARCH_TARGET_MS = 30
WORKERS = os.environ.get("BENCH_WORKERS", "3")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
SIGNONS = int(os.environ.get("BENCH_SIGNONS", "800"))
LIGHTHOUSE = os.environ.get("BENCH_LIGHTHOUSE", "1") != "0"
LIGHTHOUSE_RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "3"))
ACCEPT = "br, gzip"
SLUG = "immigration-reform"
PAGE = f"/letters/{SLUG}/"
STATIC_DIR = ROOT / "staticfiles" / "bench"
# A throwaway staff account in the bench database only.
ADMIN_PASSWORD = "bench-only-password"  # noqa: S105

NGINX_STATIC = "nginx: static file"
NGINX_PAGE = "nginx: letter page"
# Each row is compared with the static file served by the same front: gunicorn
# + WhiteNoise for the app's rows, nginx (deploy/nginx.conf, HTTPS) for nginx's.
REFERENCE = {NGINX_STATIC: NGINX_STATIC, NGINX_PAGE: NGINX_STATIC}
# The issues' targets, as ratios to that reference in the same run (issue 17's table;
# the nginx row is issue 12's).
TARGETS = {
    "letter page, warm": {1400: 1.00, 20000: 0.90},
    "unknown parameter ?x=random": {1400: 0.90, 20000: 0.80},
    "search ?q=, fresh each time": {1400: 0.30, 20000: 0.10},
    "state filter, rotating": {1400: 0.50, 20000: 0.25},
    "letter page, cold render": {1400: 0.12, 20000: 0.03},
    "print view": {1400: 0.80, 20000: 0.60},
    "CSV download": {1400: 0.80, 20000: 0.60},
    "JSON download": {1400: 0.80, 20000: 0.60},
    NGINX_PAGE: {100: 0.5, 1400: 0.5, 20000: 0.5},
}
STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()

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
    from places import normalize
    from places.states import State
    from signon.models import Signature

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
    # As autovacuum leaves a table in production: the rows deleted above (the last
    # run's, up to 20,000) no longer lengthen every scan, and the planner has figures.
    # Without it the state stamps' scan at 1,400 names took 2.7 ms instead of 0.7.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE signon_signature")


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


def render_costs(n: int) -> str:
    """A cold render in-process (median of 7): from scratch, after a change in one state
    (that state's rows read again, the others held: what follows a staff decision), and
    with every state held. The page cache is emptied before each."""
    from django.test import Client

    from signon import list_parts, page_cache

    client = Client(HTTP_ACCEPT_ENCODING="br, gzip")

    def forget_texas() -> None:
        for parts in list_parts._parts.values():
            parts.pop("TX", None)

    def median_ms(before) -> float:
        times = []
        for _ in range(7):
            page_cache.clear()
            before()
            start = time.perf_counter()
            assert client.get(PAGE).status_code == 200
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    scratch = median_ms(list_parts.clear)
    one_state = median_ms(forget_texas)
    held = median_ms(lambda: None)
    return (
        f"cold render at {n:,}, in-process (median of 7): from scratch {scratch:.1f} ms; after "
        f"a change in one state (Texas read again, the rest held) {one_state:.1f} ms; every "
        f"state held {held:.1f} ms"
    )


def map_cost(n: int, body: bytes) -> str:
    """What the state map adds to the page: its bytes, and its drawing time beside a
    cold render's (in-process, median of 7; the map is cached with the page)."""
    import gzip

    from django.template.loader import render_to_string
    from django.test import Client

    from letters.models import Letter
    from signon import list_parts, page_cache
    from signon.public_list import LIST_FIELDS, group_by_state, public_rows
    from signon.state_map import StateMap

    letter = Letter.objects.get(slug=SLUG)
    groups = group_by_state(public_rows(letter, fields=LIST_FIELDS))

    def draw() -> str:
        counts = {group.code: len(group.signatories) for group in groups}
        state_map = StateMap(counts)
        return render_to_string("signon/state_map.html", {"state_map": state_map})

    def median_ms(work) -> float:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            work()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    def render_page() -> None:
        page_cache.clear()
        list_parts.clear()
        Client().get(PAGE)

    markup = draw().encode()
    map_ms, page_ms = median_ms(draw), median_ms(render_page)
    return (
        f"state map at {n:,}: {len(markup) / 1024:,.1f} KB of the {len(body) / 1024:,.0f} KB "
        f"page ({100 * len(markup) / len(body):.1f}%; gzip {len(gzip.compress(markup)) / 1024:.1f}"
        f" KB), drawn in {map_ms:.2f} ms of a {page_ms:.0f} ms cold render "
        f"({100 * map_ms / page_ms:.1f}%); page without it {(len(body) - len(markup)) / 1024:,.0f}"
        f" KB, about {page_ms - map_ms:.0f} ms"
    )


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

    def worker_rss(self) -> list[int]:
        """Each worker's resident memory, in bytes (from /proc, Linux only)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024)
        return sorted(sizes)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def connect(base: int | str, timeout: float = 120) -> http.client.HTTPConnection:
    """A connection to a gunicorn port, or to a base URL (https:// through nginx)."""
    if isinstance(base, int):
        return http.client.HTTPConnection("127.0.0.1", base, timeout=timeout)
    scheme, host, port = re.fullmatch(r"(https?)://([^:/]+):(\d+)", base).groups()
    if scheme == "https":
        # The bench's own self-signed certificate, made by nginx_server a moment ago.
        context = ssl._create_unverified_context()  # noqa: S323
        return http.client.HTTPSConnection(host, int(port), timeout=timeout, context=context)
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def url(base: int | str, path: str) -> str:
    return f"http://127.0.0.1:{base}{path}" if isinstance(base, int) else base + path


def get(port: int | str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = connect(port)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


# wrk scripts for the rows whose path changes with each request. wrk's Lua state
# is per thread: each thread seeds its own generator, so the two threads differ.
LUA = {
    # A fresh search each request: a first-name prefix and a city-stem prefix
    # (2-4 letters each), so almost every term is new and some still match.
    "search": """
local first = {%(first)s}
local stems = {%(stems)s}
local n = 0
function setup(thread) n = n + 1; thread:set("id", n) end
function init(args) math.randomseed(os.time() * 1000 + id) end
local function prefix(words)
  local word = words[math.random(#words)]
  return string.sub(word, 1, math.random(2, 4))
end
function request()
  return wrk.format(nil, "%(page)s?q=" .. prefix(first) .. "+" .. prefix(stems))
end
""",
    # Every state in turn, from a random start per thread.
    "state": """
local states = {%(states)s}
local n = 0
function setup(thread) n = n + 1; thread:set("id", n) end
local i = 0
function init(args) math.randomseed(os.time() * 1000 + id); i = math.random(#states) end
function request()
  i = i %% #states + 1
  return wrk.format(nil, "%(page)s?state=" .. states[i])
end
""",
    # A random unknown parameter: a cache-busting attempt.
    "unknown": """
local n = 0
function setup(thread) n = n + 1; thread:set("id", n) end
function init(args) math.randomseed(os.time() * 1000 + id) end
function request()
  return wrk.format(nil, "%(page)s?x=" .. math.random(1, 1000000000))
end
""",
}
SCRIPT_DIR = Path(tempfile.mkdtemp(prefix="bench-lua-"))


def lua_script(name: str) -> str:
    def words(items):
        return ", ".join(f'"{w.lower()}"' for w in items if w.isascii() and w.isalpha())

    path = SCRIPT_DIR / f"{name}.lua"
    if not path.exists():
        path.write_text(LUA[name] % {
            "first": words(FIRST), "stems": words(CITY_STEMS), "page": PAGE,
            "states": ", ".join(f'"{code}"' for code in STATES),
        })  # fmt: skip
    return str(path)


def wrk(port: int | str, path: str, seconds: int) -> dict:
    script = []
    if path.startswith("lua:"):
        script, path = ["-s", lua_script(path[4:])], PAGE
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "30s",
         *script, "-H", f"Accept-Encoding: {ACCEPT}", url(port, path)],
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


# What the size columns show for a row whose path changes (one example of each).
SAMPLE_PATHS = {
    "lua:search": f"{PAGE}?q=ja+sp",
    "lua:state": f"{PAGE}?state=TX",
    "lua:unknown": f"{PAGE}?x=12345",
}


def sizes(port: int | str, path: str) -> tuple[int, int]:
    path = SAMPLE_PATHS.get(path, path)
    plain = get(port, path)
    packed = get(port, path, {"Accept-Encoding": ACCEPT})
    assert plain[0] == packed[0] == 200, (plain[0], packed[0])
    assert packed[1].get("Content-Encoding") in ("br", "gzip"), packed[1]
    return len(plain[2]), len(packed[2])


def measure_pages(targets: dict[str, tuple[int | str, str]]) -> dict[str, list[dict]]:
    """Each page in turn, round after round, the order rotating so none always goes first."""
    # Warm every worker (and its cache) before counting: at 20,000 names a first
    # render takes seconds on a busy machine, and each worker renders its own copy.
    warm_seconds = 1 + max(SIZES) // 4000
    for port, path in targets.values():
        wrk(port, path, warm_seconds)
    results: dict[str, list[dict]] = {name: [] for name in targets}
    names = list(targets)
    for r in range(ROUNDS):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            port, path = targets[name]
            results[name].append(wrk(port, path, SECONDS))
    return results


def form_fields(port: int | str) -> tuple[str, dict]:
    """What a browser would send besides the visible fields: the CSRF cookie and hidden inputs."""
    status, headers, body = get(port, f"/letters/{SLUG}/sign/")
    assert status == 200, status
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    hidden = dict(HIDDEN_INPUT.findall(body.decode()))
    return cookie, hidden


HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def signon_load(ports: list[int | str], n: int, exclude: set[str] = frozenset()) -> dict:
    """n sign-ons for distinct cities, from 8 clients, alternating between the given bases.

    Two gunicorn ports (each client posts to one of them), or one nginx URL in
    front of both. Cities in ``exclude`` (signed in an earlier load) are skipped.
    """
    rng = random.Random(7)
    cities = []
    for stem in CITY_STEMS:
        for tail in SIGNON_TAILS:
            for prefix in CITY_PREFIXES[3:]:
                cities.append((f"{prefix}{stem}{tail}", rng.choice(["TX", "OH", "CA", "PA"])))
    cities = sorted(pair for pair in set(cities) if pair[0] not in exclude)[:n]
    clients = 8
    statuses: list[int] = []
    lock = threading.Lock()

    def run(worker: int) -> None:
        port = ports[worker % len(ports)]
        for city, state in cities[worker::clients]:
            # A fresh form each time, as a browser loads it: a form's stamp is good for one
            # sign-on (a reused one gets the same thanks page, and nothing is saved).
            try:
                status = post_sign_on(port, city, state)
            except OSError:
                status = 0
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
    signed = {city for city, _state in cities}
    rows = Signature.objects.filter(status=Signature.Status.PENDING, city__in=signed).count()
    return {
        "posted": len(statuses),
        "successes": successes,
        "rows": rows,
        "server_errors": sum(1 for s in statuses if s >= 500 or s == 0),
        "per_second": successes / elapsed,
        "cities": signed,
        "statuses": sorted(set(statuses)),
    }


# Cities the mixed run signs: no seeded or sign-on-load tail ends like these.
MIXED_TAILS = ("wold", "fell", "combe", "hurst", "shaw", "thwaite")


def _mixed_client(args: tuple) -> dict:
    """One client of the mixed run (a process of its own, so the load is not one GIL's)."""
    port, seconds, seed_, cities = args
    rng = random.Random(seed_)
    first = [w.lower() for w in FIRST if w.isascii()]
    stems = [w.lower() for w in CITY_STEMS]
    latencies, counts, statuses = [], {"view": 0, "search": 0, "signon": 0}, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        roll = rng.random()
        started = time.monotonic()
        try:
            if roll < 0.90:
                kind, status = "view", get(port, PAGE, {"Accept-Encoding": ACCEPT})[0]
            elif roll < 0.95 or not cities:
                term = f"{rng.choice(first)[: rng.randint(2, 4)]}+{rng.choice(stems)[:3]}"
                kind = "search"
                status = get(port, f"{PAGE}?q={term}", {"Accept-Encoding": ACCEPT})[0]
            else:
                kind, (city, state) = "signon", cities.pop()
                status = post_sign_on(port, city, state)
                statuses.append(status)
        except OSError:
            kind, status = "failed", 0
        latencies.append((time.monotonic() - started) * 1000)
        counts[kind] = counts.get(kind, 0) + 1
        if status == 0 or status >= 500:
            counts["errors"] = counts.get("errors", 0) + 1
    return {"latencies": latencies, "counts": counts, "signon_statuses": statuses}


def mixed_load(port: int, seconds: int) -> dict:
    """90% page views, 5% fresh searches, 5% sign-ons (form load + post), from 8 clients."""
    clients = int(CONNECTIONS)
    cities = sorted({
        (f"{prefix}{stem}{tail}", state)
        for stem in CITY_STEMS for tail in MIXED_TAILS for prefix in CITY_PREFIXES[3:]
        for state in ("NM",)
    })  # fmt: skip
    jobs = [(port, seconds, i, cities[i::clients]) for i in range(clients)]
    from django.db import connections

    connections.close_all()  # no open connection is shared with the forked clients
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        parts = pool.map(_mixed_client, jobs)
    elapsed = time.monotonic() - started
    latencies = sorted(ms for part in parts for ms in part["latencies"])
    counts: dict[str, int] = {}
    for part in parts:
        for kind, number in part["counts"].items():
            counts[kind] = counts.get(kind, 0) + number
    signon_statuses = [status for part in parts for status in part["signon_statuses"]]

    from django.db.models import Q

    from signon.models import Signature

    mixed_cities = Q()
    for tail in MIXED_TAILS:
        mixed_cities |= Q(city__endswith=tail)
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99)] if latencies else 0,
        "counts": counts,
        "successes": signon_statuses.count(302),
        "rows": Signature.objects.filter(mixed_cities, state="NM").count(),
    }


def post_sign_on(port: int | str, city: str, state: str) -> int:
    """Load the form (its CSRF cookie and hidden fields) and post one sign-on, as a browser.

    A made-up city close to a real one gets "Did you mean …?" once (the places are
    loaded, as deployed); the person keeps what they typed and sends the form again.
    """
    cookie, hidden = form_fields(port)
    for _attempt in range(2):
        body = urllib.parse.urlencode({
            **hidden, "mayor_first_name": "Alex", "mayor_last_name": "Rivera",
            "city": city, "state": state, "contact_first_name": "Sam",
            "contact_last_name": "Lee", "contact_email": "sam.lee@example.gov",
            "contact_phone": "(202) 555-0143",
        })  # fmt: skip
        conn = connect(port, timeout=60)
        try:
            conn.request("POST", f"/letters/{SLUG}/sign/", body, {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                # Over HTTPS, Django's CSRF check wants a same-origin Referer.
                "Referer": url(port, f"/letters/{SLUG}/sign/"),
            })  # fmt: skip
            response = conn.getresponse()
            page = response.read().decode()
        finally:
            conn.close()
        if response.status != 200 or "Did you mean" not in page:
            break
        hidden = dict(HIDDEN_INPUT.findall(page))
    return response.status


def admin_timings(port: int) -> dict[str, float]:
    """Median time of the signature changelist (and a filter, a search) as staff see it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    # Staff reach the desk with a password and a second factor: a session marked
    # verified, in the shared database, as the suite's admin tests make one.
    from tests.conftest import log_in_with_device

    desk = log_in_with_device(Client(), get_user_model().objects.get(username="bench"))
    cookies = {"Cookie": f"sessionid={desk.cookies['sessionid'].value}"}
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


def table(
    n: int, byte_sizes: dict, results: dict, signons: dict, nginx_signons: dict, admin: dict,
    memory: dict, mixed: dict, lighthouse: list[str],
) -> str:  # fmt: skip
    def median_rps(name: str) -> float:
        return statistics.median(r["rps"] for r in results[name])

    def ratio(name: str) -> float:
        return median_rps(name) / median_rps(REFERENCE.get(name, "static file"))

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    lines = [
        f"N = {n:,} approved signatories  ({ROUNDS} alternating rounds of {SECONDS} s; "
        f"wrk -t2 -c{CONNECTIONS}, Accept-Encoding: {ACCEPT}; gunicorn {WORKERS} sync workers; "
        "nginx rows over HTTPS/1.1 through deploy/nginx.conf, compared with nginx's static file)",
        f"{'what':<30}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'bytes':>11}{'sent':>9}"
        f"{'vs static':>10}{'target':>8}  {'':<8}{'errors':>6}",
    ]
    for name, runs in results.items():
        plain, packed = byte_sizes[name]
        floor = TARGETS.get(name, {}).get(n)
        target = f">={floor:.0%}" if floor is not None else ""
        met = verdict(ratio(name) >= floor) if floor is not None else ""
        lines.append(
            f"{name:<30}{median_rps(name):>8,.0f}{statistics.median(r['p50'] for r in runs):>8.1f}"
            f"{statistics.median(r['p99'] for r in runs):>8.1f}{plain:>11,}{packed:>9,}"
            f"{ratio(name):>10.1%}{target:>8}  {met:<8}{sum(r['bad'] for r in runs):>6}"
        )
    for label, load in (("2 instances", signons), ("nginx, 2 nodes", nginx_signons)):
        if load is None:
            continue
        line = (
            f"sign-ons, {label}: {load['per_second']:,.0f}/s; "
            f"{load['successes']} of {load['posted']} succeeded; rows {load['rows']} "
            f"({'==' if load['rows'] == load['successes'] else '!='} successes); "
            f"5xx/failed: {load['server_errors']}; statuses {load['statuses']}"
        )
        if label == "2 instances":
            floor = 2 * SIGNON_BASELINE
            line += f"; target >= {floor:,.0f}/s (2x {SIGNON_BASELINE:,.0f}): "
            line += verdict(load["per_second"] >= floor)
        lines.append(line)
    search = admin["search 'Smith'"]
    lines.append(
        "admin changelist (median of 7): "
        + "; ".join(f"{label} {ms:,.0f} ms" for label, ms in admin.items())
        + f"; target search <= {ADMIN_SEARCH_TARGET_MS} ms: "
        + verdict(search <= ADMIN_SEARCH_TARGET_MS)
    )
    for instance, sizes_ in memory.items():
        lines.append(
            f"worker RSS after the run, {instance}: "
            + ", ".join(f"{size / 2**20:,.0f} MB" for size in sizes_)
        )
    if mixed is not None:
        counts = mixed["counts"]
        lines.append(
            f"mixed run ({MIXED_SECONDS} s, 8 clients, warm instance; 90% views, 5% fresh "
            f"searches, 5% sign-ons as form load + post): {mixed['per_second']:,.0f} req/s, "
            f"p50 {mixed['p50']:.1f} ms, p99 {mixed['p99']:.1f} ms; views {counts['view']}, "
            f"searches {counts['search']}, sign-ons {counts['signon']}: {mixed['successes']} "
            f"succeeded, rows {mixed['rows']} "
            f"({'==' if mixed['rows'] == mixed['successes'] else '!='} successes); "
            f"5xx/failed: {counts.get('errors', 0)}"
        )
    lines.extend(lighthouse)
    return "\n".join(lines)


def lighthouse_lines(port: int, n: int) -> list[str]:
    """Lighthouse on the warm instance, after the wrk rounds: the letter page at every N,
    the sign form where the issue sets it a target (1,400)."""
    if not LIGHTHOUSE:
        return ["Lighthouse (mobile): skipped (BENCH_LIGHTHOUSE=0)"]
    if not bench_lighthouse.CLI.exists() or not bench_lighthouse.chrome_path():
        return ["Lighthouse (mobile): not run (no CLI or Chromium: scripts/bench installs it)"]
    pages = {"letter page": PAGE}
    if n in bench_lighthouse.TARGETS["sign form"]:
        pages["sign form"] = f"/letters/{SLUG}/sign/"
    lines = []
    for page, path in pages.items():
        log(f"Lighthouse, {page}, {LIGHTHOUSE_RUNS} runs…")
        reports = [bench_lighthouse.run(url(port, path)) for _ in range(LIGHTHOUSE_RUNS)]
        lines.append(bench_lighthouse.line(page, n, bench_lighthouse.summarize(reports)))
    return lines


def main() -> None:
    setup_django()
    # nginx as the suite runs it: deploy/nginx.conf, a self-signed certificate.
    from django.core.management import call_command

    from tests.servers import nginx_server

    call_command("migrate", verbosity=0)
    # The places `make run` loads: each sign-on is matched against them, as deployed.
    call_command("load_places", stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_admin()
    shutil.rmtree(STATIC_DIR, ignore_errors=True)
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    load = os.getloadavg()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"Machine: {os.cpu_count()} cores, {cpu}; load generator on the same machine; "
        f"load average at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
        f"({'busy' if load[1] > 1.5 else 'quiet'}); {when}.\n"
    )
    for n in SIZES:
        log(f"seeding {n:,} signatories…")
        seed(n)
        body = page_bytes()
        static_path = write_static(n, body)
        cost_of_map = map_cost(n, body)
        costs_of_render = render_costs(n)
        warm = Gunicorn("warm")
        cold = Gunicorn("cold", PAGE_CACHE="false")
        # A second node as deployed, for the sign-ons through two instances (the cold
        # instance is not as deployed: without the page cache its form is rendered anew).
        node2 = Gunicorn("node2")
        nodes = [f"http://127.0.0.1:{warm.port}", f"http://127.0.0.1:{node2.port}"]
        download = f"/letters/{SLUG}/signatories"
        try:
            with (
                tempfile.TemporaryDirectory(prefix="bench-nginx-") as pages_dir,
                tempfile.TemporaryDirectory(prefix="bench-nginx-") as nodes_dir,
                nginx_server(Path(pages_dir), nodes[:1]) as front,
                nginx_server(Path(nodes_dir), nodes) as front_of_two,
            ):
                targets = {
                    "static file": (warm.port, static_path),
                    "letter page, warm": (warm.port, PAGE),
                    "unknown parameter ?x=random": (warm.port, "lua:unknown"),
                    "search ?q=, fresh each time": (warm.port, "lua:search"),
                    "state filter, rotating": (warm.port, "lua:state"),
                    "letter page, cold render": (cold.port, PAGE),
                    "print view": (warm.port, f"{PAGE}print/"),
                    "CSV download": (warm.port, f"{download}.csv"),
                    "JSON download": (warm.port, f"{download}.json"),
                    NGINX_STATIC: (front.url, static_path),
                    NGINX_PAGE: (front.url, PAGE),
                }
                byte_sizes = {name: sizes(port, path) for name, (port, path) in targets.items()}
                log(f"measuring {n:,}…")
                results = measure_pages(targets)
                log("sign-ons under load…")
                signons = signon_load([warm.port, node2.port], SIGNONS)
                nginx_signons = None
                if os.environ.get("BENCH_NGINX_SIGNONS", "1") != "0":
                    log("sign-ons through nginx in front of two nodes…")
                    nginx_signons = signon_load([front_of_two.url], SIGNONS, signons["cities"])
                admin = admin_timings(warm.port)
                mixed = None
                if MIXED_SECONDS > 0:
                    log(f"mixed run, {MIXED_SECONDS} s…")
                    mixed = mixed_load(warm.port, MIXED_SECONDS)
                memory = {"warm": warm.worker_rss(), "cold (cache off)": cold.worker_rss()}
                lighthouse = lighthouse_lines(warm.port, n)
        finally:
            warm.stop()
            cold.stop()
            node2.stop()
        print(
            table(n, byte_sizes, results, signons, nginx_signons, admin, memory, mixed, lighthouse),
            "\n",
            flush=True,
        )
        print(cost_of_map, "\n", flush=True)
        print(costs_of_render, "\n", flush=True)
    shutil.rmtree(STATIC_DIR, ignore_errors=True)
    shutil.rmtree(SCRIPT_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
