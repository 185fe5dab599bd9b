"""Outreach: invitations with personal links, the funnel, reminders, opt-outs, and the
directory signal on the review desk."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from outreach import campaign, links, tasks, verification
from outreach.models import Invitation, Office, OptOut, SavedSelection
from places.models import Place
from signon.models import Signature
from tests.conftest import (
    CHANGELIST,
    admin_action,
    form_data,
    log_in_with_device,
    make_signature,
    run_queued_mail,
    staff_without_review,
)

INVITE_URL = reverse("admin:outreach_invitation_invite")
FAILING = "tests.failing_mail.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
LINK = re.compile(r"http://\S+/letters/[\w-]+/invited/[^/\s]+/")


def make_office(number: int, **fields) -> Office:
    values = {
        "city": f"Town {number}", "state": "OH", "mayor_first_name": "Mayor",
        "mayor_last_name": f"Number{number}", "email": f"mayor{number}@town{number}.oh.gov",
        "phone": "+12175550143", "domains": f"town{number}.oh.gov", **fields,
    }  # fmt: skip
    return Office.objects.create(**values)


def funnel_url(letter) -> str:
    return reverse("admin:outreach_invitation_funnel", args=[letter.pk])


def invite_all(staff_client, letter, **choices):
    data = {"letter": letter.pk, "members_only": "on", "not_yet_signed": "on", "send": "1",
            **choices}  # fmt: skip
    return staff_client.post(INVITE_URL, data)


def personal_links() -> dict[str, str]:
    """Each invited office's e-mail address → the sign-on link in its message."""
    return {message.to[0]: LINK.search(message.body)[0] for message in outreach_mail()}


def path_of(url: str) -> str:
    """The path of a link from an e-mail (the test client speaks to the site directly)."""
    return urlsplit(url).path


def sign_through(client, url: str, office: Office, **fields):
    """Sign on through a personal link, as the invited office (any field overridden)."""
    values = {
        "mayor_first_name": office.mayor_first_name, "mayor_last_name": office.mayor_last_name,
        "city": office.city, "state": office.state,
        "contact_email": f"aide@{office.domains.split()[0]}", **fields,
    }  # fmt: skip
    return client.post(path_of(url), form_data(**values))


def outreach_mail() -> list:
    """The invitations and reminders sent (not the sign-on receipts)."""
    return [message for message in mail.outbox if "Invitation to sign" in message.subject]


# ---------------------------------------------------------------- invitations


@pytest.mark.django_db
def test_an_invitation_link_opens_the_form_filled_in_and_links_the_signature(
    staff_client, client, letter
):
    office = make_office(1, mayor_first_name="Ada", mayor_last_name="Lovelace")
    invite_all(staff_client, letter)
    assert run_queued_mail() == [{"sent": 1, "failed": 0, "skipped": 0}]
    [message] = mail.outbox
    assert letter.title in message.subject and letter.title in message.body
    assert "List-Unsubscribe" in message.extra_headers
    url = personal_links()[office.email]
    page = client.get(path_of(url))
    form = page.context["form"]
    prefilled = ["mayor_first_name", "mayor_last_name", "city", "state"]
    assert [form[name].value() for name in prefilled] == ["Ada", "Lovelace", "Town 1", "OH"]
    invitation = Invitation.objects.get()
    assert invitation.opened_at is not None
    response = sign_through(client, url, office)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.signature.mayor_name == "Ada Lovelace"


@pytest.mark.django_db
def test_the_link_carries_only_a_signed_invitation_id(staff_client, letter):
    office = make_office(1)
    invite_all(staff_client, letter)
    run_queued_mail()
    url = personal_links()[office.email]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert signing.loads(token, salt="outreach.invitation") == Invitation.objects.get().pk
    for private in [office.email, office.phone, office.mayor_last_name, office.city]:
        assert private not in url


@pytest.mark.django_db
def test_a_tampered_or_forged_token_is_refused_with_a_clear_page(staff_client, client, letter):
    make_office(1)
    make_office(2)
    invite_all(staff_client, letter)
    first, second = Invitation.objects.order_by("pk")
    token = links.invitation_token(first)
    # The id swapped for another office's, the signature kept: not accepted.
    forged = signing.dumps(second.pk, salt="outreach.invitation").split(":")[0]
    tampered = ":".join([forged, *token.split(":")[1:]])
    for bad in [tampered, token[:-2] + "xx", "nonsense", signing.dumps(second.pk, salt="other")]:
        response = client.get(reverse("outreach:invited", args=[letter.slug, bad]))
        assert response.status_code == 400
        assert b"This invitation does not work" in response.content
    assert not Invitation.objects.filter(opened_at__isnull=False).exists()


@pytest.mark.django_db
def test_an_invitation_signs_only_for_its_own_office(staff_client, client, letter):
    office = make_office(1)
    other = make_office(2)
    invite_all(staff_client, letter)
    url = links.invitation_url(Invitation.objects.get(office=office))
    response = sign_through(client, url, office, city=other.city)
    assert response.status_code == 200
    assert "This invitation is for Town 1, OH" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_the_link_expires_when_the_letter_closes(staff_client, client, letter):
    office = make_office(1)
    invite_all(staff_client, letter)
    url = links.invitation_url(Invitation.objects.get())
    letter.status = letter.Status.CLOSED
    letter.save()
    assert b"closed to new signatures" in client.get(path_of(url)).content
    assert sign_through(client, url, office).status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_invite_chooses_by_state_member_size_and_not_yet_signed(staff_client, letter):
    big = make_office(1, city="Columbus")
    Place.objects.create(name="Columbus", state="OH", population=905_748, source="geonames",
                         source_id="4509177")  # fmt: skip
    big.place = None
    big.save()
    make_office(2)  # no population known: not member-size
    make_office(3, state="TX")
    signed = make_office(4, city="Dayton")
    make_signature(letter, city="Dayton", state="OH")
    make_office(5, member=False)
    offices = campaign.candidates(letter, states=["OH"], member_size=True)
    assert list(offices) == [big]
    assert signed not in campaign.candidates(letter)
    choices = {"letter": letter.pk, "states": ["OH"], "members_only": "on", "not_yet_signed": "on"}
    response = staff_client.post(INVITE_URL, choices)
    assert response.context["office_count"] == 2  # Columbus and Town 2
    assert not Invitation.objects.exists()  # a preview sends nothing


# ---------------------------------------------------------------- the campaign


@pytest.mark.django_db
def test_the_funnel_after_a_scripted_campaign(staff_client, client, letter, settings, staff):
    settings.SIGNON_OUTREACH_REMINDER_DAYS = 7
    offices = [make_office(n) for n in range(20)]
    invite_all(staff_client, letter)
    run_queued_mail()
    assert len(outreach_mail()) == 20
    links = personal_links()
    for office in offices[:12]:  # twelve open the form
        assert client.get(path_of(links[office.email])).status_code == 200
    for office in offices[:8]:  # eight of them sign
        assert sign_through(client, links[office.email], office).status_code == 302
    for office in offices[12:14]:  # two say no, one with a reason
        decline = links[office.email] + "decline/"
        client.post(path_of(decline), {"reason": "The council has not voted on it."})
    # Six of the eight are verified and approved.
    approved = Signature.objects.order_by("pk")[:6]
    admin_action(staff_client, "approve_selected", *approved, apply="Approve")

    mail.outbox.clear()
    # Too soon for a reminder: nobody is due.
    assert campaign.remind(Invitation.objects.all(), staff) == 0
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        # A week on, staff sign in again (the session has expired) and remind the silent.
        staff_client = log_in_with_device(Client(), staff)
        response = staff_client.post(funnel_url(letter), {"remind": "1"}, follow=True)
        assert b"10 reminder(s) queued for sending" in response.content
        run_queued_mail()
        reminders = outreach_mail()
        reminded = {message.to[0] for message in reminders}
        assert reminded == {office.email for office in [*offices[8:12], *offices[14:]]}
        assert all(message.subject.startswith("Reminder:") for message in reminders)
        # One silent office asks not to be e-mailed again.
        unsubscribe = re.search(r"http://\S+/outreach/unsubscribe/\S+/", reminders[0].body)[0]
        quitter = Office.objects.get(email=reminders[0].to[0])
        client.post(path_of(unsubscribe))
    assert OptOut.objects.get().office == quitter

    funnel = staff_client.get(funnel_url(letter)).context["funnel"]
    assert funnel == {"invited": 20, "opened": 12, "submitted": 8, "approved": 6,
                      "declined": 2, "reminded": 10, "unsubscribed": 1,
                      "mail_failed": 0}  # fmt: skip
    # A second round, a week later: nine, never the office that opted out.
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=16)):
        assert campaign.remind(Invitation.objects.all(), staff) == 9
        run_queued_mail()
    assert len(outreach_mail()) == 9
    assert quitter.email not in {message.to[0] for message in outreach_mail()}
    # At most SIGNON_OUTREACH_MAX_REMINDERS (2): a third round sends nothing.
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert campaign.remind(Invitation.objects.all(), staff) == 0
    # The batch and the reminder rounds are in the letter's history, with who.
    history = LogEntry.objects.filter(object_id=str(letter.pk), user=staff)
    messages = set(history.values_list("change_message", flat=True))
    assert {"Invited 20 office(s) from the directory", "Sent a reminder to 10 office(s)",
            "Sent a reminder to 9 office(s)"} <= messages  # fmt: skip
    declined = Invitation.objects.filter(declined_at__isnull=False)
    assert set(declined.values_list("decline_reason", flat=True)) == {
        "The council has not voted on it."
    }


@pytest.mark.django_db
def test_an_office_that_opted_out_is_never_invited_to_another_letter(staff_client, client, letter):
    office = make_office(1)
    campaign.opt_out(office)
    assert office not in campaign.candidates(letter)
    # Even if an invitation was queued before the opt-out, the worker sends nothing.
    invitation = Invitation.objects.create(letter=letter, office=office, sent_at=timezone.now())
    tasks.send_outreach_mail.enqueue("invitation", [invitation.pk])
    assert run_queued_mail() == [{"sent": 0, "failed": 0, "skipped": 1}]
    assert mail.outbox == []


@pytest.mark.django_db
def test_unsubscribing_needs_a_post_and_a_genuine_link(client):
    office = make_office(1)
    url = reverse("outreach:unsubscribe", args=[links.unsubscribe_token(office)])
    assert client.get(url).status_code == 200
    assert not OptOut.objects.exists()
    bad = reverse("outreach:unsubscribe", args=["forged"])
    assert client.post(bad).status_code == 400
    client.post(url)
    assert OptOut.objects.filter(office=office).exists()


@pytest.mark.django_db
def test_the_not_yet_signed_csv_lists_the_silent_offices_for_staff_only(
    staff_client, client, letter
):
    signed, silent = make_office(1), make_office(2)
    invite_all(staff_client, letter)
    sign_through(client, links.invitation_url(signed.invitations.get()), signed)
    response = staff_client.get(funnel_url(letter), {"format": "csv"})
    text = response.content.decode()
    assert silent.email in text and signed.email not in text


@pytest.mark.django_db
def test_no_directory_contact_data_on_any_public_page(staff_client, client, letter):
    office = make_office(1, email="private.mayor@town1.oh.gov", phone="+12175550199")
    invite_all(staff_client, letter)
    invitation = Invitation.objects.get()
    url = links.invitation_url(invitation)
    sign_through(client, url, office)
    Signature.objects.update(status=Signature.Status.APPROVED, approved_at=timezone.now())
    token = links.invitation_token(invitation)
    pages = [
        path_of(url), path_of(url) + "decline/", letter.get_absolute_url(),
        reverse("signon:signatories-csv", args=[letter.slug]),
        reverse("signon:signatories-json", args=[letter.slug]),
        reverse("outreach:unsubscribe", args=[links.unsubscribe_token(office)]),
        reverse("outreach:decline", args=[letter.slug, token]),
    ]  # fmt: skip
    for page in pages:
        body = client.get(page).content.decode()
        assert "private.mayor" not in body and "555-0199" not in body and "5550199" not in body


# ---------------------------------------------------------------- the directory signal


@pytest.mark.django_db
def test_a_signature_matching_the_directory_is_marked_and_a_new_mayor_is_flagged(
    staff_client, letter
):
    make_office(1, city="Springfield", state="IL", mayor_first_name="Ada",
                mayor_last_name="Lovelace", domains="springfield.il.gov")  # fmt: skip
    make_office(2, city="Peoria", state="IL", mayor_first_name="Jim",
                mayor_last_name="Ardis", domains="peoriagov.org")  # fmt: skip
    make_signature(letter)  # Ada Lovelace, chris.aide@springfield.il.gov
    make_signature(letter, city="Peoria", mayor_first_name="Rita", mayor_last_name="Ali",
                   contact_email="aide@peoriagov.org")  # fmt: skip
    page = staff_client.get(CHANGELIST).content.decode()
    assert "Matches the directory" in page
    assert "Directory: Mayor Jim Ardis; signed as Mayor Rita Ali" in page
    matching = staff_client.get(CHANGELIST, {"directory": "match"}).context["cl"].result_list
    assert [s.city for s in matching] == ["Springfield"]
    mismatched = staff_client.get(CHANGELIST, {"directory": "mismatch"}).context["cl"].result_list
    assert [s.city for s in mismatched] == ["Peoria"]


@pytest.mark.django_db
def test_a_contact_outside_the_offices_domains_does_not_match(letter):
    make_office(1, city="Springfield", state="IL", mayor_first_name="Ada",
                mayor_last_name="Lovelace", domains="springfield.il.gov")  # fmt: skip
    make_signature(letter, contact_email="someone@springfield.il.gov.example.com")
    assert not verification.matching_directory(Signature.objects.all()).exists()
    signature = verification.with_directory(Signature.objects).get()
    verdict, _ = verification.directory_verdict(signature)
    assert verdict == "domain"


@pytest.mark.django_db
def test_staff_approve_the_matching_ones_in_one_bulk_action(staff_client, letter):
    make_office(1, city="Springfield", state="IL", mayor_first_name="Ada",
                mayor_last_name="Lovelace", domains="springfield.il.gov")  # fmt: skip
    matching = make_signature(letter)
    other = make_signature(letter, city="Peoria", contact_email="aide@gmail.com")
    summary = admin_action(staff_client, "approve_matching_directory", matching, other)
    assert summary.status_code == 200  # the summary of the matching one, to confirm
    assert [s.pk for s in summary.context["signatures"]] == [matching.pk]
    admin_action(staff_client, "approve_matching_directory", matching, apply="Approve")
    matching.refresh_from_db()
    other.refresh_from_db()
    assert (matching.status, other.status) == ("approved", "pending")


@pytest.mark.django_db
def test_conference_staff_invite_and_read_the_funnel_and_others_may_not(
    client, reviewer_client, letter
):
    make_office(1)
    assert invite_all(reviewer_client, letter).status_code == 302
    assert reviewer_client.get(funnel_url(letter)).context["funnel"]["invited"] == 1
    log_in_with_device(client, staff_without_review())
    assert invite_all(client, letter).status_code == 403
    assert client.get(funnel_url(letter)).status_code == 403
    assert client.get(funnel_url(letter), {"format": "csv"}).status_code == 403


# ---------------------------------------------------------------- saved selections


def save_selection(staff_client, letter, name: str, **choices):
    data = {"letter": letter.pk, "members_only": "on", "not_yet_signed": "on",
            "save_as": name, "save_selection": "1", **choices}  # fmt: skip
    return staff_client.post(INVITE_URL, data)


def as_post(initial: dict, letter) -> dict:
    """The Invite form's POST body for these criteria, as a browser sends the filled form."""
    data = {"letter": letter.pk, "states": initial["states"], "preview": "1"}
    data |= {key: "on" for key in ["members_only", "member_size", "not_yet_signed"] if initial[key]}
    return data


@pytest.mark.django_db
def test_staff_save_a_choice_of_offices_and_reuse_it_on_another_letter(staff_client, letter, staff):
    first, second = make_office(1), make_office(2)
    make_office(3, state="TX")
    make_office(4, member=False)
    response = save_selection(staff_client, letter, "  Ohio   members ", states=["OH"])
    selection = SavedSelection.objects.get()
    assert response["Location"] == f"{INVITE_URL}?selection={selection.pk}"
    assert selection.name == "Ohio members"
    assert selection.criteria == {"states": ["OH"], "members_only": True,
                                  "member_size": False, "not_yet_signed": True}  # fmt: skip
    assert selection.created_by == staff
    assert LogEntry.objects.get(object_id=str(selection.pk)).user == staff
    assert not Invitation.objects.exists()  # saving invites nobody

    invite_all(staff_client, letter, states=["OH"])
    other = Letter.objects.create(slug="bridges", title="Bridges", body="Fund them.",
                                  status=Letter.Status.OPEN)  # fmt: skip
    campaign.invite(other, Office.objects.filter(pk=second.pk), staff)
    newcomer = make_office(5)
    page = staff_client.get(INVITE_URL, {"selection": selection.pk})
    assert page.context["form"].initial == selection.criteria
    assert 'value="OH" selected' in page.content.decode()
    preview = staff_client.post(INVITE_URL, as_post(page.context["form"].initial, other))
    # The same offices as on the first letter, less the one already invited to this one.
    assert preview.context["offices"] == [first, newcomer]


@pytest.mark.django_db
def test_a_selection_needs_a_name_of_its_own_and_a_bad_choice_is_a_clear_error(
    staff_client, letter
):
    response = save_selection(staff_client, letter, "   ")
    assert response.status_code == 200
    assert response.context["form"].errors == {"save_as": ["Give the selection a name to save it."]}
    save_selection(staff_client, letter, "Big cities", member_size="on")
    response = save_selection(staff_client, letter, "big CITIES")
    assert response.context["form"].errors == {
        "save_as": ["A saved selection is already called “big CITIES”: choose another name."]
    }
    assert SavedSelection.objects.count() == 1
    for bad in ["nine", "999999"]:
        response = staff_client.get(INVITE_URL, {"selection": bad})
        assert response.status_code == 200
        assert "That choice is not one of the available choices" in response.content.decode()


@pytest.mark.django_db
def test_two_colleagues_saving_one_name_at_once_get_a_form_error_not_a_500(
    staff_client, letter, monkeypatch
):
    from outreach.admin.invitations import InviteForm

    save_selection(staff_client, letter, "Ohio")
    # The second request checked the name before the first one saved it.
    monkeypatch.setattr(InviteForm, "clean_save_as", lambda form: form.cleaned_data["save_as"])
    response = save_selection(staff_client, letter, "Ohio")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "save_as": ["A saved selection is already called “Ohio”."]
    }
    assert SavedSelection.objects.count() == 1


@pytest.mark.django_db
def test_saving_and_using_a_selection_need_the_invite_permission(client, reviewer_client, letter):
    assert save_selection(reviewer_client, letter, "Ohio").status_code == 302
    selection = SavedSelection.objects.get()
    assert reviewer_client.get(INVITE_URL, {"selection": selection.pk}).status_code == 200
    listing = reviewer_client.get(reverse("admin:outreach_savedselection_changelist"))
    assert "Ohio" in listing.content.decode()
    log_in_with_device(client, staff_without_review())
    assert save_selection(client, letter, "Texas").status_code == 403
    assert client.get(INVITE_URL, {"selection": selection.pk}).status_code == 403
    assert client.get(reverse("admin:outreach_savedselection_changelist")).status_code == 403
    assert SavedSelection.objects.count() == 1


# ---------------------------------------------------------------- mail outcomes


@pytest.mark.django_db
def test_an_invitation_the_mail_server_never_takes_is_retried_then_shown_as_failed(
    staff_client, letter, settings, stalled_mail_server
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", stalled_mail_server
    settings.EMAIL_TIMEOUT = 0.5
    settings.SIGNON_MAIL_RETRY_DELAYS = [60, 300]
    make_office(1)
    invite_all(staff_client, letter)
    invitation = Invitation.objects.get()
    assert (invitation.sent_at, invitation.mail_pending) == (None, "invitation")  # queued only
    assert run_queued_mail() == [{"sent": 0, "failed": 1, "skipped": 0}]
    assert run_queued_mail() == []  # the retry waits its delay
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert invitation.mail_error == "invitation: SMTPServerDisconnected"
    start = timezone.now()
    for seconds in [61, 61 + 301]:  # the two retries, each after its delay
        with time_machine.travel(start + timedelta(seconds=seconds)):
            assert run_queued_mail() == [{"sent": 0, "failed": 1, "skipped": 0}]
    assert run_queued_mail() == []  # no fourth attempt
    invitation.refresh_from_db()
    assert (invitation.sent_at, invitation.mail_pending) == (None, "")
    assert invitation.mail_failed_at is not None
    funnel = staff_client.get(funnel_url(letter))
    assert funnel.context["funnel"]["mail_failed"] == 1
    assert "Mail failed after every retry: 1" in funnel.content.decode()
    failed = staff_client.get(reverse("admin:outreach_invitation_changelist"), {"mail": "failed"})
    assert list(failed.context["cl"].result_list) == [invitation]
    assert "Failed (invitation: SMTPServerDisconnected)" in failed.content.decode()
    # Once the server is mended, staff send it again from the list.
    settings.EMAIL_BACKEND = LOCMEM
    data = {"action": "resend_failed_invitations", "_selected_action": [invitation.pk]}
    staff_client.post(reverse("admin:outreach_invitation_changelist"), data)
    assert run_queued_mail() == [{"sent": 1, "failed": 0, "skipped": 0}]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.mail_failed_at is None
    assert staff_client.get(funnel_url(letter)).context["funnel"]["mail_failed"] == 0


@pytest.mark.django_db
def test_a_failed_invitation_or_reminder_counts_only_once_the_server_takes_it(
    staff_client, letter, settings, staff
):
    settings.SIGNON_MAIL_RETRY_DELAYS = [60]
    office = make_office(1)
    settings.EMAIL_BACKEND = FAILING
    invite_all(staff_client, letter)
    assert run_queued_mail() == [{"sent": 0, "failed": 1, "skipped": 0}]
    settings.EMAIL_BACKEND = LOCMEM
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert run_queued_mail() == [{"sent": 1, "failed": 0, "skipped": 0}]
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None and invitation.mail_failed_at is None
    assert [message.to for message in outreach_mail()] == [[office.email]]

    settings.EMAIL_BACKEND = FAILING
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later):
        assert campaign.remind(Invitation.objects.all(), staff) == 1
        assert campaign.remind(Invitation.objects.all(), staff) == 0  # queued once only
        assert run_queued_mail() == [{"sent": 0, "failed": 1, "skipped": 0}]
    invitation.refresh_from_db()
    assert (invitation.reminder_count, invitation.last_reminded_at) == (0, None)
    settings.EMAIL_BACKEND = LOCMEM
    with time_machine.travel(later + timedelta(seconds=61)):
        assert run_queued_mail() == [{"sent": 1, "failed": 0, "skipped": 0}]
    invitation.refresh_from_db()
    assert invitation.reminder_count == 1
    assert (invitation.mail_pending, invitation.mail_failed_at) == ("", None)
