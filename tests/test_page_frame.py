"""signon.page_frame: a staff decision redraws the letter page's figures, not its frame;
anything else the frame shows renders it again.

Each test renders the page, changes one thing, renders again, and checks which of
letter_detail.html (the frame) and letter_figures.html (the figures) were rendered,
and that the page is what a worker holding nothing would serve.
"""

import datetime
import zoneinfo

import pytest
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signon import page_cache, page_frame
from signon.delivery import record_delivery
from signon.models import Delivery

from .conftest import SEED_SLUG, approve, from_scratch, make_signature

LETTER_URL = reverse("signon:letter", args=[SEED_SLUG])
FRAME, FIGURES = "signon/letter_detail.html", "signon/letter_figures.html"


def render(client, url: str = LETTER_URL) -> tuple[str, set[str]]:
    """The page as a worker's next render gives it (the page cache set aside), and
    which of the frame and the figures that render drew."""
    page_cache.clear()
    drawn = []

    def seen(sender, template, **kwargs):
        drawn.append(template.name)

    template_rendered.connect(seen)
    try:
        page = client.get(url)
    finally:
        template_rendered.disconnect(seen)
    assert page.status_code == 200
    return page.text, {name for name in drawn if name in (FRAME, FIGURES)}


def frame_rendered_again(client) -> str:
    """The next render, which must render the frame again and give what a worker holding
    nothing would."""
    page, drawn = render(client)
    assert drawn == {FRAME, FIGURES}
    assert page == from_scratch(client, LETTER_URL)
    return page


@pytest.mark.django_db
def test_the_next_render_draws_the_figures_only(client, listed):
    first, drawn = render(client)
    assert drawn == {FRAME, FIGURES}
    again, drawn = render(client)
    assert drawn == {FIGURES}
    assert again == first


@pytest.mark.django_db
def test_an_approval_redraws_the_figures_in_the_frame_as_held(client, listed):
    render(client)
    approve(listed, "Ron", "Nirenberg", "San Antonio", "TX")
    page, drawn = render(client)
    assert drawn == {FIGURES}
    assert "Mayor Ron Nirenberg, San Antonio, TX" in page
    assert "6 mayors" in page
    assert page == from_scratch(client, LETTER_URL)


@pytest.mark.django_db
def test_the_first_approval_renders_the_frame_with_its_list(client, letter):
    empty, _ = render(client)
    assert "Mayor Kirk Watson" not in empty
    approve(letter, "Kirk", "Watson", "Austin", "TX")
    page = frame_rendered_again(client)
    assert "Mayor Kirk Watson, Austin, TX" in page


@pytest.mark.django_db
def test_an_edit_saved_without_a_new_time_renders_the_frame(client, listed):
    render(client)
    # update() leaves updated_at as it was: the frame is keyed by what it shows.
    Letter.objects.filter(pk=listed.pk).update(title="A letter retitled in the shell")
    page = frame_rendered_again(client)
    assert "A letter retitled in the shell" in page


@pytest.mark.parametrize(
    "moment, text, shown_before",
    [
        ("deadline", "Sign on for your city", True),  # the letter closes
        ("list_published_at", "Mayor Kirk Watson, Austin, TX", False),  # the embargo lifts
    ],
)
@pytest.mark.django_db
def test_a_moment_passing_renders_the_frame(
    client, listed, time_machine, moment, text, shown_before
):
    time_machine.move_to(timezone.now())
    in_an_hour = timezone.now() + datetime.timedelta(hours=1)
    Letter.objects.filter(pk=listed.pk).update(**{moment: in_an_hour})
    before, _ = render(client)
    assert (text in before) is shown_before
    time_machine.shift(datetime.timedelta(hours=2))
    page = frame_rendered_again(client)
    assert (text in page) is not shown_before


@pytest.mark.django_db
def test_midnight_renders_the_frame_with_the_new_printed_date(client, listed, time_machine):
    eastern = zoneinfo.ZoneInfo("America/New_York")
    time_machine.move_to(datetime.datetime(2026, 12, 2, 23, 59, tzinfo=eastern))
    before, _ = render(client)
    assert "printed December 2, 2026" in before
    time_machine.shift(datetime.timedelta(minutes=2))
    page = frame_rendered_again(client)
    assert "printed December 3, 2026" in page


@pytest.mark.django_db
def test_an_edit_of_the_delivery_record_renders_the_frame(client, listed, staff):
    record_delivery(
        listed, user=staff, delivered_on=datetime.date(2026, 3, 9),
        delivered_to="Members of Congress", method="hand-delivered", note="",
    )  # fmt: skip
    assert "Delivered to Congress on March 9, 2026" in render(client)[0]
    Delivery.objects.filter(letter=listed).update(delivered_on=datetime.date(2026, 3, 10))
    page = frame_rendered_again(client)
    assert "Delivered to Congress on March 10, 2026" in page


@pytest.mark.django_db
def test_a_search_and_a_pending_signature_reuse_the_frame(client, listed):
    render(client)
    make_signature(listed, city="Plano", state="TX")  # pending: not on the page
    _, drawn = render(client, LETTER_URL + "?state=TX")
    assert drawn == {FIGURES}


def open_letter(slug: str) -> Letter:
    return Letter.objects.create(
        slug=slug, title=slug, salutation="Dear Congress,", body="We ask.",
        status=Letter.Status.OPEN,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_worker_holds_a_bounded_number_of_frames(client, letter):
    others = [open_letter(f"letter-{n}") for n in range(page_frame.MAX_LETTERS)]
    render(client)  # the seed letter first, then one more than the worker holds
    for other in others:
        render(client, other.get_absolute_url())
    _, drawn = render(client, others[-1].get_absolute_url())
    assert drawn == {FIGURES}
    _, drawn = render(client)  # the oldest went to make room
    assert drawn == {FRAME, FIGURES}
