"""signon.export, the staff CSV export: every field staff need, no formula a sheet would run."""

import csv
import io

import pytest
from django.utils import timezone

from signon.export import phone_for_export
from signon.public_list import neutralize

from .conftest import admin_action, conference_staff, log_in_with_device, make_signature


def export(client, *signatures) -> tuple[object, list[list[str]]]:
    response = admin_action(client, "export_csv", *signatures)
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return response, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.django_db
def test_the_export_carries_contact_details_and_review_fields(client, letter):
    log_in_with_device(client, conference_staff())
    signature = make_signature(
        letter, city="Peñasco", state="NM", contact_phone="+12025550143",
        contact_phone_extension="12", email_confirmed_at=timezone.now(),
        contact_email="aide@penasco.gov", review_note="called city hall 3/2",
    )  # fmt: skip
    response, rows = export(client, signature)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="signatures-')
    header, row = rows
    record = dict(zip(header, row, strict=True))
    expected = {
        "city": "Peñasco",
        "contact e-mail": "aide@penasco.gov",
        "contact phone": "(202) 555-0143",
        "extension": "12",
        "official domain": "yes",
        "how verified": "called city hall 3/2",
        "status": "Pending review",
    }
    assert {key: record[key] for key in expected} == expected
    assert record["e-mail confirmed at"] != ""


@pytest.mark.django_db
def test_the_export_neutralizes_formulas_typed_into_any_field(client, letter):
    log_in_with_device(client, conference_staff())
    signature = make_signature(
        letter, contact_first_name="=HYPERLINK(\"http://x\")", contact_last_name="+SUM(A1)",
        review_note="-2+3", contact_email="@evil@example.org", mayor_last_name="\tTab",
        mayor_first_name="\rReturn",
    )  # fmt: skip
    _, (header, row) = export(client, signature)
    record = dict(zip(header, row, strict=True))
    expected = {
        "contact first name": '\'=HYPERLINK("http://x")',
        "contact last name": "'+SUM(A1)",
        "how verified": "'-2+3",
        "contact e-mail": "'@evil@example.org",
        "mayor last name": "'\tTab",
        "mayor first name": "'\rReturn",
    }
    assert {key: record[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Saint Louis", "Saint Louis"),
        ("O'Hare = airport", "O'Hare = airport"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_neutralize_prefixes_only_cells_a_spreadsheet_would_run(cell, written):
    assert neutralize(cell) == written


@pytest.mark.parametrize(
    ("e164", "written"),
    [
        ("+12025550143", "(202) 555-0143"),
        ("+17875550143", "(787) 555-0143"),  # Puerto Rico: still North American
        ("+442079460958", "'+44 20 7946 0958"),
    ],
)
def test_phone_numbers_stay_readable_in_the_export(e164, written):
    assert neutralize(phone_for_export(e164)) == written


@pytest.mark.django_db
def test_the_export_is_for_staff_only(client, letter):
    signature = make_signature(letter)
    response = admin_action(client, "export_csv", signature)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
