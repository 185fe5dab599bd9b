"""signon.admin.signatures: the signature admin, from the list to each decision.

The changelist lists, filters and searches submissions; approve, reject and withdraw
write who, when and why in the history, and only staff with the review permission may
decide; the verification signals (e-mail confirmed, official domain, conflicts) filter
and link without a query per row. The Conference staff group can do its whole job (and
no more); the bulk export of contact details needs its own permission and is logged; a
signature edited in admin goes through the same cleaning and rules as the public form.
"""

import csv
import datetime
import io
import json
import logging
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from letters.models import Letter
from places import matching
from places.models import Place
from signon.delivery import record_delivery
from signon.models import Delivery, InvalidTransition, OfficialDomain, ReasonRequired, Signature

from .conftest import (
    CHANGELIST,
    admin_action,
    approved_signature,
    conference_staff,
    decide_url,
    history_url,
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


@pytest.mark.django_db
def test_staff_who_may_only_view_signatures_cannot_export_contact_details(client, letter, caplog):
    signature = make_signature(letter)
    log_in_with_device(client, staff_without_review())
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert f'value="{EXPORT}"' not in changelist.text

    response = admin_action(client, EXPORT, signature)
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
        response = admin_action(client, EXPORT, *signatures)
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


@pytest.mark.django_db
def test_the_changelist_shows_pending_submissions_with_their_contact(staff_client, letter):
    make_signature(letter, city="Peoria")
    response = staff_client.get(CHANGELIST, {"status__exact": "pending"})
    assert response.status_code == 200
    assert "Peoria" in response.text
    assert "chris.aide@springfield.il.gov" in response.text


@pytest.mark.django_db
def test_the_changelist_still_shows_every_column_staff_review_with(reviewer_client, letter, places):
    signature = make_signature(letter, city="Sante Fe", state="NM",
                               contact_email="aide@santafenm.gov")  # fmt: skip
    make_signature(letter, city="Sante Fe", state="NM", status="rejected")
    page = reviewer_client.get(CHANGELIST).text
    headers = ["Mayor", "City", "Matched place", "Status", "Confirmed", "Domain", "Conflicts",
               "Directory", "Contact", "Submitted"]  # fmt: skip
    for header in headers:
        assert f">{header}</a>" in page or f">{header}</span>" in page, header
    row = page.split(f'value="{signature.pk}"')[1].split("</tr>")[0]
    assert "Ada Lovelace" in row and "Sante Fe, NM" in row
    assert "Did you mean Santa Fe, NM (pop. 87,505)?" in row
    assert "Pending review" in row and 'alt="False"' in row  # not confirmed
    assert "Other gov’t" in row and "1 same city" in row
    assert "Not in the directory" in row and "aide@santafenm.gov" in row
    # The selection box is Django's own markup (the actions' script reads it).
    model_admin = admin.site.get_model_admin(Signature)
    assert admin.ModelAdmin.action_checkbox(model_admin, signature) in page


@pytest.mark.django_db
def test_a_row_link_keeps_the_search_and_filters_for_the_way_back(reviewer_client, letter):
    signature = make_signature(letter, city="Peoria")
    searched = reviewer_client.get(CHANGELIST, {"q": "Peoria", "status__exact": "pending"}).text
    # What Django's own add_preserved_filters makes of the row's link, worked out here once.
    preserved = urlencode({"_changelist_filters": "q=Peoria&status__exact=pending"})
    expected = add_preserved_filters(
        {"preserved_filters": preserved, "opts": Signature._meta}, change_page(signature)
    )
    assert "_changelist_filters=q%3DPeoria%26status__exact%3Dpending" in expected
    assert f'<a href="{escape(expected)}">Ada Lovelace</a>' in searched
    plain = reviewer_client.get(CHANGELIST).text
    assert f'<a href="{change_page(signature)}">Ada Lovelace</a>' in plain


@pytest.mark.django_db
def test_search_finds_by_contact_email_and_city(staff_client, letter):
    make_signature(letter, city="Peoria", contact_email="one@peoria.gov")
    make_signature(letter, city="Joliet", contact_email="two@joliet.gov")
    assert "Joliet" not in staff_client.get(CHANGELIST, {"q": "one@peoria"}).text
    assert "Peoria" not in staff_client.get(CHANGELIST, {"q": "Joliet"}).text.split("<tbody>")[1]


@pytest.mark.django_db
def test_the_approve_action_records_who_and_when_and_lists_the_mayor(staff_client, staff, letter):
    signature = make_signature(letter)
    response = admin_action(
        staff_client, "approve_selected", signature, apply="Approve", follow=True
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
    admin_action(
        staff_client, "reject_selected", signature, apply="Reject", reason="Not the mayor's office"
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.reviewed_by == staff
    assert "Lovelace" not in staff_client.get(letter.get_absolute_url()).text


@pytest.mark.django_db
def test_an_action_skips_signatures_it_cannot_move_and_says_so(staff_client, letter):
    rejected = make_signature(letter, status=Signature.Status.REJECTED)
    pending = make_signature(letter, city="Peoria")
    response = admin_action(
        staff_client, "approve_selected", rejected, pending, apply="Approve", follow=True
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


def history(signature) -> list[str]:
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(object_id=str(signature.pk)).order_by("action_time")
    ]


def status_and_history(signature) -> tuple[str, list[str]]:
    """The signature's status as stored now, and its history."""
    signature.refresh_from_db()
    return signature.status, history(signature)


@pytest.mark.django_db
def test_approving_from_the_changelist_writes_who_when_and_from_to_in_the_history(
    reviewer_client, reviewer, letter
):
    signature = make_signature(letter)
    response = admin_action(
        reviewer_client, "approve_selected", signature, apply="Approve", follow=True
    )
    assert "1 signature(s) approved." in response.text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    entry = LogEntry.objects.get(object_id=str(signature.pk))
    assert entry.user == reviewer
    assert abs(entry.action_time - signature.reviewed_at) < timedelta(seconds=5)
    assert entry.get_change_message() == "Status: Pending review → Approved."
    page = reviewer_client.get(history_url(signature))
    assert "Status: Pending review → Approved." in page.text
    assert "ana" in page.text


@pytest.mark.django_db
def test_bulk_reject_asks_for_a_reason_first_and_changes_nothing_until_then(
    reviewer_client, letter
):
    first = make_signature(letter, city="Peoria")
    second = make_signature(letter, city="Joliet")
    selected = {"action": "reject_selected", "_selected_action": [first.pk, second.pk]}

    page = reviewer_client.post(CHANGELIST, {**selected, "index": "0"})
    assert page.status_code == 200
    assert "Reject 2 signatures" in page.text
    assert 'name="reason"' in page.text
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 2

    blank = reviewer_client.post(CHANGELIST, {**selected, "apply": "Reject", "reason": "  "})
    assert blank.status_code == 200
    assert "Say why: the reason goes into each signature" in blank.text
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 2
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_bulk_reject_with_a_reason_rejects_each_and_logs_the_reason(
    reviewer_client, reviewer, letter
):
    first = make_signature(letter, city="Peoria")
    second = make_signature(letter, city="Joliet")
    response = admin_action(
        reviewer_client,
        "reject_selected",
        first,
        second,
        apply="Reject",
        reason="City hall says no one sent it",
        follow=True,
    )
    assert "2 signature(s) rejected." in response.text
    for signature in (first, second):
        signature.refresh_from_db()
        assert signature.status == Signature.Status.REJECTED
        assert signature.decision_reason == "City hall says no one sent it"
        assert signature.reviewed_by == reviewer
        assert history(signature) == [
            "Status: Pending review → Rejected. Reason: City hall says no one sent it"
        ]


@pytest.mark.django_db
def test_bulk_withdraw_moves_approved_signatures_off_the_letter_with_a_reason(
    reviewer_client, reviewer, letter
):
    signature = make_signature(letter)
    signature.approve(reviewer)
    assert "Lovelace" in reviewer_client.get(letter.get_absolute_url()).text
    response = admin_action(
        reviewer_client,
        "withdraw_selected",
        signature,
        apply="Mark withdrawn",
        reason="The mayor's office asked on 3/4",
        follow=True,
    )
    assert "1 signature(s) marked withdrawn." in response.text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert history(signature)[-1] == (
        "Status: Approved → Withdrawn. Reason: The mayor's office asked on 3/4"
    )
    assert "Lovelace" not in reviewer_client.get(letter.get_absolute_url()).text


@pytest.mark.django_db
def test_withdrawing_a_pending_signature_is_skipped_and_says_why(reviewer_client, letter):
    signature = make_signature(letter)
    response = admin_action(
        reviewer_client,
        "withdraw_selected",
        signature,
        apply="Mark withdrawn",
        reason="asked",
        follow=True,
    )
    assert "1 signature(s) skipped: only approved signatures can be marked withdrawn." in (
        response.text
    )
    assert status_and_history(signature) == (Signature.Status.PENDING, [])


@pytest.mark.django_db
def test_the_change_page_offers_the_decisions_its_status_allows(reviewer_client, letter):
    signature = make_signature(letter)
    page = reviewer_client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert decide_url(signature, "approved") in page.text
    assert decide_url(signature, "rejected") in page.text
    assert decide_url(signature, "withdrawn") not in page.text


@pytest.mark.django_db
def test_rejecting_from_the_change_page_needs_a_reason_and_then_logs_it(
    reviewer_client, reviewer, letter
):
    signature = make_signature(letter)
    url = decide_url(signature, "rejected")
    form = reviewer_client.get(url)
    assert form.status_code == 200
    assert "Mayor Ada Lovelace, Springfield, IL" in form.text

    missing = reviewer_client.post(url, {"reason": ""})
    assert missing.status_code == 200
    assert "Say why" in missing.text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING

    done = reviewer_client.post(url, {"reason": "Duplicate of #12"})
    assert done.status_code == 302
    assert done["Location"] == f"{CHANGELIST}{signature.pk}/change/"
    assert status_and_history(signature) == (
        Signature.Status.REJECTED,
        ["Status: Pending review → Rejected. Reason: Duplicate of #12"],
    )
    assert LogEntry.objects.get().user == reviewer


@pytest.mark.django_db
def test_approving_from_the_change_page_needs_no_reason(reviewer_client, letter):
    signature = make_signature(letter)
    response = reviewer_client.post(decide_url(signature, "approved"), {"reason": ""})
    assert response.status_code == 302
    assert status_and_history(signature) == (
        Signature.Status.APPROVED,
        ["Status: Pending review → Approved."],
    )


@pytest.mark.django_db
def test_a_decision_the_status_does_not_allow_is_refused_with_a_message(reviewer_client, letter):
    signature = make_signature(letter, status=Signature.Status.REJECTED)
    response = reviewer_client.post(decide_url(signature, "approved"), {"reason": ""}, follow=True)
    assert "1 signature(s) skipped: only pending signatures can be approved." in response.text
    assert status_and_history(signature) == (Signature.Status.REJECTED, [])


@pytest.mark.django_db
def test_decide_refuses_a_rejection_without_a_reason_and_an_impossible_move(letter, reviewer):
    signature = make_signature(letter)
    with pytest.raises(ReasonRequired):
        signature.decide(Signature.Status.REJECTED, reviewer, "   ")
    with pytest.raises(InvalidTransition):
        signature.decide(Signature.Status.WITHDRAWN, reviewer, "asked")
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_staff_without_the_review_permission_cannot_approve_or_reject(client, letter):
    log_in_with_device(client, staff_without_review())
    signature = make_signature(letter)

    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert "approve_selected" not in changelist.text
    assert "reject_selected" not in changelist.text

    admin_action(client, "approve_selected", signature, apply="Approve")
    assert client.get(decide_url(signature, "approved")).status_code == 403
    assert client.post(decide_url(signature, "rejected"), {"reason": "x"}).status_code == 403
    change_page = client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert decide_url(signature, "approved") not in change_page.text

    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_the_conference_staff_group_can_review_and_edit_letters_but_not_manage_users(db):
    group = Group.objects.get(name="Conference staff")
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert "signon.review_signature" in granted
    assert "letters.change_letter" in granted
    assert "signon.add_officialdomain" in granted
    assert not any(p.startswith(("auth.", "admin.", "sessions.", "contenttypes.")) for p in granted)
    assert "signon.delete_signature" not in granted
    user = conference_staff()
    assert user.has_perm("signon.review_signature")
    assert not user.has_perm("auth.change_user")
    assert not user.has_perm("auth.add_user")


@pytest.mark.django_db
def test_rejecting_every_filtered_row_carries_the_selection_through_the_reason_page(
    reviewer_client, letter
):
    for city in ("Peoria", "Joliet", "Elgin"):
        make_signature(letter, city=city, contact_email=f"aide@{city.lower()}.org")
    make_signature(letter, city="Aurora", contact_email="aide@aurora.gov")
    filtered = f"{CHANGELIST}?official=no"
    chosen = Signature.objects.get(city="Peoria").pk
    page = reviewer_client.post(
        filtered,
        {"action": "reject_selected", "select_across": "1", "index": "0",
         "_selected_action": [chosen]},
    )  # fmt: skip
    assert "Reject 3 signatures" in page.text
    assert 'name="select_across" value="1"' in page.text
    reviewer_client.post(
        filtered,
        {"action": "reject_selected", "select_across": "1", "_selected_action": [chosen],
         "apply": "Reject", "reason": "No official address"},
    )  # fmt: skip
    assert sorted(Signature.objects.filter(status="rejected").values_list("city", flat=True)) == [
        "Elgin", "Joliet", "Peoria",
    ]  # fmt: skip
    assert Signature.objects.get(city="Aurora").status == Signature.Status.PENDING


@pytest.mark.django_db
def test_an_unknown_decision_or_signature_is_not_found(reviewer_client, letter):
    signature = make_signature(letter)
    # "held" is where a script's submission lands, never a decision staff take.
    assert reviewer_client.get(decide_url(signature, "held")).status_code == 404
    missing = decide_url(signature, "approved").replace(f"/{signature.pk}/", "/999999/")
    assert reviewer_client.get(missing).status_code == 404


def listed(client, **params) -> list[str]:
    """The cities in the changelist's rows, for the given filters."""
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return sorted(row.city for row in response.context["cl"].result_list)


def signals(signature: Signature) -> Signature:
    return Signature.objects.with_signals().get(pk=signature.pk)


@pytest.mark.django_db
def test_the_confirmed_filter_and_column_follow_the_confirmation(reviewer_client, letter):
    make_signature(letter, city="Peoria", email_confirmed_at=timezone.now())
    make_signature(letter, city="Joliet")
    assert listed(reviewer_client, confirmed="yes") == ["Peoria"]
    assert listed(reviewer_client, confirmed="no") == ["Joliet"]
    page = reviewer_client.get(CHANGELIST)
    assert 'alt="True"' in page.text and 'alt="False"' in page.text


@pytest.mark.django_db
def test_a_gov_address_counts_as_an_official_domain(reviewer_client, letter):
    gov = make_signature(letter, city="Peoria", contact_email="aide@PeoriaGov.GOV")
    gmail = make_signature(letter, city="Joliet", contact_email="joliet.mayor@gmail.com")
    assert signals(gov).official_domain is True
    assert signals(gmail).official_domain is False
    assert listed(reviewer_client, official="yes") == ["Peoria"]
    assert listed(reviewer_client, official="no") == ["Joliet"]
    page = reviewer_client.get(f"{CHANGELIST}{gov.pk}/change/")
    assert "Domain names the city: peoriagov.gov spells “Peoria” in its name" in page.text


@pytest.mark.django_db
def test_a_domain_staff_recorded_for_that_city_counts_only_for_that_city(reviewer_client, letter):
    OfficialDomain.objects.create(domain="CI.Joliet.IL.US", city="joliet", state="IL")
    joliet = make_signature(letter, city="Joliet", contact_email="mayor@ci.joliet.il.us")
    elgin = make_signature(letter, city="Elgin", contact_email="someone@ci.joliet.il.us")
    assert signals(joliet).official_domain is True
    assert signals(elgin).official_domain is False
    assert listed(reviewer_client, official="yes") == ["Joliet"]
    page = reviewer_client.get(f"{CHANGELIST}{joliet.pk}/change/")
    assert "ci.joliet.il.us is recorded in Official domains as Joliet, IL’s domain" in page.text


@pytest.mark.django_db
def test_the_change_page_offers_to_record_an_unknown_domain_for_the_city(reviewer_client, letter):
    signature = make_signature(letter, city="Joliet", contact_email="mayor@jolietcity.org")
    page = reviewer_client.get(f"{CHANGELIST}{signature.pk}/change/")
    assert (
        "jolietcity.org spells “Joliet” in its name (not a government domain); not yet "
        "recorded as Joliet, IL’s domain" in page.text
    )
    assert "/admin/signon/officialdomain/add/?domain=jolietcity.org&amp;city=Joliet" in page.text


@pytest.mark.django_db
def test_an_earlier_submission_for_the_same_office_is_a_linked_conflict(reviewer_client, letter):
    earlier = make_signature(letter, city="Saint Louis", state="MO", status="rejected")
    later = make_signature(letter, city="St. Louis", state="MO", contact_email="x@gmail.com")
    other = make_signature(letter, city="Kansas City", state="MO", contact_email="k@kc.gov")
    assert signals(later).same_office_count == 1
    assert signals(earlier).same_office_count == 1
    assert signals(other).same_office_count == 0
    assert listed(reviewer_client, conflict="office") == ["Saint Louis", "St. Louis"]

    page = reviewer_client.get(CHANGELIST)
    assert f"?same_office_as={later.pk}" in page.text
    assert "1 same city" in page.text
    assert listed(reviewer_client, same_office_as=later.pk) == ["Saint Louis"]

    change = reviewer_client.get(f"{CHANGELIST}{later.pk}/change/")
    assert f'href="/admin/signon/signature/{earlier.pk}/change/"' in change.text
    assert "The same city on this letter" in change.text


@pytest.mark.django_db
def test_other_cities_from_the_same_contact_are_a_linked_conflict(reviewer_client, letter):
    first = make_signature(letter, city="Peoria", contact_email="fixer@gmail.com")
    second = make_signature(letter, city="Joliet", contact_email="Fixer@gmail.com")
    third = make_signature(letter, city="Elgin", contact_email="fixer@gmail.com")
    alone = make_signature(letter, city="Aurora", contact_email="aide@aurora-il.org")
    assert signals(first).other_cities_count == 2
    assert signals(alone).other_cities_count == 0
    assert listed(reviewer_client, conflict="contact") == ["Elgin", "Joliet", "Peoria"]
    assert listed(reviewer_client, conflict="none") == ["Aurora"]

    page = reviewer_client.get(CHANGELIST)
    assert "2 other cities by contact" in page.text
    # Linked by row id: the contact's address stays out of the URL.
    assert f"?same_contact_as={first.pk}" in page.text
    assert "same_contact_as=fixer" not in page.text
    assert listed(reviewer_client, same_contact_as=first.pk) == ["Elgin", "Joliet"]

    change = reviewer_client.get(f"{CHANGELIST}{third.pk}/change/")
    assert "Other cities from the same contact e-mail" in change.text
    assert f'href="/admin/signon/signature/{second.pk}/change/"' in change.text


@pytest.mark.django_db
def test_the_same_city_on_another_letter_is_not_a_conflict(letter):
    from letters.models import Letter

    other_letter = Letter.objects.create(
        slug="housing", title="Housing", salutation="Dear all:", body="Text", status="open"
    )
    here = make_signature(letter, contact_email="a@springfield.gov")
    make_signature(other_letter, contact_email="b@springfield.gov")
    assert signals(here).same_office_count == 0
    assert signals(here).other_cities_count == 0


@pytest.mark.django_db
def test_a_bad_conflict_link_shows_no_rows_rather_than_an_error(reviewer_client, letter):
    make_signature(letter)
    assert listed(reviewer_client, same_office_as="999999") == []
    assert reviewer_client.get(CHANGELIST, {"same_office_as": "abc"}).status_code == 200


def _changelist_queries(client, **params) -> int:
    # Each process keeps the places it read until the next load: an emptied cache
    # starts this count cold, as a fresh worker would.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries)


SPREAD_STATES = ["IL", "TX", "CA", "NY", "OH", "PA", "FL", "GA", "WA", "MO"]


def _add_signatures(letter, n: int, start: int) -> None:
    """n signatures over up to ten states, some confirmed, some from .gov, some from a
    contact who sent other cities, each city recorded with its own domain."""
    for i in range(start, start + n):
        state = SPREAD_STATES[i % len(SPREAD_STATES)]
        make_signature(
            letter, city=f"Town {i}", state=state, mayor_last_name=f"Smith{i}",
            contact_email=f"aide{i % 3}@town{i}.org",
            email_confirmed_at=timezone.now() if i % 2 else None,
        )  # fmt: skip
        OfficialDomain.objects.create(domain=f"town{i}.org", city=f"Town {i}", state=state)


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"q": "smith"}], ids=["unfiltered", "searched"])
def test_the_changelist_query_count_does_not_grow_with_the_number_of_rows(
    reviewer_client, letter, places, params
):
    _add_signatures(letter, 4, 0)  # in four states
    make_signature(letter, city="Town 0", state="IL", status="rejected", mayor_last_name="Smith")
    few = _changelist_queries(reviewer_client, **params)
    _add_signatures(letter, 35, 100)  # forty rows in ten states, places not found
    many = _changelist_queries(reviewer_client, **params)
    assert Signature.objects.count() == 40
    assert many == few


@pytest.mark.django_db
def test_the_places_of_a_page_are_read_once_per_process_until_the_next_load(
    reviewer_client, letter, places
):
    make_signature(letter, city="Sante Fe", state="NM")
    make_signature(letter, city="Nashvile", state="TN")
    cold = _changelist_queries(reviewer_client)
    with CaptureQueriesContext(connection) as queries:
        page = reviewer_client.get(CHANGELIST).text
    assert len(queries) == cold - 1  # the page's states, kept from the first view
    assert "Did you mean Santa Fe, NM" in page and "Did you mean Nashville, TN" in page

    # A load of the places (here, a new place) is seen on the next view.
    Place.objects.create(name="Nashvile", state="TN", population=9_999, source="geonames")
    matching.forget_cached()
    assert "Did you mean Nashvile, TN (pop. 9,999)" in reviewer_client.get(CHANGELIST).text


@pytest.mark.django_db
def test_the_add_page_renders_without_signals_or_decisions(client, admin_user, letter):
    # Signatures come in through the public form: only a superuser adds one by hand.
    log_in_with_device(client, admin_user)
    response = client.get(f"{CHANGELIST}add/")
    assert response.status_code == 200
    assert "Verification" in response.text
    assert "/decide/" not in response.text
