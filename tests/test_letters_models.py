"""letters.models: what a signer signed stays signed, whatever path changes a letter."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from letters.models import Letter, LetterLocked, LetterVersion, text_sha256
from signon.delivery import record_delivery
from signon.models import Delivery, InvalidTransition, Signature
from signon.packet import delivery_packet_pdf

from .conftest import approved_signature, form_data, letter_admin_data, make_signature


def change_url(letter: Letter) -> str:
    return reverse("admin:letters_letter_change", args=[letter.pk])


def sign_url(letter: Letter) -> str:
    return reverse("signon:sign", kwargs={"slug": letter.slug})


def deliver(letter: Letter, user=None) -> Delivery:
    return record_delivery(
        letter, user=user, delivered_on=datetime.date(2026, 3, 9),
        delivered_to="Members of Congress", method="hand-delivered",
    )  # fmt: skip


def eight_signatures(letter: Letter) -> list[Signature]:
    v1 = letter.current_version
    return [approved_signature(letter, city=f"Town {i}", letter_version=v1) for i in range(8)]


# The reproduction from the issue ----------------------------------------------------


@pytest.mark.django_db
def test_staff_cannot_move_a_signed_letter_to_draft_rewrite_it_and_reopen_it(staff_client, letter):
    signatures = eight_signatures(letter)
    v1 = letter.current_version
    v1_body, v1_sha = v1.body, v1.sha256

    to_draft = staff_client.post(change_url(letter), letter_admin_data(letter, status="draft"))

    assert to_draft.status_code == 200
    assert "cannot return to Draft" in to_draft.text
    letter.refresh_from_db()
    assert letter.status == Letter.Status.OPEN
    # Changing the words on the open letter, confirmed, adds version 2 instead.
    opposite = letter.body.replace("Congress", "nobody")
    changed = staff_client.post(
        change_url(letter), letter_admin_data(letter, body=opposite, confirm_new_version="on")
    )
    assert changed.status_code == 302
    v1.refresh_from_db()
    assert (v1.number, v1.body, v1.sha256) == (1, v1_body, v1_sha)
    assert letter.current_version.number == 2
    assert "nobody" in letter.current_version.body
    kept = Signature.objects.filter(pk__in=[s.pk for s in signatures])
    assert {s.letter_version_id for s in kept} == {v1.pk}


@pytest.mark.django_db
def test_the_shell_obeys_the_same_rules_as_the_admin(letter):
    make_signature(letter, letter_version=letter.current_version)
    letter.status = Letter.Status.DRAFT

    with pytest.raises(LetterLocked, match="cannot return to Draft"):
        letter.save()

    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.OPEN


@pytest.mark.django_db
def test_a_rejected_signature_still_counts_as_signed(letter):
    make_signature(letter, status=Signature.Status.REJECTED, letter_version=letter.current_version)
    letter.status = Letter.Status.DRAFT
    with pytest.raises(LetterLocked):
        letter.save(update_fields=["status"])


@pytest.mark.django_db
def test_an_unsigned_public_letter_may_go_back_to_draft(letter):
    letter.status = Letter.Status.DRAFT
    letter.save()
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.DRAFT


# Versions: in place only while unsigned, one transaction ---------------------------


@pytest.mark.django_db
def test_a_public_letters_text_change_adds_a_version_and_keeps_the_signed_one(letter):
    signature = make_signature(letter, letter_version=letter.current_version)
    v1_body = letter.current_version.body
    letter.body += "\n\nAn edit after a signature."
    letter.save()

    assert sorted(letter.versions.values_list("number", flat=True)) == [1, 2]
    assert letter.versions.get(number=1).body == v1_body
    assert "An edit after" in letter.current_version.body
    signature.refresh_from_db()
    assert signature.letter_version.number == 1


@pytest.mark.django_db
def test_a_signed_draft_version_is_not_rewritten_either(db):
    draft = Letter.objects.create(slug="d", title="D", salutation="Dear all:", body="One.")
    make_signature(draft, letter_version=draft.current_version)
    draft.body = "Two."
    draft.save()
    assert [(v.number, v.body) for v in draft.versions.order_by("number")] == [
        (1, "One."), (2, "Two."),
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_row_and_its_version_are_saved_in_one_transaction(letter, monkeypatch):
    make_signature(letter, letter_version=letter.current_version)
    original = letter.body

    def failing_create(*args, **kwargs):
        raise IntegrityError("version insert failed")

    monkeypatch.setattr(LetterVersion.objects, "create", failing_create)
    letter.body = "Words nobody signed."
    with pytest.raises(IntegrityError):
        letter.save()

    assert Letter.objects.get(pk=letter.pk).body == original
    assert LetterVersion.objects.filter(letter=letter).count() == 1


# Delivered is final ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivered_letter_cannot_be_changed_through_the_model(letter):
    approved_signature(letter, letter_version=letter.current_version)
    deliver(letter)
    letter.refresh_from_db()

    letter.body = "A new body after delivery."
    with pytest.raises(LetterLocked, match="delivered"):
        letter.save()
    letter.refresh_from_db()
    letter.status = Letter.Status.OPEN
    with pytest.raises(LetterLocked):
        letter.save(update_fields=["status"])

    stored = Letter.objects.get(pk=letter.pk)
    assert stored.status == Letter.Status.DELIVERED
    assert "A new body" not in stored.body
    assert stored.versions.count() == 1


@pytest.mark.django_db
def test_a_delivered_letter_cannot_be_changed_through_the_admin_form(staff_client, letter):
    deliver(letter)
    letter.refresh_from_db()

    reopened = staff_client.post(change_url(letter), letter_admin_data(letter, status="open"))
    rewritten = staff_client.post(
        change_url(letter),
        letter_admin_data(letter, body="Something else.", confirm_new_version="on"),
    )

    for response in (reopened, rewritten):
        assert response.status_code == 200
        assert "This letter was delivered" in response.text
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DELIVERED
    assert letter.body != "Something else."
    assert letter.versions.count() == 1


@pytest.mark.django_db
def test_the_delivered_status_comes_only_from_recording_a_delivery(staff_client, letter):
    response = staff_client.post(change_url(letter), letter_admin_data(letter, status="delivered"))
    assert response.status_code == 200
    assert "by recording its delivery" in response.text
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.OPEN


@pytest.mark.django_db
def test_a_delivery_record_keeps_its_list(letter):
    approved_signature(letter, letter_version=letter.current_version)
    delivery = deliver(letter)
    delivery.signatories = []
    with pytest.raises(LetterLocked):
        delivery.save()
    assert Delivery.objects.get().signatory_count == len(Delivery.objects.get().signatories) == 1


# The confirmation judges what is being saved ------------------------------------------


@pytest.mark.django_db
def test_saving_the_seed_letter_unchanged_from_a_browser_asks_nothing(staff_client, letter):
    # Browsers send textareas with CRLF line endings; the form strips the ends.
    crlf = {f: getattr(letter, f).replace("\n", "\r\n") for f in ("salutation", "body", "closing")}
    assert letter.body.endswith("\n") or "\n" in letter.body

    response = staff_client.post(change_url(letter), letter_admin_data(letter, **crlf))

    assert response.status_code == 302
    assert letter.versions.count() == 1
    stored = Letter.objects.get(pk=letter.pk)
    assert stored.body == letter.body


def test_crlf_and_lf_are_the_same_version():
    assert text_sha256("Dear all:", "One.\r\n\r\nTwo.  \r\n", "") == text_sha256(
        "Dear all:", "One.\n\nTwo.", ""
    )


@pytest.mark.django_db
def test_publishing_a_draft_with_new_words_asks_to_confirm(staff_client, db):
    draft = Letter.objects.create(slug="d", title="D", salutation="Dear all:", body="One.")
    url = change_url(draft)

    response = staff_client.post(url, letter_admin_data(draft, status="open", body="Two."))

    assert response.status_code == 200
    assert "Tick “Yes, publish a new version of the text”" in response.text
    draft.refresh_from_db()
    assert (draft.status, draft.body) == (Letter.Status.DRAFT, "One.")


# The signer confirms the text they sign -------------------------------------------------


@pytest.mark.django_db
def test_a_signer_shown_an_older_text_sees_the_new_one_and_confirms_again(client, letter):
    page = client.get(sign_url(letter)).text
    assert 'name="version" value="1"' in page
    letter.body = letter.body.replace("Congress", "the Senate alone")
    letter.save()
    assert letter.current_version.number == 2

    stale = client.post(sign_url(letter), form_data(version="1", mayor_first_name="Grace"))

    assert stale.status_code == 200
    assert Signature.objects.count() == 0
    assert "The letter’s text has changed" in stale.text
    assert "the Senate alone" in stale.text
    assert 'value="Grace"' in stale.text
    assert 'name="version" value="2"' in stale.text

    confirmed = client.post(sign_url(letter), form_data(version="2", mayor_first_name="Grace"))

    assert confirmed.status_code == 302
    signature = Signature.objects.get()
    assert (signature.mayor_first_name, signature.letter_version.number) == ("Grace", 2)


@pytest.mark.django_db
def test_a_post_without_the_version_shown_saves_nothing(client, letter):
    data = form_data()
    del data["version"]
    response = client.post(sign_url(letter), data)
    assert response.status_code == 200
    assert "The letter’s text has changed" in response.text
    assert Signature.objects.count() == 0


# What is delivered says who signed what ---------------------------------------------


def signed_on_two_versions(letter: Letter) -> None:
    approved_signature(letter, mayor_last_name="Early", city="Austin", state="TX",
                       letter_version=letter.current_version)  # fmt: skip
    letter.body = letter.body.replace("BRIDGE Act", "Dream Act")
    letter.save()
    approved_signature(letter, mayor_last_name="Late", city="Boise", state="ID",
                       letter_version=letter.current_version)  # fmt: skip


@pytest.mark.django_db
def test_the_packet_names_who_signed_which_version(letter):
    signed_on_two_versions(letter)
    delivery = deliver(letter)

    assert {row["mayor_last_name"]: row["version"] for row in delivery.signatories} == {
        "Early": 1, "Late": 2,
    }  # fmt: skip
    reader = PdfReader(io.BytesIO(delivery_packet_pdf(delivery)))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "1 signed this text (version 2), 1 an earlier version" in text
    assert "Signed version 2, the text above" in text
    assert "Signed version 1, an earlier text (1 mayor)" in text
    late, early = text.index("Ada Late, Boise"), text.index("Ada Early, Austin")
    assert text.index("Signed version 2") < late < text.index("Signed version 1") < early


@pytest.mark.django_db
def test_a_packet_of_one_version_looks_as_before(letter):
    approved_signature(letter, letter_version=letter.current_version)
    reader = PdfReader(io.BytesIO(delivery_packet_pdf(deliver(letter))))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Signed by 1 mayor" in text
    assert "earlier" not in text


@pytest.mark.django_db
def test_the_public_page_names_who_signed_an_earlier_text(client, letter):
    signed_on_two_versions(letter)

    page = client.get(letter.get_absolute_url()).text

    assert "1 of them signed version 1, an earlier text" in page
    start = page.index('id="earlier-versions"')
    section = page[start : page.index("</section>", start)]
    assert "The text above is version 2." in section
    assert "Mayor Ada Early, Austin, TX" in section
    assert "Mayor Ada Late, Boise, ID" not in section
    assert "<del>BRIDGE</del><ins>Dream</ins>" in section


@pytest.mark.django_db
def test_the_public_page_is_unchanged_when_all_signed_the_current_text(client, letter):
    approved_signature(letter, letter_version=letter.current_version)
    page = client.get(letter.get_absolute_url()).text
    assert "earlier-versions" not in page and "an earlier text" not in page


@pytest.mark.django_db
def test_recording_a_delivery_warns_of_pending_signatures(staff_client, letter):
    make_signature(letter, city="Peoria")
    make_signature(letter, city="Joliet")
    url = reverse("admin:letters_letter_deliver", args=[letter.pk])
    details = {"delivered_on": "2026-03-09", "delivered_to": "Congress", "method": "by hand"}

    form_page = staff_client.get(url)
    shown = [str(message) for message in get_messages(form_page.wsgi_request)]
    assert "2 signatures are still pending" in shown[0]
    unconfirmed = staff_client.post(url, details)
    assert unconfirmed.status_code == 200
    assert "2 signatures are still pending" in unconfirmed.text
    assert not Delivery.objects.exists()

    confirmed = staff_client.post(url, {**details, "leave_pending_out": "on"})
    assert confirmed.status_code == 302
    assert Delivery.objects.get().signatory_count == 0


# Dates without glibc's "%-d" -------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_names_its_date_without_a_leading_zero(letter):
    assert str(deliver(letter)).endswith("delivered March 9, 2026")


def test_no_code_uses_glibc_only_date_formats():
    root = Path(__file__).resolve().parent.parent
    sources = [
        path
        for folder in ("config", "letters", "signon", "templates")
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
    ]
    offenders = [str(p) for p in sources if any(f"%-{c}" in p.read_text() for c in "dIHmMSjy")]
    assert offenders == []


@pytest.mark.django_db
def test_a_delivered_letters_list_takes_no_new_approval_or_withdrawal(letter, staff):
    listed = approved_signature(letter, city="Austin", state="TX")
    waiting = make_signature(letter, city="Boise", state="ID")
    deliver(letter)

    with pytest.raises(InvalidTransition, match="delivered"):
        waiting.approve(staff)
    with pytest.raises(InvalidTransition, match="delivered"):
        Signature.objects.get(pk=listed.pk).withdraw(staff, "changed their mind")

    assert Signature.objects.get(pk=waiting.pk).status == Signature.Status.PENDING
    assert Signature.objects.get(pk=listed.pk).status == Signature.Status.APPROVED
    # Turning down what never reached the list changes nothing public.
    Signature.objects.get(pk=waiting.pk).reject(staff, "not the mayor's office")
    assert Signature.objects.get(pk=waiting.pk).status == Signature.Status.REJECTED


@pytest.mark.django_db
def test_a_delivery_during_an_embargo_freezes_the_approved_list(letter):
    letter.list_published_at = timezone.now() + datetime.timedelta(days=7)
    letter.save(update_fields=["list_published_at", "updated_at"])
    approved_signature(letter, city="Austin", state="TX", letter_version=letter.current_version)

    delivery = deliver(letter)

    assert delivery.signatory_count == 1
    assert delivery.signatories[0]["city"] == "Austin"
