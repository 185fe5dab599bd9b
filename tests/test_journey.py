"""The signer's journey: the thanks page, a corrected address, replies that reach a
person, the duplicate answer, and a letter's contact line that leads somewhere."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon.models import OfficeNote, Signature

from .conftest import (
    approved_signature,
    conference_staff,
    form_data,
    make_signature,
    run_queued_mail,
)

SIGN_URL = reverse("signon:sign", kwargs={"slug": "immigration-reform"})
THANKS_URL = reverse("signon:thanks", kwargs={"slug": "immigration-reform"})


def sign_on(client, **fields) -> Signature:
    """Sign on through the form, and let the worker send the mail it owes."""
    assert client.post(SIGN_URL, form_data(**fields)).status_code == 302
    run_queued_mail()
    return Signature.objects.get(city=fields.get("city", "Springfield"))


# ---------------------------------------------------------------- thanks page


@pytest.mark.django_db
def test_the_thanks_page_says_where_the_link_went_for_how_long_and_what_to_quote(
    client, letter, settings
):
    settings.SIGNON_REVIEW_TIME = "three working days"
    signature = sign_on(client)
    html = client.get(THANKS_URL).text
    assert 'class="confirmation-panel"' in html
    assert (
        f'<strong id="signon-reference" class="text-nowrap">{signature.reference}</strong>' in html
    )
    assert re.fullmatch(r"S-\d{5,}", signature.reference)
    assert '<strong id="masked-email">c…e@springfield.il.gov</strong>' in html
    assert "The link works for 72 hours." in html
    assert "This usually takes three working days." in html
    assert "Wrong e-mail address?" in html
    # Whom to write to is a link, not a bare name.
    mailto = '<a href="mailto:questions@conference.example">questions@conference.example</a>'
    assert f"You can write to Laura DeKoven Waxman at {mailto}." in html
    # The full address, the contact's name and phone stay off the page.
    for private in ("chris.aide", "Chris", "555-0143", "+1217"):
        assert private not in html


@pytest.mark.django_db
def test_another_visitor_sees_none_of_the_submissions_details(client, letter):
    signature = sign_on(client)
    html = Client().get(THANKS_URL).text
    assert "your sign-on was received" in html
    for detail in (signature.reference, "springfield.il.gov", "Lovelace", "Wrong e-mail"):
        assert detail not in html


@pytest.mark.django_db
def test_a_wrong_address_is_corrected_and_sent_a_new_link(client, letter):
    signature = sign_on(client)
    mail.outbox.clear()
    response = client.post(THANKS_URL, {"contact_email": "Chris.Aide@Springfield.IL.us"})
    run_queued_mail()
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.contact_email == "Chris.Aide@springfield.il.us"
    assert [message.to for message in mail.outbox] == [["Chris.Aide@springfield.il.us"]]
    assert "/confirm/" in mail.outbox[0].body
    html = client.get(THANKS_URL).text
    assert "We sent a new confirmation link to C…e@springfield.il.us." in html


@pytest.mark.django_db
def test_an_invalid_correction_keeps_the_address_and_says_why(client, letter):
    signature = sign_on(client)
    response = client.post(THANKS_URL, {"contact_email": "chris at city hall"})
    assert response.status_code == 200
    assert "Enter an e-mail address like name@cityname.gov." in response.text
    assert 'value="chris at city hall"' in response.text
    signature.refresh_from_db()
    assert signature.contact_email == "chris.aide@springfield.il.gov"


@pytest.mark.django_db
def test_corrections_are_limited_per_sign_on(client, letter, settings):
    settings.SIGNON_EMAIL_CORRECTIONS = 2
    signature = sign_on(client)
    mail.outbox.clear()
    for n in range(2):
        client.post(THANKS_URL, {"contact_email": f"aide{n}@springfield.il.gov"})
        run_queued_mail()
    refused = client.post(THANKS_URL, {"contact_email": "stranger@example.org"})
    assert refused.status_code == 200
    assert "changed too many times" in refused.text
    assert len(mail.outbox) == 2
    signature.refresh_from_db()
    assert signature.contact_email == "aide1@springfield.il.gov"


@pytest.mark.django_db
def test_a_confirmed_address_cannot_be_changed_from_the_thanks_page(client, letter):
    signature = sign_on(client)
    Signature.objects.filter(pk=signature.pk).update(email_confirmed_at="2026-03-01T10:00Z")
    assert "Wrong e-mail address?" not in client.get(THANKS_URL).text
    client.post(THANKS_URL, {"contact_email": "someone@else.example"})
    signature.refresh_from_db()
    assert signature.contact_email == "chris.aide@springfield.il.gov"


@pytest.mark.django_db
def test_a_visitor_without_a_submission_cannot_change_any_address(client, letter):
    signature = make_signature(letter)
    response = client.post(THANKS_URL, {"contact_email": "someone@else.example"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.contact_email == "chris.aide@springfield.il.gov"


# ---------------------------------------------------------------- mail


@pytest.mark.django_db
def test_every_message_has_a_reply_to_that_reaches_a_person(client, letter, settings):
    settings.SIGNON_STAFF_EMAILS = ["desk@conference.example"]
    signature = sign_on(client)
    signature.approve(conference_staff())
    run_queued_mail()
    assert len(mail.outbox) == 3  # receipt, staff notification, approval notice
    for message in mail.outbox:
        assert message.reply_to == ["questions@conference.example"], message.subject
    receipt = mail.outbox[0]
    assert f"Your reference: {signature.reference}" in receipt.body
    assert "If you did not submit this sign-on, reply to this e-mail" in receipt.body


@pytest.mark.django_db
def test_the_letters_own_contact_takes_the_replies(client, letter):
    letter.questions_contact_email = "lwaxman@usmayors.example"
    letter.save()
    sign_on(client)
    assert mail.outbox[0].reply_to == ["lwaxman@usmayors.example"]


@pytest.mark.django_db
def test_without_any_address_the_receipt_does_not_ask_for_a_reply(client, letter, settings):
    settings.CONFERENCE_CONTACT_EMAIL = ""
    sign_on(client)
    assert mail.outbox[0].reply_to == []
    assert "reply to this e-mail" not in mail.outbox[0].body
    assert "write to Laura DeKoven Waxman" in mail.outbox[0].body


@pytest.mark.django_db
def test_staff_cannot_publish_a_contact_name_that_leads_nowhere(letter, settings):
    settings.CONFERENCE_CONTACT_EMAIL = ""
    with pytest.raises(ValidationError, match="Give an e-mail address for Laura"):
        letter.full_clean()
    letter.questions_contact_email = "lwaxman@usmayors.example"
    letter.full_clean()


# ---------------------------------------------------------------- duplicate


@pytest.mark.django_db
def test_the_duplicate_answer_names_the_city_as_the_office_wrote_it_and_links_the_list(
    client, letter
):
    make_signature(letter, city="Austin", state="TX")
    response = client.post(SIGN_URL, form_data(city="  austin ", state="TX"))
    assert response.status_code == 200
    assert "Austin, TX is already on this letter or under review" in response.text
    assert "austin, TX" not in response.text
    link = f'href="{letter.get_absolute_url()}?state=TX#signatories-title"'
    assert link in response.text
    assert "for example a new mayor" in response.text
    assert Signature.objects.count() == 1


ASK_URL = reverse("signon:ask", kwargs={"slug": "immigration-reform"})
QUESTION = {
    "asker_name": "Jordan Clerk",
    "asker_email": "jordan@austintexas.gov",
    "asker_phone": "",
    "message": "Austin has a new mayor, Mayor Kirk Watson, who wants to sign on.",
}


@pytest.mark.django_db
def test_an_office_already_on_the_letter_can_ask_the_conference_as_a_note_not_a_signature(
    client, letter
):
    existing = make_signature(letter, city="Austin", state="TX")
    duplicate = client.post(SIGN_URL, form_data(city="AUSTIN", state="TX"))
    assert f'href="{ASK_URL}"' in duplicate.text
    form = client.get(ASK_URL)
    assert "Ask the conference about Austin, TX" in form.text
    sent = client.post(ASK_URL, QUESTION)
    assert sent.status_code == 302
    assert "Your question was sent" in client.get(ASK_URL).text
    assert Signature.objects.count() == 1
    note = existing.notes.get()
    assert note.message == QUESTION["message"]
    assert note.asker_email == "jordan@austintexas.gov"


@pytest.mark.django_db
def test_staff_read_the_question_on_the_existing_signature(client, letter, staff_client):
    existing = make_signature(letter, city="Austin", state="TX")
    client.post(SIGN_URL, form_data(city="Austin", state="TX"))
    client.post(ASK_URL, QUESTION)
    page = staff_client.get(reverse("admin:signon_signature_change", args=[existing.pk]))
    assert "questions from the office (private)" in page.text.lower()
    assert "Mayor Kirk Watson" in page.text


@pytest.mark.django_db
def test_the_question_form_needs_a_duplicate_answer_first(client, letter):
    make_signature(letter, city="Austin", state="TX")
    page = client.get(ASK_URL)
    assert "This form follows a sign-on for a city that is already on the letter" in page.text
    client.post(ASK_URL, QUESTION)
    assert not Signature.objects.get().notes.exists()


@pytest.mark.django_db
def test_a_question_with_errors_keeps_what_was_typed(client, letter):
    make_signature(letter, city="Austin", state="TX")
    client.post(SIGN_URL, form_data(city="Austin", state="TX"))
    response = client.post(ASK_URL, {**QUESTION, "asker_email": "jordan at city hall"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Mayor Kirk Watson" in response.text
    assert not Signature.objects.get().notes.exists()


@pytest.mark.django_db
def test_under_embargo_no_question_form_confirms_the_city(client, letter):
    letter.list_published_at = timezone.now() + timedelta(days=7)
    letter.save()
    make_signature(letter, city="Austin", state="TX")
    duplicate = client.post(SIGN_URL, form_data(city="Austin", state="TX"))
    assert ASK_URL not in duplicate.text
    assert "Austin" not in client.get(ASK_URL).text


@pytest.mark.django_db
def test_the_reference_finds_the_signature_in_admin(staff_client, letter):
    signature = make_signature(letter)
    make_signature(letter, city="Peoria")
    changelist = reverse("admin:signon_signature_changelist")
    page = staff_client.get(changelist, {"q": signature.reference})
    assert page.context["cl"].result_count == 1
    assert list(page.context["cl"].result_list) == [signature]


# ---------------------------------------------------------------- privacy notice


@pytest.mark.django_db
def test_the_privacy_notice_says_what_why_who_and_how_long_and_the_form_links_it(client, letter):
    privacy = reverse("signon:privacy")
    assert f'href="{privacy}"' in client.get(SIGN_URL).text
    html = client.get(privacy).text
    for heading in ("What we collect", "Why", "Who sees them", "How long we keep them"):
        assert f">{heading}</h2>" in html
    assert "erased about 365 days after the letter closes" in html


@pytest.mark.django_db
def test_the_purge_erases_questions_with_the_contact_details(letter):
    signature = make_signature(letter, city="Austin", state="TX")
    OfficeNote.objects.create(
        signature=signature,
        asker_name="Jordan Clerk",
        asker_email="jordan@austintexas.gov",
        message="A new mayor.",
    )
    long_ago = timezone.now() - timedelta(days=400)
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.CLOSED, updated_at=long_ago)
    call_command("purge_contact_details", "--days", "365", stdout=io.StringIO())
    assert not OfficeNote.objects.exists()
    assert Signature.objects.get().city == "Austin"


# ---------------------------------------------------------------- the letter page

LETTER_URL = reverse("signon:letter", kwargs={"slug": "immigration-reform"})


@pytest.mark.django_db
def test_the_letter_page_opens_with_its_date_and_status_and_says_how_names_are_checked(
    client, letter
):
    html = client.get(LETTER_URL).text
    created = timezone.localtime(letter.created_at)
    top = html[: html.index('class="letter__text"')]
    assert f'Dated <time datetime="{created:%Y-%m-%d}">' in top
    assert '<span id="letter-status">open for signatures</span>' in top
    assert "How signatures are checked" in html
    assert "Conference staff confirm every sign-on with the mayor’s office" in html


@pytest.mark.django_db
def test_a_sign_on_button_follows_the_letter(client, letter):
    html = client.get(LETTER_URL).text
    after = html[html.index('class="letter__text"') :]
    assert 'id="sign-on-after-letter"' in after
    assert f'href="{SIGN_URL}">Sign on for your city</a>' in after


@pytest.mark.django_db
def test_an_empty_list_invites_a_first_signature_and_offers_no_empty_download(client, letter):
    html = client.get(LETTER_URL).text
    assert "Sign-ons are open: no mayor is listed yet." in html
    assert "Be the first: <a href" in html
    assert "0 mayors have signed" not in html
    assert "<strong>0</strong>" not in html
    assert "signatories.csv" not in html and "signatories.json" not in html


@pytest.mark.django_db
def test_the_list_says_when_it_was_last_updated(client, letter, time_machine):
    time_machine.move_to("2026-03-02 15:00:00-05:00")
    approved_signature(letter, city="Austin", state="TX")
    time_machine.move_to("2026-03-05 10:00:00-05:00")
    approved_signature(letter, city="Boise", state="ID")
    html = client.get(LETTER_URL).text
    assert '<span id="list-updated">List last updated March 5, 2026.</span>' in html


@pytest.mark.django_db
def test_a_shared_filtered_link_brings_the_script_that_lands_on_the_results(client, letter):
    approved_signature(letter, city="Austin", state="TX")
    assert "js/land-on-results." in client.get(LETTER_URL, {"state": "TX"}).text
    assert "js/land-on-results." not in client.get(LETTER_URL).text


def test_whom_to_write_to_is_a_link_on_a_page_and_a_phrase_in_plain_text(letter, settings):
    from signon.contact import conference_contact

    letter.questions_contact_name = "Ana <Diaz>"
    contact = conference_contact(letter)
    assert str(contact) == "Ana <Diaz> at questions@conference.example"
    assert contact.linked == (
        'Ana &lt;Diaz&gt; at <a href="mailto:questions@conference.example">'
        "questions@conference.example</a>"
    )
    settings.CONFERENCE_CONTACT_EMAIL = ""
    assert conference_contact(letter).linked == "Ana &lt;Diaz&gt;"
