"""Issue 10, items 7 and 9: one neutralized CSV writer; the JSON tells the public status."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from signon.models import Signature
from signon.public_list import neutralize

from .conftest import approved_signature

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
