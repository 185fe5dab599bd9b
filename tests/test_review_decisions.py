"""Decisions on signatures: each transition, its history entry, reasons, and who may decide."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group

from signon.models import InvalidTransition, ReasonRequired, Signature

from .conftest import (
    CHANGELIST,
    conference_staff,
    decide_url,
    history_url,
    log_in_with_device,
    make_signature,
    staff_without_review,
)


def history(signature) -> list[str]:
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(object_id=str(signature.pk)).order_by("action_time")
    ]


@pytest.mark.django_db
def test_approving_from_the_changelist_writes_who_when_and_from_to_in_the_history(
    reviewer_client, reviewer, letter
):
    signature = make_signature(letter)
    response = reviewer_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [signature.pk]}, follow=True
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
    response = reviewer_client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [first.pk, second.pk],
         "apply": "Reject", "reason": "City hall says no one sent it"},
        follow=True,
    )  # fmt: skip
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
    response = reviewer_client.post(
        CHANGELIST,
        {"action": "withdraw_selected", "_selected_action": [signature.pk],
         "apply": "Mark withdrawn", "reason": "The mayor's office asked on 3/4"},
        follow=True,
    )  # fmt: skip
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
    response = reviewer_client.post(
        CHANGELIST,
        {"action": "withdraw_selected", "_selected_action": [signature.pk],
         "apply": "Mark withdrawn", "reason": "asked"},
        follow=True,
    )  # fmt: skip
    assert "1 signature(s) skipped: only approved signatures can be marked withdrawn." in (
        response.text
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert history(signature) == []


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
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert history(signature) == ["Status: Pending review → Rejected. Reason: Duplicate of #12"]
    assert LogEntry.objects.get().user == reviewer


@pytest.mark.django_db
def test_approving_from_the_change_page_needs_no_reason(reviewer_client, letter):
    signature = make_signature(letter)
    response = reviewer_client.post(decide_url(signature, "approved"), {"reason": ""})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert history(signature) == ["Status: Pending review → Approved."]


@pytest.mark.django_db
def test_a_decision_the_status_does_not_allow_is_refused_with_a_message(reviewer_client, letter):
    signature = make_signature(letter, status=Signature.Status.REJECTED)
    response = reviewer_client.post(decide_url(signature, "approved"), {"reason": ""}, follow=True)
    assert "1 signature(s) skipped: only pending signatures can be approved." in response.text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert history(signature) == []


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

    client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [signature.pk]})
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
