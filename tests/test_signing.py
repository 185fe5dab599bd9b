"""Signing on through the real views: Post/Redirect/Get, one office per letter, races."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from signon.models import Signature

from .conftest import form_data, make_signature

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
THANKS_URL = reverse("signon:thanks", kwargs={"slug": "immigration-reform"})


@pytest.mark.django_db
def test_a_valid_submission_is_saved_pending_and_redirects_to_thanks(client, letter):
    response = client.post(SIGN_URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == THANKS_URL

    signature = Signature.objects.get()
    assert signature.letter == letter
    assert signature.status == Signature.Status.PENDING
    assert signature.office_key == "IL:springfield"
    assert signature.contact_phone == "+12175550143"

    thanks = client.get(THANKS_URL)
    assert thanks.status_code == 200
    assert "Mayor Ada Lovelace of Springfield, IL" in thanks.text
    assert "under review" in thanks.text
    # No contact data on the thanks page, and none in its address.
    for private in ("Chris", "chris.aide", "555-0143", "+1217"):
        assert private not in thanks.text
    assert THANKS_URL == "/letters/immigration-reform/sign/thanks/"


@pytest.mark.django_db
def test_an_invalid_submission_saves_nothing_and_keeps_what_was_typed(client, letter):
    response = client.post(SIGN_URL, form_data(contact_phone="123", city="Peñasco"))
    assert response.status_code == 200
    assert Signature.objects.count() == 0
    assert 'value="Peñasco"' in response.text
    assert 'value="chris.aide@springfield.il.gov"' in response.text
    assert "There is a problem" in response.text


@pytest.mark.django_db
def test_refreshing_the_thanks_page_does_not_submit_again(client, letter):
    client.post(SIGN_URL, form_data())
    client.get(THANKS_URL)
    client.get(THANKS_URL)
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_resent_form_from_the_same_browser_lands_on_thanks_with_one_row(client, letter):
    first = client.post(SIGN_URL, form_data())
    second = client.post(SIGN_URL, form_data())
    assert first["Location"] == second["Location"] == THANKS_URL
    assert Signature.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Saint Louis", "saint louis "),
        ("St. Louis", "Saint Louis"),
        ("Ste. Genevieve", "Sainte Genevieve"),
        ("Coeur d'Alene", "coeur d’alene"),
        ("Winston-Salem", "Winston Salem"),
        ("Peñasco", "PENASCO"),
        ("Mayagüez", "mayaguez"),
        ("Kansas City", "Kansas   City"),
    ],
)
def test_it_refuses_a_second_signature_for_the_same_city(client, letter, first, second):
    make_signature(letter, city=first, state="MO", mayor_last_name="Firstcomer",
                   contact_email="earlier.aide@stl-mo.gov")  # fmt: skip
    response = client.post(SIGN_URL, form_data(city=second, state="MO"))
    assert response.status_code == 200
    assert Signature.objects.count() == 1
    assert "is already on this letter or under review" in response.text
    assert "Laura DeKoven Waxman" in response.text  # how to reach the conference
    # Nothing about whoever submitted first.
    assert "earlier.aide" not in response.text
    assert "Firstcomer" not in response.text


@pytest.mark.django_db
def test_the_same_city_in_another_state_is_another_office(client, letter):
    make_signature(letter, city="Springfield", state="IL")
    response = client.post(SIGN_URL, form_data(city="Springfield", state="MO"))
    assert response.status_code == 302
    assert Signature.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Signature.Status.REJECTED, Signature.Status.WITHDRAWN])
def test_a_rejected_or_withdrawn_signature_does_not_block_a_new_one(client, letter, status):
    make_signature(letter, status=status)
    response = client.post(SIGN_URL, form_data())
    assert response.status_code == 302
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 1


@pytest.mark.django_db
def test_an_approved_signature_blocks_a_new_one(client, letter):
    make_signature(letter, status=Signature.Status.APPROVED)
    response = client.post(SIGN_URL, form_data(mayor_first_name="Someone", mayor_last_name="Else"))
    assert response.status_code == 200
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_two_live_signatures_for_one_office(letter):
    from django.db import IntegrityError, transaction

    make_signature(letter, city="Saint Louis", state="MO")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_signature(letter, city="ST LOUIS", state="MO")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_race_leaves_one_row_and_no_server_error(letter):
    """Eight browsers post the same office at once; PostgreSQL keeps exactly one."""
    racers = 8
    barrier = threading.Barrier(racers)
    statuses: list[int] = []
    texts: list[str] = []

    def post(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(SIGN_URL, form_data(contact_email=f"aide{i}@example.org"))
            statuses.append(response.status_code)
            texts.append(response.text if response.status_code == 200 else "")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Signature.objects.filter(office_key="IL:springfield").count() == 1
    assert sorted(statuses) == [200] * (racers - 1) + [302]
    assert all("is already on this letter or under review" in text for text in texts if text)


@pytest.mark.django_db
def test_a_closed_letter_shows_no_form_and_refuses_a_post(client, letter):
    letter.status = Letter.Status.CLOSED
    letter.save()
    page = client.get(SIGN_URL)
    assert page.status_code == 200
    assert "closed to new signatures" in page.text
    assert "<form" not in page.text

    response = client.post(SIGN_URL, form_data())
    assert response.status_code == 403
    assert "closed to new signatures" in response.text
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_a_draft_letter_takes_no_signature(client, letter):
    letter.status = Letter.Status.DRAFT
    letter.save()
    assert client.post(SIGN_URL, form_data()).status_code == 404
    assert Signature.objects.count() == 0
