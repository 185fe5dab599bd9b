"""The review screen's pace: page loads and decisions per minute for a scripted reviewer,
against the list → change page → decide page → confirm → back to the list flow.

The page loads are counted exactly (asserted); the decisions per minute are printed
(``-s`` shows them; ``REVIEW_PACE_SUBMISSIONS`` sets how many, 12 by default).
"""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from signon.models import Signature

from .conftest import CHANGELIST, decide_url, make_signature
from .test_review_screen import REVIEW

SUBMISSIONS = int(os.environ.get("REVIEW_PACE_SUBMISSIONS", "12"))


class CountingReviewer:
    """A test client that counts the pages it loads (HTML answers) and its requests."""

    def __init__(self, client):
        self.client, self.pages, self.requests = client, 0, 0

    def _count(self, response):
        self.requests += 1 + len(getattr(response, "redirect_chain", []))
        self.pages += 1
        assert response.status_code == 200
        return response

    def get(self, url, data=None):
        return self._count(self.client.get(url, data))

    def post(self, url, data):
        return self._count(self.client.post(url, data, follow=True))


def pending_queue(letter, count: int) -> None:
    for i in range(count):
        signature = make_signature(letter, city=f"Town {i}", contact_email=f"a{i}@town{i}.gov")
        when = timezone.now() - timedelta(minutes=count - i)
        Signature.objects.filter(pk=signature.pk).update(created_at=when)


def report(flow: str, reviewer: CountingReviewer, seconds: float) -> float:
    per_minute = SUBMISSIONS / seconds * 60
    print(
        f"{flow}: {SUBMISSIONS} decisions in {seconds:.2f} s, {per_minute:.0f} per minute; "
        f"{reviewer.pages / SUBMISSIONS:.0f} page loads and "
        f"{reviewer.requests / SUBMISSIONS:.0f} requests per decision"
    )
    return per_minute


@pytest.mark.django_db
def test_the_review_screen_takes_one_page_load_per_decision_where_the_list_took_four(
    reviewer_client, letter
):
    pending_queue(letter, SUBMISSIONS)
    # Before: open the row, Approve, confirm, back to the list by the breadcrumb.
    before = CountingReviewer(reviewer_client)
    started = time.perf_counter()
    for signature in Signature.objects.filter(status="pending").order_by("created_at"):
        before.get(f"{CHANGELIST}{signature.pk}/change/")
        before.get(decide_url(signature, "approved"))
        before.post(decide_url(signature, "approved"), {"apply": "Approve", "reason": ""})
        before.get(CHANGELIST)
    report("list and change page", before, time.perf_counter() - started)
    assert before.pages == 4 * SUBMISSIONS
    assert not Signature.objects.filter(status="pending").exists()

    Signature.objects.update(status="pending")
    # After: the review screen, one key press per decision.
    after = CountingReviewer(reviewer_client)
    started = time.perf_counter()
    page = after.get(REVIEW)
    for _ in range(SUBMISSIONS):
        data = {"signature": page.context["signature"].pk, "decision": "approve",
                "review_note": "Checked.", "reason": ""}  # fmt: skip
        page = after.post(page.context["post_url"], data)
    report("review screen", after, time.perf_counter() - started)
    assert page.context["signature"] is None
    assert not Signature.objects.filter(status="pending").exists()
    # One page to start, then one page (a POST and its redirect) per decision.
    assert after.pages == SUBMISSIONS + 1
    assert after.requests == 2 * SUBMISSIONS + 1
