"""The life of a letter: versions of its text, deadline, delivery, the embeddable count."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from letters.models import Letter, LetterVersion
from signon.delivery import AlreadyDelivered, record_delivery
from signon.models import Delivery, Signature
from signon.packet import delivery_packet_pdf

from .conftest import form_data, letter_admin_data, make_signature


def sign_url(letter: Letter) -> str:
    return reverse("signon:sign", kwargs={"slug": letter.slug})


# Versions of the text ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_seed_letter_starts_at_version_1_with_the_hash_of_its_text(letter):
    version = letter.current_version
    assert version.number == 1
    assert len(version.sha256) == 64
    assert version.body == letter.body


@pytest.mark.django_db
def test_a_signature_records_the_version_it_signed_and_keeps_it_after_an_edit(client, letter):
    client.post(sign_url(letter), form_data())
    signature = Signature.objects.get()
    assert signature.letter_version.number == 1

    letter.body += "\n\nA new closing thought."
    letter.save()
    assert letter.current_version.number == 2

    client.post(sign_url(letter), form_data(city="Peoria", version="2"))
    signature.refresh_from_db()
    assert signature.letter_version.number == 1
    assert Signature.objects.get(city="Peoria").letter_version.number == 2
    assert LetterVersion.objects.get(letter=letter, number=1).body != letter.body


@pytest.mark.django_db
def test_saving_without_a_text_change_adds_no_version(letter):
    letter.title = "A new title"
    letter.save()
    letter.status = Letter.Status.CLOSED
    letter.save(update_fields=["status"])
    assert letter.versions.count() == 1


@pytest.mark.django_db
def test_a_draft_keeps_one_version_while_it_is_written(db):
    draft = Letter.objects.create(slug="next", title="Next", salutation="Dear all:", body="One.")
    draft.body = "Two."
    draft.save()
    assert [(v.number, v.body) for v in draft.versions.all()] == [(1, "Two.")]


@pytest.mark.django_db
def test_changing_a_public_letters_text_in_admin_asks_to_confirm(staff_client, staff, letter):
    make_signature(letter, letter_version=letter.current_version)
    url = reverse("admin:letters_letter_change", args=[letter.pk])
    new_body = letter.body.replace("right away", "without delay")

    unconfirmed = staff_client.post(url, letter_admin_data(letter, body=new_body))
    assert unconfirmed.status_code == 200
    assert "creates version 2" in unconfirmed.text
    assert letter.versions.count() == 1

    confirmed = staff_client.post(
        url, letter_admin_data(letter, body=new_body, confirm_new_version="on")
    )
    assert confirmed.status_code == 302
    version = letter.current_version
    assert (version.number, version.created_by) == (2, staff)
    assert "without delay" in version.body


@pytest.mark.django_db
def test_admin_shows_the_diff_and_the_signatures_per_version(staff_client, letter):
    make_signature(letter, letter_version=letter.current_version)
    letter.body = letter.body.replace("right away", "without delay")
    letter.save()
    make_signature(letter, city="Peoria", letter_version=letter.current_version)
    make_signature(letter, city="Joliet", letter_version=letter.current_version)

    v2 = letter.current_version
    page = staff_client.get(reverse("admin:letters_letterversion_change", args=[v2.pk])).text
    assert "<del>right away</del><ins>without delay</ins>" in page

    listing = staff_client.get(reverse("admin:letters_letterversion_changelist")).text
    assert f'letter_version__id__exact={v2.pk}">2</a>' in listing
    v1 = letter.versions.get(number=1)
    assert f'letter_version__id__exact={v1.pk}">1</a>' in listing

    filtered = staff_client.get(
        reverse("admin:signon_signature_changelist"), {"letter_version__id__exact": v1.pk}
    ).text
    assert "Springfield" in filtered and "Peoria" not in filtered


# Deadline ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_letter_closes_by_itself_at_its_deadline(letter):
    letter.deadline = timezone.now() + datetime.timedelta(minutes=5)
    letter.save()
    assert letter.is_accepting_signatures
    assert letter.public_status == Letter.Status.OPEN

    letter.deadline = timezone.now() - datetime.timedelta(seconds=1)
    assert not letter.is_accepting_signatures
    assert letter.public_status == Letter.Status.CLOSED


@pytest.mark.django_db
def test_a_form_loaded_before_the_deadline_and_posted_after_saves_nothing(client, letter):
    letter.deadline = timezone.now() + datetime.timedelta(hours=1)
    letter.save()
    form_page = client.get(sign_url(letter))
    assert 'id="signon-form"' in form_page.text

    # The deadline passes while the office fills the form in.
    Letter.objects.filter(pk=letter.pk).update(
        deadline=datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)
    )
    response = client.post(sign_url(letter), form_data())
    assert response.status_code == 403
    assert "closed on March 2, 2026, at 12:00 PM EST" in response.text
    assert Signature.objects.count() == 0


# Delivery ---------------------------------------------------------------------------


def deliver(letter: Letter, user=None) -> Delivery:
    return record_delivery(
        letter, user=user, delivered_on=datetime.date(2026, 3, 9),
        delivered_to="Members of Congress", method="hand-delivered", note="",
    )  # fmt: skip


@pytest.mark.django_db
def test_delivery_freezes_the_list(letter, staff):
    first = make_signature(letter, city="Austin", state="TX", status=Signature.Status.APPROVED,
                           approved_at=timezone.now())  # fmt: skip
    make_signature(letter, city="Boise", state="ID", status=Signature.Status.APPROVED,
                   approved_at=timezone.now())  # fmt: skip
    late = make_signature(letter, city="Peoria")
    delivery = deliver(letter, staff)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DELIVERED
    assert delivery.signatory_count == 2
    assert [row["city"] for row in delivery.signatories] == ["Boise", "Austin"]  # Idaho < Texas

    # After delivery: a late approval, a withdrawal and an edit.
    late.status = Signature.Status.APPROVED
    late.save()
    first.status = Signature.Status.WITHDRAWN
    first.mayor_last_name = "Renamed"
    first.save()

    delivery.refresh_from_db()
    assert delivery.signatory_count == 2
    assert [row["city"] for row in delivery.signatories] == ["Boise", "Austin"]
    assert delivery.signatories[1]["mayor_last_name"] == "Lovelace"
    assert set(delivery.signatories[0]) == {
        "mayor_first_name", "mayor_last_name", "city", "state", "state_name", "approved_at",
        "version",
    }  # fmt: skip


@pytest.mark.django_db
def test_a_letter_is_delivered_once(letter):
    deliver(letter)
    with pytest.raises(AlreadyDelivered):
        deliver(letter)


@pytest.mark.django_db
def test_staff_record_a_delivery_in_admin_and_download_the_packet(staff_client, letter):
    make_signature(
        letter, mayor_first_name="Zoë", mayor_last_name="Núñez", city="Mayagüez", state="PR",
        status=Signature.Status.APPROVED, approved_at=timezone.now(),
    )  # fmt: skip
    change = staff_client.get(reverse("admin:letters_letter_change", args=[letter.pk])).text
    deliver_url = reverse("admin:letters_letter_deliver", args=[letter.pk])
    assert deliver_url in change

    response = staff_client.post(
        deliver_url,
        {"delivered_on": "2026-03-09", "delivered_to": "Congress", "method": "by hand", "note": ""},
    )
    delivery = Delivery.objects.get()
    assert response["Location"] == reverse("admin:signon_delivery_change", args=[delivery.pk])

    packet = staff_client.get(reverse("admin:signon_delivery_packet", args=[delivery.pk]))
    assert packet["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(packet.content)).pages)
    assert "Zoë Núñez, Mayagüez" in text
    assert "Signatories (1)" in text


@pytest.mark.django_db
def test_the_packet_has_every_delivered_name_and_no_private_field(letter):
    states = ["TX", "CA", "NY", "PR", "ID", "WY"]
    for i in range(300):
        make_signature(
            letter, mayor_first_name=f"Mayor{i:03d}", mayor_last_name="Example",
            city=f"Town {i:03d}", state=states[i % len(states)],
            contact_first_name="Privatefirst", contact_email=f"private{i}@example.org",
            contact_phone="+12175550199", status=Signature.Status.APPROVED,
            approved_at=timezone.now(),
        )  # fmt: skip
    delivery = deliver(letter)
    reader = PdfReader(io.BytesIO(delivery_packet_pdf(delivery)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for i in range(300):
        assert f"Mayor{i:03d} Example, Town {i:03d}" in text
    assert "Through The U.S. Conference of Mayors, America’s mayors stand united" in text.replace(
        "\n", " "
    )
    for private in ("Privatefirst", "private0@", "555-0199", "+1217"):
        assert private not in text
    assert "Signatories (300)" in text
    assert "Wyoming (50)" in text
    assert len(reader.pages) > 2


# Embeddable count -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_json_count_is_public_cacheable_and_readable_cross_origin(client, letter):
    make_signature(letter, status=Signature.Status.APPROVED)
    make_signature(letter, city="Peoria")  # pending: not counted
    response = client.get(reverse("signon:embed-json", kwargs={"slug": letter.slug}))
    assert response.status_code == 200
    document = response.json()
    # No place data loaded: the signatory counts, and adds no population.
    represented = document.pop("represented")
    assert (represented["population"], represented["signatories"]) == (0, 1)
    assert document == {
        "title": letter.title,
        "url": "http://testserver/letters/immigration-reform/",
        "status": "open",
        "count": 1,
        "list_published_at": None,
    }
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_the_badge_may_be_framed_and_nothing_else_may(client, letter):
    make_signature(letter, status=Signature.Status.APPROVED)
    badge = client.get(reverse("signon:embed-badge", kwargs={"slug": letter.slug}))
    assert badge.status_code == 200
    assert "X-Frame-Options" not in badge
    assert "frame-ancestors *" in badge["Content-Security-Policy"]
    assert "1</span>" in badge.text and "mayor has signed" in badge.text

    page = client.get(letter.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
