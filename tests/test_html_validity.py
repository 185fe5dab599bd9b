"""Every public page, in every state a visitor can reach, is valid HTML.

The Nu Html Checker (vnu.jar, installed by `make test` from package.json) reads
the pages the app renders and runs offline with Java: one run over all of them.
"""

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon import tokens
from signon.models import Signature

from .conftest import approved_signature, form_data, make_signature

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
SLUG = "immigration-reform"


def url(name: str, **kwargs) -> str:
    return reverse(f"signon:{name}", kwargs=kwargs or None)


def collect_pages(letter: Letter, settings) -> dict[str, tuple[int, str]]:
    """Each public page state's name, with its status and HTML."""
    pages: dict[str, tuple[int, str]] = {}

    def keep(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, name
        pages[name] = (status, response.text)

    visitor = Client()
    keep("letter, empty list", visitor.get(url("letter", slug=SLUG)))
    keep("sign-on form", visitor.get(url("sign", slug=SLUG)))
    keep("thanks, another visitor", visitor.get(url("thanks", slug=SLUG)))
    keep("ask, without a duplicate", visitor.get(url("ask", slug=SLUG)))
    keep("privacy notice", visitor.get(url("privacy")))
    keep("not found", visitor.get("/letters/no-such-letter/"), 404)

    for n, (city, state) in enumerate([("Austin", "TX"), ("Boston", "MA"), ("Provo", "UT")]):
        approved_signature(letter, city=city, state=state, mayor_last_name=f"Mayor{n}")
    keep("index", visitor.get(url("index")))
    keep("letter with its list", visitor.get(url("letter", slug=SLUG)))
    keep("letter, filtered", visitor.get(url("letter", slug=SLUG), {"state": "TX", "q": "aus"}))
    keep("letter, nothing matches", visitor.get(url("letter", slug=SLUG), {"q": "zzz"}))
    keep("print version", visitor.get(url("letter-print", slug=SLUG)))
    keep("embed badge", visitor.get(url("embed-badge", slug=SLUG)))

    signer = Client()
    invalid = form_data(city="", contact_email="x")
    keep("form with errors", signer.post(url("sign", slug=SLUG), invalid))
    keep(
        "duplicate answer",
        signer.post(url("sign", slug=SLUG), form_data(city="austin", state="TX")),
    )
    keep("ask the conference", signer.get(url("ask", slug=SLUG)))
    keep("ask, with errors", signer.post(url("ask", slug=SLUG), {"message": ""}))
    keep("version changed", signer.post(url("sign", slug=SLUG), form_data(version="0")))
    assert signer.post(url("sign", slug=SLUG), form_data(city="Peoria")).status_code == 302
    keep("thanks, the signer", signer.get(url("thanks", slug=SLUG)))
    keep(
        "thanks, correction with errors",
        signer.post(url("thanks", slug=SLUG), {"contact_email": "nope"}),
    )
    settings.SIGNON_RATE_LIMITS = [(1, 600)]
    signer.post(url("sign", slug=SLUG), form_data(city="Joliet"))
    keep("rate limited", signer.post(url("sign", slug=SLUG), form_data(city="Elgin")), 429)
    settings.SIGNON_RATE_LIMITS = []

    signature = Signature.objects.get(city="Peoria")
    token = tokens.make_token(signature.confirmation_id)
    keep("confirm e-mail", visitor.get(url("confirm-email", token=token)))
    keep("confirm e-mail, invalid link", visitor.get(url("confirm-email", token="x")), 400)
    keep("confirm e-mail, done", visitor.get(url("confirm-email-done")))
    Signature.objects.filter(pk=signature.pk).update(email_confirmed_at=timezone.now())
    keep("confirm e-mail, used", visitor.get(url("confirm-email", token=token)), 410)

    make_signature(letter, city="Salem", state="OR")
    Letter.objects.filter(pk=letter.pk).update(list_published_at=timezone.now() + timedelta(days=3))
    keep("letter under embargo", visitor.get(url("letter", slug=SLUG)))
    Letter.objects.filter(pk=letter.pk).update(list_published_at=None, status="closed")
    keep("letter closed", visitor.get(url("letter", slug=SLUG)))
    keep("sign-on closed", visitor.get(url("sign", slug=SLUG)))
    return pages


def html_errors(pages: dict[str, tuple[int, str]], folder: Path) -> dict[str, list[str]]:
    files = {}
    for n, (name, (_status, html)) in enumerate(pages.items()):
        path = folder / f"page-{n:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    java = shutil.which("java")
    assert java and VNU_JAR.exists(), (
        "The Nu Html Checker needs Java and vnu.jar: run the suite with `make test` "
        "(it installs vnu.jar with npm; `apt-get install default-jre-headless` for Java)."
    )
    # Our own files and a jar from package-lock.json: no outside input.
    result = subprocess.run(  # noqa: S603
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    found: dict[str, list[str]] = {}
    for message in messages:
        name = files.get(message.get("url", "").removeprefix("file:"), message.get("url", ""))
        found.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message['message']} {message.get('extract', '')!r}"
        )
    return found


@pytest.mark.django_db
def test_the_nu_html_checker_finds_no_error_on_any_public_page_state(letter, settings, tmp_path):
    pages = collect_pages(letter, settings)
    assert len(pages) >= 25
    assert html_errors(pages, tmp_path) == {}
