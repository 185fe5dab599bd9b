"""A letter's progress on its admin page: sign-ons per day, decision times, the queue's age."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from signon.admin.progress import duration, letter_progress, render_panel

from .conftest import approved_signature, make_signature

EASTERN = ZoneInfo("America/New_York")


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=EASTERN)


def submitted(letter, when, city, status="pending", decided_after_hours=None):
    """A sign-on sent at ``when``, decided that many hours later if given."""
    with time_machine.travel(when, tick=False):
        signature = make_signature(letter, city=city, status=status)
    if decided_after_hours is not None:
        signature.reviewed_at = when + datetime.timedelta(hours=decided_after_hours)
        signature.save(update_fields=["reviewed_at"])
    return signature


@pytest.fixture
def week_of_sign_ons(letter):
    """Five sign-ons over four days: three decided (after 2, 10 and 4 hours), two waiting."""
    submitted(letter, at(2, 12), "Austin", "approved", decided_after_hours=2)
    submitted(letter, at(2, 12), "Boston", "rejected", decided_after_hours=10)
    submitted(letter, at(3, 12), "Chicago", "approved", decided_after_hours=4)
    submitted(letter, at(3, 12), "Denver")
    submitted(letter, at(5, 9), "El Paso")
    return letter


@pytest.mark.django_db
def test_sign_ons_are_counted_per_day_by_their_status_with_empty_days_kept(week_of_sign_ons):
    progress = letter_progress(week_of_sign_ons, now=at(5, 12))
    assert [(day.day.day, day.counts) for day in progress.days] == [
        (2, {"approved": 1, "rejected": 1}),
        (3, {"approved": 1, "pending": 1}),
        (4, {}),
        (5, {"pending": 1}),
    ]
    assert progress.total == 5


@pytest.mark.django_db
def test_decision_time_gives_the_median_and_the_90th_percentile(week_of_sign_ons):
    progress = letter_progress(week_of_sign_ons, now=at(5, 12))
    assert progress.decided == 3
    assert progress.median_decision == datetime.timedelta(hours=4)
    # Between the second (4 h) and third (10 h) of three, 80% of the way.
    assert progress.p90_decision == datetime.timedelta(hours=8, minutes=48)


@pytest.mark.django_db
def test_the_pending_queue_age_is_its_oldest_and_median_wait(week_of_sign_ons):
    progress = letter_progress(week_of_sign_ons, now=at(5, 12))
    assert progress.pending == 2
    assert progress.oldest_pending == datetime.timedelta(hours=48)
    assert progress.median_pending == datetime.timedelta(hours=25, minutes=30)


@pytest.mark.django_db
def test_the_panel_draws_the_chart_and_gives_its_figures_as_text(week_of_sign_ons):
    panel = render_panel(letter_progress(week_of_sign_ons, now=at(5, 12)))
    assert 'role="img" aria-label="Sign-ons per day, Mar 2 to Mar 5: 5 in all, at most 2' in panel
    assert panel.count("<rect x=") == 5  # one bar segment per day and status
    assert "median <strong>4 h</strong>, 90th percentile <strong>8 h 48 min</strong>" in panel
    assert "<strong>2</strong> waiting, the oldest for <strong>2.0 days</strong>" in panel
    rows = re.findall(r'<tr><th scope="row"><time datetime="([\d-]+)">.*?</tr>', panel)
    assert rows == ["2026-03-02", "2026-03-03", "2026-03-05"]


@pytest.mark.django_db
def test_population_and_member_share_show_only_when_given(week_of_sign_ons):
    plain = render_panel(letter_progress(week_of_sign_ons, now=at(5, 12)))
    assert "Americans" not in plain and "Member-size" not in plain
    full = render_panel(
        letter_progress(week_of_sign_ons, now=at(5, 12), population=1_234_567, member_share=(3, 12))
    )
    assert "home to <strong>1,234,567</strong> Americans" in full
    assert "Member-size cities signed: <strong>3</strong> of 12 (25%)" in full


@pytest.mark.django_db
def test_a_letter_without_sign_ons_says_so_instead_of_an_empty_chart(letter):
    panel = render_panel(letter_progress(letter))
    assert "No sign-on yet" in panel
    assert '<svg class="progress-chart"' not in panel
    assert "Pending queue: empty" in panel


@pytest.mark.django_db
def test_the_letter_admin_page_shows_the_progress_panel(reviewer_client, week_of_sign_ons):
    page = reviewer_client.get(reverse("admin:letters_letter_change", args=[week_of_sign_ons.pk]))
    assert page.status_code == 200
    assert 'id="letter-progress"' in page.text
    assert re.search(r"signon/letter-progress\.\w*\.?css", page.text)


def test_durations_read_the_way_staff_say_them():
    assert duration(None) == "—"
    assert duration(datetime.timedelta(minutes=45)) == "45 min"
    assert duration(datetime.timedelta(hours=5, minutes=20)) == "5 h 20 min"
    assert duration(datetime.timedelta(hours=84)) == "3.5 days"


@pytest.mark.django_db
def test_the_admin_panel_reads_population_and_member_share_from_the_places(reviewer_client, letter):
    from places.models import Place

    for number, (name, population) in enumerate(
        [("Springfield", 114_394), ("Peoria", 113_150), ("Normal", 52_736), ("Tiny", 900)]
    ):
        Place.objects.create(
            name=name, state="IL", population=population, source="geonames", source_id=number
        )
    approved_signature(letter)  # Springfield: member-size
    approved_signature(letter, city="Tiny")  # not member-size
    make_signature(letter, city="Peoria")  # pending: not listed, not counted
    page = reviewer_client.get(reverse("admin:letters_letter_change", args=[letter.pk])).text
    assert "home to <strong>115,294</strong> Americans" in page
    assert "Member-size cities signed: <strong>1</strong> of 3 (33%)" in page
