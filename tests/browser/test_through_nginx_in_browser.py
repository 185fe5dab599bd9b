"""The site as deployed, in a real browser: Chromium over HTTPS through nginx to gunicorn.

deploy/nginx.conf with its self-signed certificate (tests/servers.py: nginx_server),
in front of a gunicorn with production settings on the suite's database. Real
processes on their own clocks: the letter page is awaited on the wall clock.
"""

import shutil
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from signon.models import Signature
from tests.servers import gunicorn_server, nginx_server

from .conftest import BROWSER_TEST, public_name
from .test_signing_in_browser import SIGN_PATH, THANKS_PATH, TYPED, field

pytestmark = BROWSER_TEST

LETTER_PATH = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
AS_DEPLOYED = {"HTTPS_ONLY": "true", "TRUSTED_PROXY_HOPS": "1", "SIGNON_RATE_LIMITS": "off",
               "SIGNON_MIN_FILL_SECONDS": "0"}  # fmt: skip


@pytest.fixture
def behind_nginx(tmp_path):
    if shutil.which("nginx") is None:
        if __import__("os").environ.get("CI") == "true":
            pytest.fail("nginx is not installed (apt-get install nginx; .ci/run does)")
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")
    with (
        gunicorn_server(tmp_path, AS_DEPLOYED) as app,
        nginx_server(tmp_path, [app.url]) as proxy,
    ):
        yield app, proxy


def test_a_mayor_signs_on_over_https_through_nginx_and_appears_on_the_letter_page(
    browser: Browser, behind_nginx, staff
):
    app, proxy = behind_nginx
    # The certificate is the test's own, self-signed: the browser is told to accept it.
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("requestfailed", lambda request: problems.append(request.url))

    page.goto(proxy.url + SIGN_PATH)
    assert page.evaluate("location.protocol") == "https:"
    for label, value in TYPED.items():
        field(page, label).fill(value)
    field(page, "State").select_option(label="Puerto Rico")
    page.get_by_role("button", name="Sign on").click()

    expect(page).to_have_url(proxy.url + THANKS_PATH)
    expect(page.get_by_text("Mayor María Peña-Ibáñez of Mayagüez, PR")).to_be_visible()
    # The secure cookie names: the app knew the request came over HTTPS.
    assert "__Host-csrftoken" in {cookie["name"] for cookie in context.cookies()}
    signature = Signature.objects.get()
    assert (signature.city, signature.status) == ("Mayagüez", "pending")

    signature.approve(staff)
    decided = time.monotonic()
    response = page.goto(proxy.url + LETTER_PATH)
    # nginx and the app each keep the page a few seconds: it shows within the 5 s budget.
    while "Peña-Ibáñez" not in page.content() and time.monotonic() - decided < 6:
        time.sleep(0.3)
        response = page.reload()
    print(f"on the letter page {time.monotonic() - decided:.1f} s after the approval")
    expect(page.get_by_text(public_name(signature))).to_be_visible()
    # The signer's browser holds a session now: nginx passes its requests to the app.
    assert response.headers["x-cache-status"] == "BYPASS"
    # A visitor without one is served by nginx's micro-cache (or fills it), same page.
    visitor = browser.new_context(ignore_https_errors=True).new_page()
    response = visitor.goto(proxy.url + LETTER_PATH)
    assert response.headers["x-cache-status"] in {"MISS", "EXPIRED", "HIT"}
    expect(visitor.get_by_text(public_name(signature))).to_be_visible()
    visitor.context.close()
    # Its stylesheet and scripts came from nginx (STATIC_ROOT), and nothing failed.
    assert problems == []
    assert "/static/" not in app.log()
    context.close()
