"""The public list as CSV and JSON: approved rows only, public fields only, accents intact."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from signon.models import Signature
from signon.public_list import neutralize

from .conftest import approved_signature, make_signature

APPROVED = Signature.Status.APPROVED
PRIVATE_VALUES = ("Quimby", "Xanthopoulos", "quimby.private@", "+1787555", "555-01")


def csv_url(letter) -> str:
    return reverse("signon:signatories-csv", kwargs={"slug": letter.slug})


def json_url(letter) -> str:
    return reverse("signon:signatories-json", kwargs={"slug": letter.slug})


def add_mixed_signatures(letter) -> None:
    """Two approved mayors with accents, and one of each other status."""
    private = {
        "contact_first_name": "Quimby",
        "contact_last_name": "Xanthopoulos",
        "contact_email": "quimby.private@mayaguez.pr.gov",
        "contact_phone": "+17875550101",
    }
    make_signature(letter, mayor_first_name="José Guillermo", mayor_last_name="Rodríguez",
                   city="Mayagüez", state="PR", status=APPROVED, **private)  # fmt: skip
    make_signature(letter, mayor_first_name="Ñandú", mayor_last_name="O’Brien", city="Peñasco",
                   state="NM", status=APPROVED, **private)  # fmt: skip
    for n, status in enumerate(
        [Signature.Status.PENDING, Signature.Status.REJECTED, Signature.Status.WITHDRAWN]
    ):
        make_signature(letter, mayor_first_name="Hidden", mayor_last_name=f"Mayor{n}",
                       city=f"Hiddenville {n}", status=status, **private)  # fmt: skip
    Signature.objects.filter(status=APPROVED).update(
        approved_at=datetime.datetime(2026, 3, 2, 3, 30, tzinfo=datetime.UTC)
    )


def mixed_download(client, letter, url_of, content_type: str):
    """The download (``url_of``) of a mixed list, served with its type and accents as typed."""
    add_mixed_signatures(letter)
    response = client.get(url_of(letter))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "Mayagüez".encode() in response.content
    return response


@pytest.mark.django_db
def test_the_csv_lists_approved_mayors_only_with_public_columns_in_utf8(client, letter):
    response = mixed_download(client, letter, csv_url, "text/csv; charset=utf-8")
    assert response["Content-Disposition"] == (
        'attachment; filename="immigration-reform-signatories.csv"'
    )
    # UTF-8 with a byte-order mark, so spreadsheet programs keep the accents.
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Mayor First Name", "Mayor Last Name", "City", "State", "State Name", "Date Approved"],
        ["Ñandú", "O’Brien", "Peñasco", "NM", "New Mexico", "2026-03-01"],
        ["José Guillermo", "Rodríguez", "Mayagüez", "PR", "Puerto Rico", "2026-03-01"],
    ]
    for value in (*PRIVATE_VALUES, "Hidden"):
        assert value.encode() not in response.content


@pytest.mark.django_db
def test_the_json_lists_approved_mayors_only_with_public_fields(client, letter, settings):
    settings.SITE_URL = "https://letters.usmayors.example"
    # Accents are written as themselves, not as \u escapes.
    response = mixed_download(client, letter, json_url, "application/json")
    data = json.loads(response.content.decode("utf-8"))
    assert data["count"] == 2
    assert data["letter"] == {
        "title": letter.title,
        "url": "https://letters.usmayors.example/letters/immigration-reform/",
        "status": "open",
    }
    assert data["signatories"][1] == {
        "mayor_first_name": "José Guillermo",
        "mayor_last_name": "Rodríguez",
        "city": "Mayagüez",
        "state": "PR",
        "state_name": "Puerto Rico",
        "date_approved": "2026-03-01",
    }
    assert [row["city"] for row in data["signatories"]] == ["Peñasco", "Mayagüez"]
    for value in (*PRIVATE_VALUES, "Hidden"):
        assert value.encode() not in response.content


@pytest.mark.django_db
def test_the_downloads_of_an_empty_list_are_valid_and_empty(client, letter):
    rows = list(csv.reader(io.StringIO(client.get(csv_url(letter)).content.decode("utf-8-sig"))))
    assert rows == [
        ["Mayor First Name", "Mayor Last Name", "City", "State", "State Name", "Date Approved"]
    ]
    assert json.loads(client.get(json_url(letter)).content)["signatories"] == []


@pytest.mark.django_db
def test_the_csv_quotes_commas_and_quotes_inside_names(client, letter):
    make_signature(letter, mayor_first_name="Ann, Jr.", mayor_last_name='Lee "Al"', city="Aurora",
                   state="CO", status=APPROVED, approved_at=timezone.now())  # fmt: skip
    rows = list(csv.reader(io.StringIO(client.get(csv_url(letter)).content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["Ann, Jr.", 'Lee "Al"', "Aurora"]


@pytest.mark.django_db
def test_the_downloads_are_linked_from_the_letter_page(client, letter):
    make_signature(letter, status=APPROVED)
    html = client.get(letter.get_absolute_url()).text
    assert f'href="{csv_url(letter)}"' in html
    assert f'href="{json_url(letter)}"' in html


@pytest.mark.django_db
def test_the_downloads_cost_the_same_queries_for_ten_or_a_hundred_mayors(client, letter):
    def queries_for(n: int) -> int:
        Signature.objects.all().delete()
        for i in range(n):
            make_signature(letter, city=f"Town {i}", status=APPROVED, approved_at=timezone.now())
        with CaptureQueriesContext(connection) as context:
            assert client.get(csv_url(letter)).status_code == 200
            assert client.get(json_url(letter)).status_code == 200
        return len(context.captured_queries)

    assert queries_for(10) == queries_for(100)


# ---------------------------------------------------------------- one CSV writer, the JSON's status
# one neutralized CSV writer; the JSON tells the public status.
FORMULAS = ['=HYPERLINK("http://x.example","Click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_a_formula_in_a_staff_edited_name_reaches_the_public_csv_neutralized(client, letter):
    for n, formula in enumerate(FORMULAS):
        # As staff might have saved it in admin: straight to the row, no form.
        approved_signature(letter, mayor_last_name=formula, city=f"Town {n}", state="TX")

    response = client.get(reverse("signon:signatories-csv", kwargs={"slug": letter.slug}))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="immigration-reform-signatories.csv"')
    rows = read_csv(response)
    assert rows[0][:2] == ["Mayor First Name", "Mayor Last Name"]
    last_names = sorted(row[1] for row in rows[1:])
    assert last_names == sorted(f"'{formula}" for formula in FORMULAS)
    # The row itself keeps what staff typed; only the file neutralizes it.
    assert Signature.objects.filter(mayor_last_name=FORMULAS[0]).exists()


@pytest.mark.django_db
def test_the_public_csv_and_the_staff_export_neutralize_a_cell_alike(admin_client, letter):
    signature = approved_signature(letter, mayor_first_name="=1+1", city="Austin", state="TX")
    public = read_csv(client_get(admin_client, "signon:signatories-csv", letter))
    staff = read_csv(
        admin_client.post(
            reverse("admin:signon_signature_changelist"),
            {"action": "export_csv", "_selected_action": [signature.pk]},
        )
    )
    assert public[1][0] == "'=1+1" == neutralize("=1+1")
    assert staff[1][staff[0].index("mayor first name")] == public[1][0]


def client_get(client, name, letter):
    return client.get(reverse(name, kwargs={"slug": letter.slug}))


@pytest.mark.django_db
def test_the_json_reports_closed_once_the_deadline_has_passed(client, letter):
    approved_signature(letter, mayor_last_name="=HYPERLINK(1)")
    letter.deadline = timezone.now() - datetime.timedelta(minutes=1)
    letter.save()

    data = json.loads(client_get(client, "signon:signatories-json", letter).content)

    assert letter.status == "open"
    assert data["letter"]["status"] == "closed"
    # JSON is no spreadsheet: the value stays as it is.
    assert data["signatories"][0]["mayor_last_name"] == "=HYPERLINK(1)"
