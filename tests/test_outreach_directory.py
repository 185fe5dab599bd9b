"""The mayors' directory: CSV import with a preview, idempotent re-import, edit, export,
and the office domains it writes into Official domains for the review desk."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outreach import importing
from outreach.models import Office
from places.models import Place
from signon import signals
from signon.models import OfficialDomain, Signature
from tests.conftest import log_in_with_device, make_signature, staff_without_review

IMPORT_URL = reverse("admin:outreach_office_import")
HEADER = "city,state,mayor_first_name,mayor_last_name,email,phone,domains,term_ends,member\n"
GOOD = (
    "Springfield,IL,Ada,Lovelace,mayor@springfield.il.gov,(217) 555-0143,"
    "springfield.il.gov,2027-04-30,yes\n"
    "Austin,TX,Kirk,Watson,mayor@austintexas.gov,512-555-0100 x7,AustinTexas.gov,,yes\n"
)


def upload(client, text: str):
    file = SimpleUploadedFile("directory.csv", text.encode(), content_type="text/csv")
    return client.post(IMPORT_URL, {"file": file})


def confirm(client, preview_response):
    return client.post(IMPORT_URL, {"payload": preview_response.context["payload"]}, follow=True)


@pytest.mark.django_db
def test_the_preview_shows_every_rows_result_and_saves_nothing(staff_client):
    bad = "Chicago,XX,Brandon,Johnson,not-an-address,555,chicago.gov,,maybe\n"
    response = upload(staff_client, HEADER + GOOD + bad)
    assert response.status_code == 200
    outcomes = [(row.line, row.outcome) for row in response.context["rows"]]
    assert outcomes == [(2, "new"), (3, "new"), (4, "error")]
    error = response.context["rows"][2].reason
    assert "state" in error and "email" in error and "phone" in error and "member" in error
    assert Office.objects.count() == 0
    assert b"Nothing is saved yet" in response.content


@pytest.mark.django_db
def test_confirming_saves_the_rows_normalized_like_the_form(staff_client):
    Place.objects.create(name="Austin", state="TX", population=961_855, source="geonames",
                         source_id="4671654")  # fmt: skip
    response = confirm(staff_client, upload(staff_client, HEADER + GOOD))
    assert b"2 new, 0 changed, 0 unchanged" in response.content
    austin = Office.objects.get(city="Austin")
    assert austin.phone == "+15125550100" and austin.phone_extension == "7"
    assert austin.domains == "austintexas.gov"
    assert austin.place.population == 961_855
    assert Office.objects.get(city="Springfield").term_ends.isoformat() == "2027-04-30"


@pytest.mark.django_db
def test_a_reimport_changes_only_what_changed_and_is_idempotent(staff_client, staff):
    confirm(staff_client, upload(staff_client, HEADER + GOOD))
    changed = GOOD.replace("Kirk,Watson", "Jane,Doe") + "Dallas,TX,Eric,Johnson,,,,,no\n"
    preview = upload(staff_client, HEADER + changed)
    rows = preview.context["rows"]
    assert [row.outcome for row in rows] == ["unchanged", "changed", "new"]
    assert rows[1].changes == ["mayor_first_name", "mayor_last_name"]
    confirm(staff_client, preview)
    assert Office.objects.get(city="Austin").mayor_name == "Jane Doe"
    again = upload(staff_client, HEADER + changed)
    assert [row.outcome for row in again.context["rows"]] == ["unchanged"] * 3
    assert Office.objects.count() == 3
    # Who imported what, and when, is in each office's history.
    entries = LogEntry.objects.filter(user=staff, object_repr="Austin, TX")
    assert [e.change_message for e in entries.order_by("action_time")] == [
        "Imported from CSV (new)",
        "Imported from CSV: mayor_first_name, mayor_last_name",
    ]


@pytest.mark.django_db
def test_a_city_twice_in_one_file_is_an_error_not_a_second_office():
    rows, problem = importing.preview(HEADER + GOOD + "springfield ,il,Other,Person,,,,,yes\n")
    assert problem == ""
    assert rows[2].outcome == "error" and "same city as line 2" in rows[2].reason


@pytest.mark.django_db
def test_a_file_without_the_columns_is_refused_with_the_columns_it_needs(staff_client):
    response = upload(staff_client, "name,town\nAda,Springfield\n")
    assert "The file has no city, state" in response.context["form"].errors["file"][0]
    assert Office.objects.count() == 0


@pytest.mark.django_db
def test_a_tampered_preview_saves_nothing(staff_client):
    response = staff_client.post(IMPORT_URL, {"payload": "forged"}, follow=True)
    assert b"Upload the file again" in response.content
    assert Office.objects.count() == 0


@pytest.mark.django_db
def test_the_export_reimports_as_unchanged(staff_client):
    confirm(staff_client, upload(staff_client, HEADER + GOOD))
    response = staff_client.post(
        reverse("admin:outreach_office_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Office.objects.values_list("pk", flat=True)),
        },
    )
    text = response.content.decode()
    assert "mayor@austintexas.gov" in text
    rows, _ = importing.preview(text)
    assert [row.outcome for row in rows] == ["unchanged", "unchanged"]


@pytest.mark.django_db
def test_conference_staff_may_import_and_others_may_not(client, reviewer_client):
    assert upload(reviewer_client, HEADER + GOOD).status_code == 200
    log_in_with_device(client, staff_without_review())
    assert upload(client, HEADER + GOOD).status_code == 403


# ---------------------------------------------------------------- its domains on the review desk


def directory_domains() -> set[tuple[str, str]]:
    rows = OfficialDomain.objects.filter(source=OfficialDomain.Source.DIRECTORY)
    return set(rows.values_list("office_key", "domain"))


@pytest.mark.django_db
def test_a_domain_the_mayors_directory_lists_for_the_office_is_the_citys_own(letter):
    make_signature(letter, city="Round Rock", state="TX", contact_email="aide@rrtx.gov")
    unlisted = signals.signature_domain_signal(Signature.objects.get())
    assert unlisted.tier == signals.GOVERNMENT  # a .gov that does not name Round Rock
    Office.objects.create(
        city="Round Rock", state="TX", mayor_first_name="Craig", mayor_last_name="Morgan",
        domains="rrtx.gov roundrocktexas.gov",
    )  # fmt: skip
    for signature in (Signature.objects.get(), Signature.objects.with_signals().get()):
        listed = signals.signature_domain_signal(signature)
        assert listed.tier == signals.OWN
        assert "listed in the mayors’ directory" in listed.evidence


@pytest.mark.django_db
def test_the_directory_keeps_its_rows_in_official_domains_in_step_with_its_offices():
    office = Office.objects.create(
        city="Round Rock", state="TX", mayor_first_name="Craig", mayor_last_name="Morgan",
        domains="rrtx.gov roundrocktexas.gov",
    )  # fmt: skip
    key = office.office_key
    assert directory_domains() == {(key, "rrtx.gov"), (key, "roundrocktexas.gov")}
    office.domains = "roundrocktexas.gov"
    office.save()
    assert directory_domains() == {(key, "roundrocktexas.gov")}
    office.city, office.state = "Georgetown", "TX"
    office.save()
    assert directory_domains() == {(office.office_key, "roundrocktexas.gov")}
    office.delete()
    assert not directory_domains()


@pytest.mark.django_db
def test_a_domain_staff_recorded_stays_theirs_whatever_the_directory_says():
    staff_row = OfficialDomain.objects.create(domain="rrtx.gov", city="Round Rock", state="TX")
    office = Office.objects.create(
        city="Round Rock", state="TX", mayor_first_name="Craig", mayor_last_name="Morgan",
        domains="rrtx.gov",
    )  # fmt: skip
    office.domains = ""
    office.save()
    office.delete()
    assert OfficialDomain.objects.get() == staff_row
    assert staff_row.source == OfficialDomain.Source.STAFF


@pytest.mark.django_db
def test_an_import_writes_the_offices_domains_into_official_domains(staff_client):
    confirm(staff_client, upload(staff_client, HEADER + GOOD))
    domains = {domain for _, domain in directory_domains()}
    assert domains == {"springfield.il.gov", "austintexas.gov"}
