"""The review screen (signon/admin/review.py): one pending submission at a time.

"Review pending" opens the oldest pending submission in the list's current view;
Approve, Reject (with a reason) and Skip each save the note with the decision and
open the next pending one in the same view; the screen shows every signal with its
evidence, conflicts with links and the history.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon.models import Signature

from .conftest import CHANGELIST, log_in_with_device, make_signature, staff_without_review

REVIEW = reverse("admin:signon_signature_review")


def submitted(letter, city: str, minutes_ago: int, **fields) -> Signature:
    """A pending submission for ``city``, sent ``minutes_ago`` minutes ago."""
    fields.setdefault("contact_email", f"aide@{city.lower()}.gov")
    signature = make_signature(letter, city=city, **fields)
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Signature.objects.filter(pk=signature.pk).update(created_at=when)
    signature.refresh_from_db()
    return signature


def shown(response) -> Signature | None:
    return response.context["signature"]


def decide(client, response, decision: str, **fields):
    """Press a button of the review screen, as the browser posts its form; follow to the next."""
    data = {"signature": shown(response).pk, "decision": decision, "review_note": "",
            "reason": "", **fields}  # fmt: skip
    return client.post(response.context["post_url"], data, follow=True)


@pytest.fixture
def other_letter(db) -> Letter:
    return Letter.objects.create(slug="bridges", title="Bridges", salutation="Dear Congress:",
                                 body="Fund the bridges.", status=Letter.Status.OPEN)  # fmt: skip


@pytest.mark.django_db
def test_the_list_links_to_the_review_of_its_current_view(reviewer_client, letter):
    page = reviewer_client.get(CHANGELIST, {"letter__id__exact": letter.pk, "q": "spring"})
    link = f"{REVIEW}?_changelist_filters=letter__id__exact%3D{letter.pk}%26q%3Dspring"
    assert link in page.text
    assert "Review pending" in page.text


@pytest.mark.django_db
def test_review_opens_the_oldest_pending_then_the_next_oldest(reviewer_client, letter):
    newest = submitted(letter, "Peoria", 1)
    oldest = submitted(letter, "Joliet", 30)
    middle = submitted(letter, "Elgin", 10)
    submitted(letter, "Aurora", 40, status=Signature.Status.APPROVED)

    page = reviewer_client.get(REVIEW)
    assert shown(page) == oldest
    assert "Submission 1 of 3 pending" in page.text
    page = decide(reviewer_client, page, "approve")
    assert shown(page) == middle
    page = decide(reviewer_client, page, "skip")
    assert shown(page) == newest
    page = decide(reviewer_client, page, "reject", reason="Not the mayor's office.")
    assert shown(page) is None
    assert "1 pending left" in page.text  # the skipped one
    assert [s.status for s in Signature.objects.filter(pk__in=[oldest.pk, middle.pk, newest.pk])
            .order_by("created_at")] == ["approved", "pending", "rejected"]  # fmt: skip
    # Starting again finds what was skipped.
    assert shown(reviewer_client.get(REVIEW)) == middle


@pytest.mark.django_db
def test_review_keeps_the_lists_filters_from_one_submission_to_the_next(
    reviewer_client, letter, other_letter
):
    first = submitted(letter, "Joliet", 30)
    submitted(other_letter, "Aurora", 20)  # another letter: not in this view
    unconfirmed = submitted(letter, "Elgin", 25)
    confirmed = submitted(letter, "Peoria", 10, email_confirmed_at=timezone.now())
    filters = f"letter__id__exact={letter.pk}"

    page = reviewer_client.get(REVIEW, {"_changelist_filters": filters})
    assert shown(page) == first
    page = decide(reviewer_client, page, "approve")
    assert shown(page) == unconfirmed
    assert parse_qs(urlparse(page.redirect_chain[-1][0]).query)["_changelist_filters"] == [filters]
    page = decide(reviewer_client, page, "approve")
    assert shown(page) == confirmed
    page = decide(reviewer_client, page, "approve")
    assert shown(page) is None
    assert "No pending submission in this view: all reviewed." in page.text
    assert f"{CHANGELIST}?{filters}" in page.text  # back to the same list
    # A filter on a signal is kept too: only unconfirmed ones.
    Signature.objects.update(status=Signature.Status.PENDING)
    page = reviewer_client.get(REVIEW, {"_changelist_filters": "confirmed=no&letter__id__exact="
                                        f"{letter.pk}"})  # fmt: skip
    assert shown(page) == first
    page = decide(reviewer_client, page, "skip")
    assert shown(page) == unconfirmed
    page = decide(reviewer_client, page, "skip")
    assert shown(page) is None


@pytest.mark.django_db
def test_the_note_is_saved_with_each_decision(reviewer_client, reviewer, letter):
    approve_me = submitted(letter, "Joliet", 30)
    reject_me = submitted(letter, "Elgin", 20)
    skip_me = submitted(letter, "Peoria", 10)
    page = reviewer_client.get(REVIEW)
    page = decide(reviewer_client, page, "approve", review_note="Called city hall 3/2.")
    page = decide(reviewer_client, page, "reject", review_note="Voicemail only.",
                  reason="The mayor's office says it did not sign.")  # fmt: skip
    decide(reviewer_client, page, "skip", review_note="Left a message 3/3.")
    for signature in (approve_me, reject_me, skip_me):
        signature.refresh_from_db()
    assert (approve_me.status, approve_me.review_note) == ("approved", "Called city hall 3/2.")
    assert approve_me.reviewed_by == reviewer
    assert (reject_me.status, reject_me.review_note) == ("rejected", "Voicemail only.")
    assert reject_me.decision_reason == "The mayor's office says it did not sign."
    assert (skip_me.status, skip_me.review_note) == ("pending", "Left a message 3/3.")


@pytest.mark.django_db
def test_rejecting_without_a_reason_says_so_and_keeps_what_was_typed(reviewer_client, letter):
    signature = submitted(letter, "Joliet", 30)
    page = reviewer_client.get(REVIEW)
    data = {"signature": signature.pk, "decision": "reject", "review_note": "Called twice.",
            "reason": "  "}  # fmt: skip
    response = reviewer_client.post(page.context["post_url"], data)
    assert response.status_code == 200
    assert "Say why it is rejected" in response.text
    assert "Called twice." in response.text
    signature.refresh_from_db()
    assert (signature.status, signature.review_note) == ("pending", "")


@pytest.mark.django_db
def test_a_submission_decided_meanwhile_is_not_decided_twice(reviewer_client, staff, letter):
    signature = submitted(letter, "Joliet", 30)
    page = reviewer_client.get(REVIEW)
    signature.reject(staff, "Duplicate.")
    page = decide(reviewer_client, page, "approve")
    signature.refresh_from_db()
    assert signature.status == "rejected"
    assert "cannot become approved" in page.text


@pytest.mark.django_db
def test_the_screen_shows_the_signals_with_their_evidence_conflicts_and_history(
    reviewer_client, staff, letter
):
    earlier = submitted(letter, "Laredo", 60, state="TX", contact_email="john.smith@dc.gov")
    earlier.reject(staff, "Not from Laredo.")
    signature = submitted(letter, "Laredo", 30, state="TX", contact_email="john.smith@dc.gov",
                          mayor_first_name="Chris", mayor_last_name="Aide")  # fmt: skip
    page = reviewer_client.get(REVIEW)
    assert shown(page) == signature
    text = page.text
    assert "Mayor Chris Aide, Laredo, TX" in text
    assert "john.smith@dc.gov" in text and signature.contact_phone in text
    assert "Another government’s domain:" in text and "does not name Laredo" in text
    assert "Mayor’s name = contact’s name" in text
    assert "Not yet: no link has been mailed" in text
    assert reverse("admin:signon_signature_change", args=[earlier.pk]) in text  # the conflict
    # History: the earlier one's decision is its own; this one shows its submission.
    assert "submitted" in text
    assert "<kbd>A</kbd>" in text and "js/review-keys." in text


@pytest.mark.django_db
def test_the_history_lists_what_was_decided_before(reviewer_client, staff, letter):
    signature = submitted(letter, "Joliet", 30, status=Signature.Status.HELD)
    signature.decide(Signature.Status.PENDING, staff, "Looked fine.")
    page = reviewer_client.get(REVIEW)
    assert shown(page) == signature
    assert "Held: looked automated → Pending review" in page.text
    assert LogEntry.objects.count() == 1


@pytest.mark.django_db
def test_staff_who_may_not_decide_cannot_open_the_review_screen(client, letter):
    submitted(letter, "Joliet", 30)
    log_in_with_device(client, staff_without_review())
    assert client.get(REVIEW).status_code == 403


@pytest.mark.django_db
def test_nonsense_in_the_review_urls_is_no_crash(reviewer_client, letter):
    signature = submitted(letter, "Joliet", 30)
    for params in ({"after": "²"}, {"after": "99999999"}, {"_changelist_filters": "o=zz&p=9"},
                   {"_changelist_filters": "nosuchfield=1"}):  # fmt: skip
        response = reviewer_client.get(REVIEW, params)
        assert response.status_code == 200, params
    forged = reviewer_client.post(REVIEW, {"signature": "x", "decision": "approve"})
    assert forged.status_code == 302
    signature.refresh_from_db()
    assert signature.status == "pending"
