"""Hostile input on every surface: refused, or stored and shown inert.

Each payload goes into each field of the public form. What the form refuses
must come back escaped in the re-rendered form; what it accepts is approved
and then looked for on the public letter page, the thanks page, and the
admin's list, search and change pages, where it must show as text.
"""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from signon.models import Signature

from .conftest import form_data

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})
THANKS_URL = reverse("signon:thanks", kwargs={"slug": "immigration-reform"})

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "{% debug %}",
    "Ada\u202eecalevoL",  # right-to-left override
    '=HYPERLINK("http://evil.example","x")',
    "Robert'); DROP TABLE signon_signature;--",
]
# Hostile e-mail addresses that the e-mail grammar itself allows.
EMAIL_PAYLOADS = [
    '"<script>alert(1)</script>"@example.org',
    '"\\"><img src=x onerror=alert(1)>"@example.org',
    "{{7*7}}@example.org",
    "=cmd|calc@example.org",
    "javascript:alert(1)@example.org",
]
TEXT_FIELDS = [
    "mayor_first_name", "mayor_last_name", "city", "state",
    "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
]  # fmt: skip

CASES = [(field, payload) for field in TEXT_FIELDS for payload in PAYLOADS] + [
    ("contact_email", payload) for payload in EMAIL_PAYLOADS
]


def assert_inert(html: str) -> None:
    """No payload shows as live markup, an active link or a reversed text run."""
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "<img src=x" not in lowered
    assert 'href="javascript:' not in lowered
    # A form may hand back what was typed inside its input (value="…"), where
    # an override cannot reorder the page; in the page's text it never shows.
    assert "\u202e" not in re.sub(r'value="[^"]*"', "", html)


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "payload"), CASES)
def test_a_hostile_value_is_refused_or_shown_inert_everywhere(
    client, staff, staff_client, letter, field, payload
):
    response = client.post(SIGN_URL, form_data(**{field: payload}))
    assert response.status_code in (200, 302)
    assert_inert(response.text)

    if response.status_code == 200:
        # Refused: a message next to that field, and nothing saved.
        assert Signature.objects.count() == 0
        assert f'id="error_1_id_{field}"' in response.text or "is-invalid" in response.text
        return

    # Accepted: it is stored as typed, and shown as text wherever it appears.
    signature = Signature.objects.get()
    signature.approve(staff)
    surfaces = [
        client.get(THANKS_URL),
        client.get(LETTER_URL),
        client.get(reverse("signon:letter-print", kwargs={"slug": "immigration-reform"})),
        staff_client.get(reverse("admin:signon_signature_changelist")),
        staff_client.get(reverse("admin:signon_signature_changelist"), {"q": payload[:20]}),
        staff_client.get(reverse("admin:signon_signature_change", args=[signature.pk])),
    ]
    for page in surfaces:
        assert page.status_code == 200
        assert_inert(page.text)
    if "{{7*7}}" in payload:
        # Template syntax in data stays text: never evaluated to 49.
        assert "{{7*7}}" in surfaces[-1].text

    # Both CSV exports: the public list and the staff export.
    public_csv = client.get(
        reverse("signon:signatories-csv", kwargs={"slug": "immigration-reform"})
    )
    staff_csv = staff_client.post(
        reverse("admin:signon_signature_changelist"),
        {"action": "export_csv", "_selected_action": [signature.pk]},
    )
    for export in (public_csv, staff_csv):
        assert export.status_code == 200
        assert export["Content-Type"].startswith("text/csv")
        assert_inert_csv(export.content.decode("utf-8-sig"))
    if field == "contact_email":
        assert payload.split("@")[0].strip('"')[:8] in staff_csv.content.decode()
        assert payload[:8] not in public_csv.content.decode()


def assert_inert_csv(text: str) -> None:
    """No cell a spreadsheet would run as a formula; no reversed text run."""
    assert "\u202e" not in text
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.django_db
def test_the_accepted_hostile_e_mail_addresses_are_escaped_in_the_admin(staff_client, letter):
    client = Client()
    accepted = []
    for i, payload in enumerate(EMAIL_PAYLOADS):
        response = client.post(SIGN_URL, form_data(contact_email=payload, city=f"Town {i}"))
        if response.status_code == 302:
            accepted.append(payload)
    assert '"<script>alert(1)</script>"@example.org' in accepted
    page = staff_client.get(reverse("admin:signon_signature_changelist"))
    assert "&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.org" in page.text
    assert_inert(page.text)


@pytest.mark.django_db
@pytest.mark.parametrize("query", PAYLOADS)
def test_a_hostile_admin_search_is_shown_inert(staff_client, letter, query):
    response = staff_client.get(reverse("admin:signon_signature_changelist"), {"q": query})
    assert response.status_code == 200
    assert_inert(response.text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/letters/<script>alert(1)<%2Fscript>/", "/letters/%E2%80%AE/sign/", "/letters/{{7*7}}/",
     "/letters/immigration-reform/sign/%00/", "/" + "a" * 5000],
)  # fmt: skip
def test_a_hostile_address_is_a_plain_404(client, letter, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_inert(response.text)


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_it_is_read(client, letter):
    response = client.post(SIGN_URL, form_data(contact_last_name="x" * 300_000))
    assert response.status_code == 400
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_a_body_with_too_many_fields_is_refused(client, letter):
    data = {**form_data(), **{f"f{i}": "x" for i in range(1100)}}
    response = client.post(SIGN_URL, data)
    assert response.status_code == 400
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_a_field_over_its_limit_is_refused_naming_the_limit(client, letter):
    response = client.post(SIGN_URL, form_data(city="A" * 101))
    assert response.status_code == 200
    assert "at most 100 characters" in response.text
    assert Signature.objects.count() == 0
