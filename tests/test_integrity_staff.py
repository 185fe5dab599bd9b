"""Staff rights and staff edits: least privilege, and no edit that crashes or corrupts.

The Conference staff group can do its whole job (and no more); the bulk export
of contact details needs its own permission and is logged; a signature edited
in admin goes through the same cleaning and rules as the public form.
"""

import csv
import io
import json
import logging

import pytest
from django.urls import reverse

from letters.models import Delivery, Letter
from signon.models import Signature

from .conftest import make_signature
from .review_support import CHANGELIST, conference_staff, decide_url, staff_without_review
from .test_lifecycle import letter_admin_data

EXPORT = "export_csv"


def audit_events(caplog, event: str) -> list:
    return [r for r in caplog.records if r.name == "signon.audit" and r.event == event]


# ---------------------------------------------------------------- the whole job


@pytest.mark.django_db
def test_a_conference_staff_member_can_do_the_whole_job_without_superuser_rights(client, letter):
    member = conference_staff()
    assert not member.is_superuser
    client.force_login(member)
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
    assert recorded["Location"] == reverse("admin:letters_delivery_change", args=[delivery.pk])
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.DELIVERED
    delivery_page = client.get(recorded["Location"])
    assert delivery_page.status_code == 200
    packet_url = reverse("admin:letters_delivery_packet", args=[delivery.pk])
    assert packet_url in delivery_page.text
    packet = client.get(packet_url)
    assert packet.status_code == 200
    assert packet["Content-Type"] == "application/pdf"
    assert packet.content.startswith(b"%PDF")
    assert client.get(reverse("admin:letters_delivery_changelist")).status_code == 200


# ---------------------------------------------------------------- the export


def _export(client, *signatures):
    return client.post(
        CHANGELIST, {"action": EXPORT, "_selected_action": [s.pk for s in signatures]}
    )


@pytest.mark.django_db
def test_staff_who_may_only_view_signatures_cannot_export_contact_details(client, letter, caplog):
    signature = make_signature(letter)
    client.force_login(staff_without_review())
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
    client.force_login(member)
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
