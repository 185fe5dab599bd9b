"""Two app nodes (separate gunicorn masters) behind nginx, sharing PostgreSQL and Redis.

As the README's Deploying section grows past one machine. Real processes on
their own clocks: this waits on wall-clock time.
"""

import contextlib
import shutil
import threading
import time

import pytest
from django.test import Client
from django.urls import reverse

from signon.models import Signature

from .conftest import CHANGELIST, form_data, log_in_with_device
from .servers import Browser, gunicorn_server, nginx_server

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})


@contextlib.contextmanager
def two_nodes_and_nginx(tmp_path, redis_url: str, **env: str | None):
    """Two gunicorn masters (two workers each), one PostgreSQL, ``redis_url``; nginx in front."""
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")
    env = {"HTTPS_ONLY": "false", "TRUSTED_PROXY_HOPS": "1", "SIGNON_MIN_FILL_SECONDS": "0",
           "SIGNON_RATE_LIMITS": "off", "CACHE_URL": redis_url, "CONN_MAX_AGE": "0",
           "PAGE_CACHE_SECONDS": None, **env}  # fmt: skip
    with (
        gunicorn_server(tmp_path, env, workers=2) as one,
        gunicorn_server(tmp_path, env, workers=2) as two,
        nginx_server(tmp_path, [one.url, two.url]) as proxy,
    ):
        yield one, two, proxy


@pytest.fixture
def two_nodes_behind_nginx(tmp_path, shared_redis_url):
    with two_nodes_and_nginx(tmp_path, shared_redis_url) as servers:
        yield servers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signed_on_one_node_approved_on_the_other_public_on_both_within_five_seconds(
    two_nodes_behind_nginx, staff
):
    one, two, proxy = two_nodes_behind_nginx
    assert one.process.pid != two.process.pid
    signed = Browser().post_form(one.url + SIGN_URL, form_data(mayor_first_name="Quinta"))
    assert signed.status == 302
    signature = Signature.objects.get(mayor_first_name="Quinta")

    desk = Client()
    # A verified staff session in the shared database, good on every node.
    log_in_with_device(desk, staff)
    reviewer = Browser(cookies={"sessionid": desk.cookies["sessionid"].value})
    approved = reviewer.post_form(
        two.url + CHANGELIST,
        {"action": "approve_selected", "_selected_action": str(signature.pk), "apply": "Approve"},
    )
    assert approved.status == 302, approved.text[:500]
    decided = time.monotonic()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED

    shown_on = set()
    while time.monotonic() - decided < 5 and len(shown_on) < 3:
        for name, url in (("one", one.url), ("two", two.url), ("nginx", proxy.url)):
            client = proxy.browser() if name == "nginx" else Browser()
            if "Mayor Quinta Lovelace, Springfield, IL" in client.get(url + LETTER_URL).text:
                shown_on.add(name)
        time.sleep(0.2)
    print(f"shown on {sorted(shown_on)} {time.monotonic() - decided:.1f} s after the approval")
    assert shown_on == {"one", "two", "nginx"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stopping_one_node_in_a_burst_of_sign_ons_loses_none_that_got_a_thanks_page(
    two_nodes_behind_nginx,
):
    one, _two, proxy = two_nodes_behind_nginx
    results: dict[str, int] = {}

    def sign(city: str) -> None:
        try:
            response = proxy.browser().post_form(proxy.url + SIGN_URL, form_data(city=city))
            results[city] = response.status
        except OSError:
            results[city] = 0

    cities = [f"Burst {i}" for i in range(40)]
    threads = [threading.Thread(target=sign, args=(city,)) for city in cities]
    started = time.monotonic()
    for n, thread in enumerate(threads):
        thread.start()
        if n == len(threads) // 2:
            one.process.terminate()  # a graceful stop mid-burst, as a deploy or a crash would
        time.sleep(0.02)
    for thread in threads:
        thread.join(60)
    took = time.monotonic() - started
    thanked = {city for city, status in results.items() if status == 302}
    saved = list(Signature.objects.filter(city__startswith="Burst").values_list("city", flat=True))
    print(f"{len(thanked)} of {len(cities)} thanked in {took:.1f} s, node one stopped mid-way; "
          f"statuses {sorted(set(results.values()))}")  # fmt: skip
    assert thanked <= set(saved)  # every thanks page is a row
    assert len(saved) == len(set(saved))  # none saved twice
    assert len(thanked) >= len(cities) - 5  # the other node took over


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_client_whose_sign_ons_nginx_spreads_over_both_nodes_is_limited_once(
    tmp_path, shared_redis_url
):
    with two_nodes_and_nginx(tmp_path, shared_redis_url, SIGNON_RATE_LIMITS="3/10m,20/d") as (
        one,
        two,
        proxy,
    ):
        statuses = []
        # nginx takes turns between the nodes; each sign-on is a form load, a POST and a
        # health check, so (within an nginx worker) the POSTs alternate between the nodes.
        # Every request also claims another address: only nginx's own hop is believed.
        for i in range(16):
            forged = {"X-Forwarded-For": f"198.51.100.{i}"}
            browser = proxy.browser()  # no cookies kept from one sign-on to the next
            response = browser.post_form(
                proxy.url + SIGN_URL, form_data(city=f"Limited {i}"), headers=forged
            )
            statuses.append(response.status)
            browser.get(proxy.url + "/healthz", headers=forged)
            if response.status == 429:
                assert 1 <= int(response.headers["Retry-After"]) <= 600
            if i >= 5 and '"rate_limited"' in one.log() and '"rate_limited"' in two.log():
                break
        posts = [server.log().count('"method": "POST"') for server in (one, two)]
        print(f"statuses {statuses}; POSTs per node {posts}")
        # Both nodes took sign-ons and both refused this client: one count, in Redis.
        assert '"rate_limited"' in one.log() and '"rate_limited"' in two.log()
        assert statuses[:3] == [302, 302, 302]
        assert set(statuses[3:]) == {429}
        assert Signature.objects.filter(city__startswith="Limited").count() == 3
