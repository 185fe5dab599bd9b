"""Decisions on the review desk, second round: bulk decisions sum up the selection and
ask to confirm; a decision can be reopened (back to pending, in the history, off the
public page); the "How verified" note typed on a change page is saved with its decision.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from signon.models import OfficialDomain, Signature

from .conftest import CHANGELIST, admin_action, decide_url, make_signature, run_queued_mail
from .test_review_screen import REVIEW


def rejection_notices(outbox) -> list:
    """The rejection notices among the mail sent (the receipt is owed too)."""
    return [m for m in outbox if m.subject.startswith("About the sign-on")]


def change_page(signature) -> str:
    return f"{CHANGELIST}{signature.pk}/change/"


@pytest.mark.django_db
def test_bulk_approval_first_sums_up_the_selection_and_changes_nothing(staff_client, letter):
    confirmed = timezone.now()
    OfficialDomain.objects.create(domain="kcmo.org", city="Kansas City", state="MO")
    chosen = [
        # Confirmed, the city's recorded domain, no conflict: nothing to flag.
        make_signature(letter, city="Kansas City", state="MO", contact_email="a@kcmo.org",
                       email_confirmed_at=confirmed),
        # Not confirmed, another government's domain.
        make_signature(letter, city="Laredo", state="TX", contact_email="john.smith@dc.gov"),
        # Not confirmed, a domain that names the city.
        make_signature(letter, city="Austin", state="TX", contact_email="a@austintexas.gov"),
        # Confirmed; gmail; the same contact sent another city: conflicts, both.
        make_signature(letter, city="Peoria", contact_email="same@gmail.com",
                       email_confirmed_at=confirmed),
        make_signature(letter, city="Joliet", contact_email="same@gmail.com",
                       email_confirmed_at=confirmed),
    ]  # fmt: skip
    response = admin_action(staff_client, "approve_selected", *chosen)
    assert response.status_code == 200
    assert response.context["summary"] == [
        "2 e-mail not confirmed",
        "3 not from the city’s domain",
        "2 with conflicts (same city again, or a contact who sent other cities)",
    ]
    assert "In this selection:</strong> 2 e-mail not confirmed, 3 not from the city’s domain" in (
        response.text
    )
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 5

    confirmed_response = admin_action(
        staff_client, "approve_selected", *chosen, apply="Approve", follow=True
    )
    assert "5 signature(s) approved." in confirmed_response.text
    assert Signature.objects.filter(status=Signature.Status.APPROVED).count() == 5


@pytest.mark.django_db
def test_bulk_summary_counts_the_autofilled_and_those_it_will_skip(staff_client, letter):
    autofilled = make_signature(letter, mayor_first_name="Chris", mayor_last_name="Aide",
                                contact_email="a@springfieldil.gov")  # fmt: skip
    rejected = make_signature(letter, city="Peoria", contact_email="b@peoria.gov",
                              status=Signature.Status.REJECTED)  # fmt: skip
    response = admin_action(staff_client, "reject_selected", autofilled, rejected)
    assert response.context["summary"] == [
        "2 e-mail not confirmed",
        "1 with the contact’s name as the mayor’s",
        "1 not pending (skipped)",
    ]


@pytest.mark.django_db
def test_a_rejection_can_be_reopened_and_its_history_says_so(staff_client, staff, letter):
    signature = make_signature(letter)
    signature.reject(staff, "Could not reach the office.")
    page = staff_client.get(change_page(signature))
    assert "Reopen: back to pending" in page.text
    response = staff_client.post(decide_url(signature, "pending"), {"reason": "They called back."})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert (
        LogEntry.objects.filter(object_id=str(signature.pk))
        .latest("action_time")
        .get_change_message()
        == "Status: Rejected → Pending review. Reason: They called back."
    )


@pytest.mark.django_db
def test_reopening_an_approval_takes_the_name_off_the_public_page_within_the_budget(
    staff_client, staff, letter, settings, client
):
    # The production page cache, as a visitor meets it.
    settings.PAGE_CACHE_SECONDS = 2
    signature = make_signature(letter, mayor_first_name="Rosa", city="Tucson", state="AZ")
    signature.approve(staff)
    listed = "Mayor Rosa Lovelace, Tucson, AZ"
    assert listed in client.get(letter.get_absolute_url()).text

    staff_client.post(decide_url(signature, "pending"), {"reason": "Wrong mayor?"})
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    # The worker that recorded it shows it at once; any other within the budget
    # (tests/test_performance.py measures that across processes).
    assert listed not in client.get(letter.get_absolute_url()).text


@pytest.mark.django_db
def test_the_note_typed_on_the_change_page_is_saved_with_the_approval(staff_client, letter):
    signature = make_signature(letter)
    page = staff_client.get(change_page(signature))
    # The Approve button is a button of the change form: it posts the note along.
    assert f'formaction="{decide_url(signature, "approved")}"' in page.text
    form = {"review_note": "Called city hall 3/2, spoke to the chief of staff.", "_decide": "1",
            "mayor_first_name": "Ada"}  # fmt: skip
    confirm = staff_client.post(decide_url(signature, "approved"), form)
    assert confirm.status_code == 200
    assert 'name="review_note" value="Called city hall 3/2, spoke to the chief of staff."' in (
        confirm.text
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING  # not yet: it asks to confirm

    staff_client.post(
        decide_url(signature, "approved"),
        {"apply": "Approve", "reason": "", "review_note": form["review_note"]},
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.review_note == "Called city hall 3/2, spoke to the chief of staff."


@pytest.mark.django_db
def test_a_held_submission_is_still_released_not_reopened(staff_client, letter):
    held = make_signature(letter, status=Signature.Status.HELD)
    page = staff_client.get(change_page(held))
    assert "Release into review" in page.text
    assert "Reopen" not in page.text


@pytest.mark.django_db
def test_a_rejection_can_tell_the_contact_kindly_through_the_mail_queue(
    reviewer_client, letter, mailoutbox
):
    signature = make_signature(letter, contact_email="chris@springfield.il.gov")
    page = reviewer_client.get(REVIEW)
    reviewer_client.post(page.context["post_url"], {
        "signature": signature.pk, "decision": "reject", "review_note": "",
        "reason": "Staff only: the chief of staff says no.",
        "share": "The mayor's office told us it has not decided to sign yet.",
    })  # fmt: skip
    assert mailoutbox == []  # nothing is sent inside the request: the worker sends it
    assert run_queued_mail() == ["sent"]
    (notice,) = rejection_notices(mailoutbox)
    assert notice.to == ["chris@springfield.il.gov"]
    assert "has not decided to sign yet" in notice.body
    assert "Staff only" not in notice.body  # the reason kept for staff stays with staff
    signature.refresh_from_db()
    assert signature.rejection_notice_sent_at is not None


@pytest.mark.django_db
def test_a_rejection_without_a_shared_message_mails_nothing(staff_client, letter, mailoutbox):
    signature = make_signature(letter)
    admin_action(staff_client, "reject_selected", signature, apply="Reject", reason="Duplicate.",
                 share="  ")  # fmt: skip
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    run_queued_mail()
    assert rejection_notices(mailoutbox) == []


@pytest.mark.django_db
def test_a_bulk_rejection_can_share_its_message_with_each_contact(staff_client, letter, mailoutbox):
    chosen = [make_signature(letter, city=c, contact_email=f"a@{c.lower()}.gov")
              for c in ("Peoria", "Joliet")]  # fmt: skip
    form = admin_action(staff_client, "reject_selected", *chosen)
    assert "Tell the contact (optional)" in form.text
    admin_action(staff_client, "reject_selected", *chosen, apply="Reject", reason="Test rows.",
                 share="This sign-on reached us by mistake.")  # fmt: skip
    run_queued_mail()
    notices = rejection_notices(mailoutbox)
    assert sorted(m.to[0] for m in notices) == ["a@joliet.gov", "a@peoria.gov"]
