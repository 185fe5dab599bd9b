"""The signature admin: staff rights and edits; least privilege, no edit that corrupts.

The Conference staff group can do its whole job (and no more); the bulk export
of contact details needs its own permission and is logged; a signature edited
in admin goes through the same cleaning and rules as the public form.
"""

import csv
import datetime
import io
import json
import logging

import pytest
from django.urls import reverse

from letters.models import Letter
from signon.delivery import record_delivery
from signon.models import Delivery, Signature

from .conftest import (
    CHANGELIST,
    approved_signature,
    conference_staff,
    decide_url,
    letter_admin_data,
    log_in_with_device,
    make_signature,
    staff_without_review,
)

EXPORT = "export_csv"


def audit_events(caplog, event: str) -> list:
    return [r for r in caplog.records if r.name == "signon.audit" and r.event == event]


# ---------------------------------------------------------------- the whole job


@pytest.mark.django_db
def test_a_conference_staff_member_can_do_the_whole_job_without_superuser_rights(client, letter):
    member = conference_staff()
    assert not member.is_superuser
    log_in_with_device(client, member)
    signature = make_signature(letter, letter_version=letter.current_version)

    # Review: the queue and the signature's page.
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{signature.pk}/change/").status_code == 200
    # Decide.
    decided = client.post(decide_url(signature, "approved"), {"reason": ""})
    assert decided.status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED

    # Edit a letter (and see its versions).
    letter_url = reverse("admin:letters_letter_change", args=[letter.pk])
    assert client.get(letter_url).status_code == 200
    edited = client.post(
        letter_url,
        # Confirmed: the seed body's trailing newline reads as a text change (another fix).
        letter_admin_data(letter, summary="Mayors back reform.", confirm_new_version="on"),
    )
    assert edited.status_code == 302, edited.context["adminform"].form.errors
    letter.refresh_from_db()
    assert letter.summary == "Mayors back reform."
    version_url = reverse("admin:letters_letterversion_change", args=[letter.current_version.pk])
    assert client.get(version_url).status_code == 200

    # Record the delivery; land on its page; download the packet.
    deliver_url = reverse("admin:letters_letter_deliver", args=[letter.pk])
    assert client.get(deliver_url).status_code == 200
    recorded = client.post(
        deliver_url,
        {"delivered_on": "2026-03-09", "delivered_to": "Members of Congress",
         "method": "hand-delivered", "note": ""},
    )  # fmt: skip
    delivery = Delivery.objects.get(letter=letter)
    assert recorded.status_code == 302
    assert recorded["Location"] == reverse("admin:signon_delivery_change", args=[delivery.pk])
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.DELIVERED
    delivery_page = client.get(recorded["Location"])
    assert delivery_page.status_code == 200
    packet_url = reverse("admin:signon_delivery_packet", args=[delivery.pk])
    assert packet_url in delivery_page.text
    packet = client.get(packet_url)
    assert packet.status_code == 200
    assert packet["Content-Type"] == "application/pdf"
    assert packet.content.startswith(b"%PDF")
    assert client.get(reverse("admin:signon_delivery_changelist")).status_code == 200


# ---------------------------------------------------------------- the export


def _export(client, *signatures):
    return client.post(
        CHANGELIST, {"action": EXPORT, "_selected_action": [s.pk for s in signatures]}
    )


@pytest.mark.django_db
def test_staff_who_may_only_view_signatures_cannot_export_contact_details(client, letter, caplog):
    signature = make_signature(letter)
    log_in_with_device(client, staff_without_review())
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert f'value="{EXPORT}"' not in changelist.text

    response = _export(client, signature)
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert signature.contact_email.encode() not in response.content
    assert audit_events(caplog, "export") == []


@pytest.mark.django_db
def test_the_export_needs_its_own_permission_held_by_the_conference_staff_group(db):
    member = conference_staff()
    assert member.has_perm("signon.export_signature")
    assert not staff_without_review("viewer2").has_perm("signon.export_signature")


@pytest.mark.django_db
def test_every_export_is_logged_with_who_and_how_many_rows(client, letter, caplog):
    member = conference_staff()
    log_in_with_device(client, member)
    signatures = [
        make_signature(letter, city=city, contact_email=f"aide@{city.lower()}.gov")
        for city in ("Peoria", "Joliet")
    ]
    assert f'value="{EXPORT}"' in client.get(CHANGELIST).text
    with caplog.at_level(logging.INFO, logger="signon.audit"):
        response = _export(client, *signatures)
    assert response.status_code == 200
    body = response.content.decode("utf-8").removeprefix("\ufeff")
    assert len(list(csv.reader(io.StringIO(body)))) == 3  # header and two rows
    (event,) = audit_events(caplog, "export")
    assert (event.user, event.rows) == (member.username, 2)
    assert event.created  # when: the log line's time
    # The log line names no contact.
    line = json.dumps(event.__dict__, default=str)
    assert "aide@" not in line


# ---------------------------------------------------------------- signature edits in admin


def change_page(signature) -> str:
    return reverse("admin:signon_signature_change", args=[signature.pk])


def admin_data(signature, **changes) -> dict:
    """The signature's change form as staff send it, with some fields changed."""
    data = {
        "letter": signature.letter_id,
        "mayor_first_name": signature.mayor_first_name,
        "mayor_last_name": signature.mayor_last_name,
        "city": signature.city,
        "state": signature.state,
        "contact_first_name": signature.contact_first_name,
        "contact_last_name": signature.contact_last_name,
        "contact_email": signature.contact_email,
        "contact_phone": signature.contact_phone,
        "contact_phone_extension": signature.contact_phone_extension,
        "review_note": signature.review_note,
        "_save": "Save",
    }
    data.update(changes)
    return data


@pytest.fixture
def other_letter(db) -> Letter:
    return Letter.objects.create(
        slug="infrastructure", title="Infrastructure", salutation="Dear Congress:",
        body="Fund the bridges.", status=Letter.Status.OPEN,
    )  # fmt: skip


@pytest.mark.django_db
def test_editing_a_city_onto_a_taken_office_is_a_form_error_not_a_crash(staff_client, letter):
    make_signature(letter, city="Springfield", state="IL")
    peoria = make_signature(letter, city="Peoria", state="IL", contact_email="a@peoria.gov")
    response = staff_client.post(change_page(peoria), admin_data(peoria, city="springfield"))
    assert response.status_code == 200
    assert "already has a live signature" in response.text
    peoria.refresh_from_db()
    assert (peoria.city, peoria.office_key) == ("Peoria", "IL:peoria")


@pytest.mark.django_db
def test_staff_cannot_edit_a_delivered_signatorys_public_name(staff_client, letter):
    listed = approved_signature(letter, city="Austin", state="TX")
    record_delivery(
        letter, user=None, delivered_on=datetime.date(2026, 3, 9),
        delivered_to="Members of Congress", method="hand-delivered",
    )  # fmt: skip
    response = staff_client.post(
        change_page(listed), admin_data(listed, mayor_last_name="Someone Else")
    )
    assert response.status_code == 200
    assert "was delivered" in response.text
    assert Signature.objects.get(pk=listed.pk).mayor_last_name == "Lovelace"


@pytest.mark.django_db
def test_moving_a_signature_onto_a_letter_where_its_city_is_taken_is_a_form_error(
    staff_client, letter, other_letter
):
    make_signature(other_letter, city="Springfield", state="IL")
    unsigned = make_signature(letter, city="Springfield", state="IL")
    assert unsigned.letter_version is None  # signed before texts were versioned
    response = staff_client.post(
        change_page(unsigned), admin_data(unsigned, letter=other_letter.pk)
    )
    assert response.status_code == 200
    assert "already has a live signature" in response.text
    assert Signature.objects.get(pk=unsigned.pk).letter == letter


@pytest.mark.django_db
def test_a_signature_that_signed_a_text_cannot_be_moved_to_another_letter(
    staff_client, letter, other_letter
):
    signature = make_signature(letter, letter_version=letter.current_version)
    response = staff_client.post(
        change_page(signature), admin_data(signature, letter=other_letter.pk)
    )
    assert response.status_code == 200
    assert "cannot be moved to another letter" in response.text
    signature.refresh_from_db()
    assert (signature.letter, signature.letter_version) == (letter, letter.current_version)


@pytest.mark.django_db
def test_a_signature_added_in_admin_records_its_letters_current_version(staff_client, letter):
    typed = Signature(
        letter=letter, mayor_first_name="Ada", mayor_last_name="Lovelace", city="Peoria",
        state="IL", contact_first_name="Chris", contact_last_name="Aide",
        contact_email="chris@peoria.gov", contact_phone="(309) 555-0143",
    )  # fmt: skip
    response = staff_client.post(reverse("admin:signon_signature_add"), admin_data(typed))
    assert response.status_code == 302
    signature = Signature.objects.get(city="Peoria")
    assert signature.letter_version == letter.current_version
    assert signature.contact_phone == "+13095550143"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mayor_last_name", "Lovelace\u0007", "Remove the control characters"),
        ("mayor_first_name", "<b>Ada</b>", "are not allowed"),
        ("city", "Chic\u0430go", "different alphabets"),
        ("contact_phone", "=1+1", "Enter a phone number we can call"),
    ],
)
def test_admin_edits_go_through_the_public_forms_cleaning(
    staff_client, letter, field, value, message
):
    signature = make_signature(letter)
    before = Signature.objects.values().get(pk=signature.pk)
    response = staff_client.post(change_page(signature), admin_data(signature, **{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert Signature.objects.values().get(pk=signature.pk) == before


@pytest.mark.django_db
def test_admin_saves_names_and_phone_as_the_public_form_would(staff_client, letter):
    signature = make_signature(letter)
    response = staff_client.post(
        change_page(signature),
        admin_data(
            signature, mayor_last_name="  de   la Cruz ", contact_phone="(202) 555-0143 x12"
        ),
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.mayor_last_name == "de la Cruz"
    assert (signature.contact_phone, signature.contact_phone_extension) == ("+12025550143", "12")


# ---------------------------------------------------------------- row ids in URLs


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999", "-1"])
def test_a_row_id_that_is_not_ascii_digits_is_no_500(staff_client, letter, value):
    signature = make_signature(letter)
    listing = staff_client.get(CHANGELIST, {"same_office_as": value})
    # Not a row id: the filter is ignored (as the admin ignores unknown values).
    assert listing.status_code == 200
    assert change_page(signature) in listing.text
    decide = staff_client.get(f"{CHANGELIST}{value}/decide/approved/")
    assert decide.status_code == 404
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
