"""signon.admin.letters: the letter admin opens, counts signatures per status with links,
and opens and closes a letter.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from letters.models import Letter

from .conftest import make_signature

LETTERS = reverse("admin:letters_letter_changelist")


@pytest.mark.django_db
def test_the_letter_admin_counts_signatures_per_status_with_links(reviewer_client, letter):
    make_signature(letter, city="Peoria")
    make_signature(letter, city="Joliet")
    make_signature(letter, city="Elgin", status="approved")
    make_signature(letter, city="Aurora", status="rejected")
    link = f"/admin/signon/signature/?letter__id__exact={letter.pk}&amp;status__exact="
    for page in (
        reviewer_client.get(LETTERS),
        reviewer_client.get(reverse("admin:letters_letter_change", args=[letter.pk])),
    ):
        assert f'<a href="{link}pending">2 pending review</a>' in page.text
        assert f'<a href="{link}approved">1 approved</a>' in page.text
        assert f'<a href="{link}rejected">1 rejected</a>' in page.text
        assert f'<a href="{link}withdrawn">0 withdrawn</a>' in page.text

    listed = reviewer_client.get(
        "/admin/signon/signature/", {"letter__id__exact": letter.pk, "status__exact": "pending"}
    )
    assert sorted(s.city for s in listed.context["cl"].result_list) == ["Joliet", "Peoria"]


@pytest.mark.django_db
def test_staff_close_and_reopen_a_letter_and_the_history_says_so(reviewer_client, client, letter):
    response = reviewer_client.post(
        LETTERS, {"action": "close_selected", "_selected_action": [letter.pk]}, follow=True
    )
    assert "1 letter(s) closed." in response.text
    letter.refresh_from_db()
    assert letter.status == Letter.Status.CLOSED
    sign = reviewer_client.get(reverse("signon:sign", kwargs={"slug": letter.slug}))
    assert "This letter is closed to new signatures" in sign.text

    reviewer_client.post(LETTERS, {"action": "open_selected", "_selected_action": [letter.pk]})
    letter.refresh_from_db()
    assert letter.status == Letter.Status.OPEN
    assert [e.get_change_message() for e in LogEntry.objects.order_by("action_time")] == [
        "Status: Open for signatures → Closed.",
        "Status: Closed → Open for signatures.",
    ]


@pytest.mark.django_db
def test_the_letter_admin_opens(staff_client, letter):
    response = staff_client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    assert response.status_code == 200
    assert "Laura DeKoven Waxman" in response.text
