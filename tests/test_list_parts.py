"""signon.list_parts: one approval re-reads one state, and the page stays what a fresh
render would give.

The list is kept per state under each state's own stamp; these check that a
render after each kind of change reads only the states that changed and shows
exactly what a worker holding nothing would show.
"""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from places.models import Dataset, Place
from signon import compiled, list_parts, page_cache
from signon.models import Signature

from .conftest import SEED_SLUG, approve, from_scratch, make_signature

LETTER_URL = reverse("signon:letter", args=[SEED_SLUG])


def render(client) -> tuple[str, list[str]]:
    """The page, and the states whose rows the render read."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LETTER_URL)
    assert page.status_code == 200
    read = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith('SELECT "signon_signature"."mayor_first_name"'):
            read += re.findall(r"'([A-Z]{2})'", sql.split('"state" IN (', 1)[1].split(")")[0])
    return page.text, sorted(read)


@pytest.fixture
def three_states(letter):
    approve(letter, "Kirk", "Watson", "Austin", "TX")
    approve(letter, "Eric", "Johnson", "Dallas", "TX")
    approve(letter, "Lyda", "Krewson", "St. Louis", "MO")
    approve(letter, "Gavin", "Newsom", "San Francisco", "CA")
    return letter


@pytest.mark.django_db
def test_the_first_render_reads_every_state_and_the_next_none(client, three_states):
    _page, read = render(client)
    assert read == ["CA", "MO", "TX"]
    page_cache.clear()  # the stamp is read again; the states are held
    page, read = render(client)
    assert read == []
    assert "Mayor Kirk Watson, Austin, TX" in page


@pytest.mark.django_db
def test_an_approval_reads_its_state_only_and_shows_as_a_fresh_render_would(client, three_states):
    render(client)
    pending = make_signature(
        three_states, mayor_first_name="Ron", mayor_last_name="Nirenberg",
        city="San Antonio", state="TX",
    )  # fmt: skip
    pending.status, pending.approved_at = Signature.Status.APPROVED, timezone.now()
    pending.save()
    page, read = render(client)
    assert read == ["TX"]
    assert "Mayor Ron Nirenberg, San Antonio, TX" in page
    assert page == from_scratch(client, LETTER_URL)


@pytest.mark.django_db
def test_an_edit_a_withdrawal_and_a_move_each_show_on_the_next_render(client, three_states):
    render(client)
    watson = Signature.objects.get(mayor_last_name="Watson")
    watson.mayor_first_name = "Kirk P."
    watson.save()
    page, read = render(client)
    assert read == ["TX"]
    assert "Mayor Kirk P. Watson, Austin, TX" in page

    newsom = Signature.objects.get(mayor_last_name="Newsom")
    newsom.status = Signature.Status.REJECTED
    newsom.save()
    page, read = render(client)
    assert read == []  # California has no one left to read
    assert "San Francisco" not in page
    assert 'data-state="CA"' not in page

    krewson = Signature.objects.get(mayor_last_name="Krewson")
    krewson.city, krewson.state = "Springfield", "IL"
    krewson.save()
    page, read = render(client)
    assert read == ["IL"]
    assert "Mayor Lyda Krewson, Springfield, IL" in page
    assert 'data-state="MO"' not in page
    assert page == from_scratch(client, LETTER_URL)


@pytest.mark.django_db
def test_a_reload_of_the_places_reaches_each_states_population(client, places, letter):
    approve(letter, "Kirk", "Watson", "Austin", "TX")
    austin = Place.objects.get(name="Austin", state="TX")
    before = client.get(LETTER_URL).text
    assert f"representing <strong>{austin.population:,}</strong> Americans" in before

    Place.objects.filter(pk=austin.pk).update(population=1_000_000)
    Dataset.objects.get().save()  # what a load of the places does: a new loaded_at
    page_cache.clear()
    page, read = render(client)
    assert read == ["TX"]
    assert "representing <strong>1,000,000</strong> Americans" in page


@pytest.mark.django_db
def test_a_staff_correction_of_a_population_reaches_the_page(client, places, letter, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request asks for the stamp
    approve(letter, "Kirk", "Watson", "Austin", "TX")
    austin = Place.objects.get(name="Austin", state="TX")
    assert f"<strong>{austin.population:,}</strong> Americans" in client.get(LETTER_URL).text

    # Saved in another worker: this one learns of it from the stamp alone.
    Place.objects.filter(pk=austin.pk).update(population=1_000_000, updated_at=timezone.now())
    assert "representing <strong>1,000,000</strong> Americans" in client.get(LETTER_URL).text

    # Saved here, as the places admin saves it.
    austin.refresh_from_db()
    austin.population = 1_250_000
    austin.save()
    page = client.get(LETTER_URL).text
    assert "representing <strong>1,250,000</strong> Americans" in page
    assert page == from_scratch(client, LETTER_URL)


@pytest.mark.django_db
def test_a_deleted_place_no_longer_counts_on_the_page(client, places, letter, settings):
    settings.PAGE_CACHE_SECONDS = 0
    approve(letter, "Kirk", "Watson", "Austin", "TX")
    approve(letter, "Eric", "Johnson", "Dallas", "TX")
    austin = Place.objects.get(name="Austin", state="TX")
    dallas = Place.objects.get(name="Dallas", state="TX")
    both = f"<strong>{austin.population + dallas.population:,}</strong> Americans"
    assert both in client.get(LETTER_URL).text

    austin.delete()
    page, read = render(client)
    assert read == ["TX"]
    assert f"<strong>{dallas.population:,}</strong> Americans" in page
    assert page == from_scratch(client, LETTER_URL)


@pytest.mark.django_db
def test_a_worker_keeps_the_lists_of_its_most_recent_letters_only(client, letter, monkeypatch):
    monkeypatch.setattr(list_parts, "MAX_LETTERS", 2)
    others = [
        Letter.objects.create(slug=f"other-{i}", title=f"Other {i}", salutation="Dear all:",
                              body="Words.", status=Letter.Status.OPEN)
        for i in range(2)
    ]  # fmt: skip
    for each in (letter, *others):
        approve(each, "Kirk", "Watson", "Austin", "TX")
        assert client.get(each.get_absolute_url()).status_code == 200
    assert list(list_parts._parts) == [others[0].pk, others[1].pk]
    page_cache.clear()
    _page, read = render(client)  # the seed letter's list was let go: read again
    assert read == ["TX"]
    assert list(list_parts._parts) == [others[1].pk, letter.pk]


def _plan(run) -> str:
    """PostgreSQL's plan for the one query ``run()`` makes, on the table as autovacuum
    leaves it (vacuumed: its pages marked all-visible, its figures current), with the
    sequential and bitmap scans priced out so that the few test rows decide nothing.

    Not inside the test's transaction (VACUUM cannot run in one): pricing out index
    scans too, as this did first, prices out index-only scans with them in PostgreSQL
    15, and the plan then followed whatever figures earlier tests had left."""
    with CaptureQueriesContext(connection) as queries:
        run()
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE signon_signature")
        with transaction.atomic():
            for scan in ("seqscan", "bitmapscan"):
                cursor.execute(f"SET LOCAL enable_{scan} = off")
            cursor.execute("EXPLAIN " + query["sql"])
            return "\n".join(row[0] for row in cursor.fetchall())


# Committed rows, so VACUUM sees them; the seed letter is put back afterwards.
_vacuumed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@_vacuumed
def test_the_states_stamps_are_read_from_an_index_alone(three_states):
    # At 20,000 names a scan of the table took 9 ms and this 2 ms: every cold render
    # and every stamp check pays it.
    letter = compiled.letter_for_page(three_states.slug)  # as the page reads it
    plan = _plan(lambda: list_parts._state_stamps(letter))
    assert "Index Only Scan using signature_state_stamp" in plan, plan
    assert "letters_letter" not in plan  # the embargo is settled before the query


@_vacuumed
def test_the_letters_stamp_counts_its_approved_names_from_the_same_index(three_states):
    plan = _plan(lambda: page_cache.letter_stamp(SEED_SLUG))
    # The count and the latest edit each read an index over the approved rows alone. The
    # latest edit needs this one; the count may as well take signature_public_list,
    # another index over the approved rows, depending on their sizes.
    assert "Index Only Scan using signature_state_stamp" in plan, plan
    approved_indexes = r"Index Only Scan using signature_(state_stamp|public_list) on signon_"
    assert len(re.findall(approved_indexes, plan)) == 2, plan  # count, latest edit
    assert "Seq Scan on signon_signature" not in plan
