"""The staff desk: lists, filters, search and the approve / reject actions."""

import pytest
from django.urls import reverse

from signon.models import Signature

from .conftest import make_signature

CHANGELIST = reverse("admin:signon_signature_changelist")


@pytest.mark.django_db
def test_the_changelist_shows_pending_submissions_with_their_contact(staff_client, letter):
    make_signature(letter, city="Peoria")
    response = staff_client.get(CHANGELIST, {"status__exact": "pending"})
    assert response.status_code == 200
    assert "Peoria" in response.text
    assert "chris.aide@springfield.il.gov" in response.text


@pytest.mark.django_db
def test_search_finds_by_contact_email_and_city(staff_client, letter):
    make_signature(letter, city="Peoria", contact_email="one@peoria.gov")
    make_signature(letter, city="Joliet", contact_email="two@joliet.gov")
    assert "Joliet" not in staff_client.get(CHANGELIST, {"q": "one@peoria"}).text
    assert "Peoria" not in staff_client.get(CHANGELIST, {"q": "Joliet"}).text.split("<tbody>")[1]


@pytest.mark.django_db
def test_the_approve_action_records_who_and_when_and_lists_the_mayor(staff_client, staff, letter):
    signature = make_signature(letter)
    response = staff_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [signature.pk]}, follow=True
    )
    assert "1 signature(s) approved." in response.text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.reviewed_by == staff
    assert signature.reviewed_at is not None
    assert signature.approved_at == signature.reviewed_at
    assert "Mayor Ada Lovelace, Springfield, IL" in staff_client.get(letter.get_absolute_url()).text


@pytest.mark.django_db
def test_the_reject_action_records_the_decision_and_keeps_the_mayor_off(
    staff_client, staff, letter
):
    signature = make_signature(letter)
    staff_client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [signature.pk], "apply": "Reject",
         "reason": "Not the mayor's office"},
    )  # fmt: skip
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.reviewed_by == staff
    assert "Lovelace" not in staff_client.get(letter.get_absolute_url()).text


@pytest.mark.django_db
def test_an_action_skips_signatures_it_cannot_move_and_says_so(staff_client, letter):
    rejected = make_signature(letter, status=Signature.Status.REJECTED)
    pending = make_signature(letter, city="Peoria")
    response = staff_client.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [rejected.pk, pending.pk]},
        follow=True,
    )
    assert "1 signature(s) approved." in response.text
    assert "1 signature(s) skipped" in response.text
    rejected.refresh_from_db()
    assert rejected.status == Signature.Status.REJECTED


@pytest.mark.django_db
def test_editing_the_city_in_admin_updates_the_office_key(staff_client, letter):
    signature = make_signature(letter, city="Sant Louis", state="MO")
    change_url = reverse("admin:signon_signature_change", args=[signature.pk])
    page = staff_client.get(change_url)
    assert page.status_code == 200
    data = {
        "letter": letter.pk, "mayor_first_name": "Ada", "mayor_last_name": "Lovelace",
        "city": "Saint Louis", "state": "MO", "contact_first_name": "Chris",
        "contact_last_name": "Aide", "contact_email": "chris.aide@stlouis-mo.gov",
        "contact_phone": "+13146221234", "contact_phone_extension": "", "review_note": "",
    }  # fmt: skip
    response = staff_client.post(change_url, data)
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.office_key == "MO:saint louis"


@pytest.mark.django_db
def test_the_letter_admin_opens(staff_client, letter):
    response = staff_client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    assert response.status_code == 200
    assert "Laura DeKoven Waxman" in response.text
