"""What the signature changelist costs, and that making it cheaper changed nothing staff see.

The desk's changelist is drawn with shortcuts (signon/admin/): a search's page read
from its matches, suggestions kept between pages, escaping without Django's
lazy-text wrapper. Each test here checks one shortcut against Django's own way.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from letters.models import Letter
from places import matching
from signon.admin import places as place_column
from signon.admin import rows, signatures
from signon.admin.links import changelist_url
from signon.models import Signature

from .conftest import CHANGELIST, make_signature

# ---------------------------------------------------------------- a search's page

QUESTIONS = 9


@pytest.fixture
def smiths(letter):
    """Eight Smiths and two others, some submitted at the very same moment."""
    start = timezone.now() - datetime.timedelta(days=1)
    moments = [start + datetime.timedelta(minutes=m) for m in (5, 1, 5, 3, 9, 1, 7, 5)]
    for n, moment in enumerate(moments):
        signature = make_signature(letter, mayor_last_name="Smith", city=f"Smithville {n}",
                                   state="TX", contact_email=f"aide{n}@example.org")  # fmt: skip
        Signature.objects.filter(pk=signature.pk).update(created_at=moment)
    make_signature(letter, mayor_last_name="Jones", city="Boise", state="ID")
    make_signature(letter, mayor_last_name="Brown", city="Austin", state="TX")
    return Signature.objects.filter(mayor_last_name="Smith")


def page_of(client, **params) -> tuple[list[int], str]:
    """The page's rows (their ids, in order) and the SQL that read them."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    rows_sql = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "signon_signature"'))
    return [s.pk for s in response.context_data["cl"].result_list], rows_sql


def newest_first(signatures) -> list[int]:
    return list(signatures.order_by("-created_at", "-pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_search_with_few_matches_is_sorted_from_its_matches_in_the_same_order(
    reviewer_client, smiths
):
    shown, sql = page_of(reviewer_client, q="smith")
    assert shown == newest_first(smiths)
    # The newest-first key the index cannot serve: PostgreSQL finds the matches first.
    assert '"signon_signature"."created_at" + \'0 days' in sql
    assert sql.endswith('DESC, "signon_signature"."id" DESC')


@pytest.mark.django_db
def test_each_page_of_a_sorted_search_holds_the_same_rows_as_newest_first(
    reviewer_client, smiths, monkeypatch
):
    model_admin = admin.site.get_model_admin(Signature)
    monkeypatch.setattr(model_admin, "list_per_page", 3)
    pages = [page_of(reviewer_client, q="smith", p=n) for n in (1, 2, 3)]
    assert [pk for shown, _ in pages for pk in shown] == newest_first(smiths)
    assert all("+ '0 days" in sql for _, sql in pages)


@pytest.mark.django_db
def test_a_search_sorted_oldest_first_keeps_that_order(reviewer_client, smiths):
    response = reviewer_client.get(CHANGELIST, {"q": "smith"})
    column = response.context_data["cl"].list_display.index("submitted")
    shown, sql = page_of(reviewer_client, q="smith", o=str(column))
    assert shown == list(smiths.order_by("created_at", "-pk").values_list("pk", flat=True))
    assert "+ '0 days" in sql


@pytest.mark.django_db
def test_a_search_with_many_matches_is_read_newest_first_off_the_index(
    reviewer_client, smiths, monkeypatch
):
    monkeypatch.setattr(signatures, "SORTED_SEARCH_UP_TO", 5)
    shown, sql = page_of(reviewer_client, q="smith")
    assert shown == newest_first(smiths)
    assert "0 days" not in sql
    assert sql.endswith(
        'ORDER BY "signon_signature"."created_at" DESC, "signon_signature"."id" DESC'
    )


@pytest.mark.django_db
def test_a_list_sorted_by_another_column_or_not_searched_is_left_to_django(reviewer_client, smiths):
    _, plain = page_of(reviewer_client)
    _, by_city = page_of(reviewer_client, q="smith", o="3")
    assert "0 days" not in plain and "0 days" not in by_city


# ---------------------------------------------------------------- escaping


VALUES = [
    "O'Brien & <Sons>", 'say "hi"', "", "  padded ", 42, 1.5, None, True,
    mark_safe("<b>safe</b>"), SafeString("<i>x</i>"), gettext_lazy("Approved"),
    datetime.date(2026, 1, 2),
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_rows_escape_every_kind_of_value_as_django_does(value):
    assert rows.escape_cell(value) == conditional_escape(value)
    assert type(rows.escape_cell(value)) is type(conditional_escape(value))
    drawn = rows.format_cell('<span title="{}">{}</span>', value, value)
    assert drawn == format_html('<span title="{}">{}</span>', value, value)
    assert isinstance(drawn, SafeString)


# ---------------------------------------------------------------- suggestions


@pytest.mark.django_db
def test_a_reload_of_the_page_does_not_look_for_the_same_suggestions_again(
    reviewer_client, letter, places, monkeypatch
):
    make_signature(letter, city="Sante Fe", state="NM")
    make_signature(letter, city="Albuquerqe", state="NM")
    place_column._suggested.clear()
    looked_up = []
    real = matching.suggestions

    def counted(city, state, **kwargs):
        looked_up.append(city)
        return real(city, state, **kwargs)

    monkeypatch.setattr(matching, "suggestions", counted)
    first = reviewer_client.get(CHANGELIST).text
    assert sorted(looked_up) == ["Albuquerqe", "Sante Fe"]
    assert "Did you mean Santa Fe, NM" in first and "Did you mean Albuquerque, NM" in first
    second = reviewer_client.get(CHANGELIST).text
    assert len(looked_up) == 2, "the second page looked again"
    assert second.count("Did you mean") == first.count("Did you mean") == 2
    # Places loaded again: the state's names are read again, and the suggestions too.
    matching.forget_cached()
    assert "Did you mean Santa Fe, NM" in reviewer_client.get(CHANGELIST).text
    assert len(looked_up) == 4


# ---------------------------------------------------------------- filters and the page


@pytest.mark.django_db
def test_the_letter_filters_list_the_same_choices_as_djangos_reading_only_their_labels(
    reviewer_client, letter, smiths
):
    other = Letter.objects.create(slug="bridges", title="Bridges & <Roads>", salutation="Dear:",
                                  body="Fund the bridges.", status=Letter.Status.OPEN)  # fmt: skip
    make_signature(other, city="Peoria", state="IL")
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(CHANGELIST)
    cl = response.context_data["cl"]
    request = response.wsgi_request
    for title in ("letter", "text version signed"):
        spec = next(spec for spec in cl.filter_specs if spec.title == title)
        django = admin.RelatedFieldListFilter.field_choices(spec, spec.field, request,
                                                            cl.model_admin)  # fmt: skip
        assert spec.lookup_choices == django and len(django) >= 2
    letter_sql = [q["sql"] for q in queries if 'FROM "letters_letter"' in q["sql"]]
    assert len(letter_sql) == 1, "one read of the letters serves the column and the filter"
    assert '"letters_letter"."body"' not in letter_sql[0]
    version_sql = next(q["sql"] for q in queries if 'FROM "letters_letterversion"' in q["sql"])
    assert '"letters_letterversion"."body"' not in version_sql
    # Two letters: the rows name theirs, reading only its title.
    assert "field-letter" in response.text and "Bridges &amp; &lt;Roads&gt;" in response.text
    rows_sql = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "signon_signature"'))
    assert '"letters_letter"."title"' in rows_sql
    assert '"letters_letter"."summary"' not in rows_sql


@pytest.mark.django_db
def test_the_searched_changelist_asks_the_database_a_fixed_number_of_questions(
    reviewer_client, smiths, django_assert_num_queries
):
    reviewer_client.get(CHANGELIST)
    # Session, user, its permissions and its groups', second factor; letters, versions;
    # the count and the rows.
    with django_assert_num_queries(QUESTIONS):
        response = reviewer_client.get(CHANGELIST, {"q": "smith"})
    assert response.context_data["cl"].result_count == 8


@pytest.mark.django_db
def test_pages_without_the_sidebar_do_not_build_the_app_list_pages_with_it_show_it(
    reviewer_client, smiths, monkeypatch
):
    built = []
    real = AdminSite._build_app_dict

    def counted(site, request, label=None):
        built.append(label)
        return real(site, request, label)

    monkeypatch.setattr(AdminSite, "_build_app_dict", counted)
    page = reviewer_client.get(CHANGELIST, {"q": "smith"})
    assert page.status_code == 200 and 'id="nav-sidebar"' not in page.text
    assert built == []
    signature = smiths.first()
    change = reviewer_client.get(reverse("admin:signon_signature_change", args=[signature.pk]))
    assert 'id="nav-sidebar"' in change.text and "Signatures</a>" in change.text
    assert built == [None]
    index = reviewer_client.get(reverse("admin:index"))
    assert "Signatures</a>" in index.text


@pytest.mark.django_db
def test_the_signals_annotations_are_built_once_and_give_each_page_its_own_counts(
    reviewer_client, letter, monkeypatch
):
    from signon import models as signon_models

    built = []
    real = signon_models.same_office

    def counted():
        built.append(1)
        return real()

    signon_models._signals.cache_clear()
    monkeypatch.setattr(signon_models, "same_office", counted)
    first = make_signature(letter, city="Peoria", state="IL", contact_email="clerk@peoria.gov")
    assert "same city" not in reviewer_client.get(CHANGELIST).text
    second = make_signature(letter, city="Peoria", state="IL", contact_email="clerk@peoria.gov",
                            status="rejected")  # fmt: skip
    make_signature(letter, city="Joliet", state="IL", contact_email="clerk@peoria.gov")
    page = reviewer_client.get(CHANGELIST).text
    assert built == [1], "with_signals built its subqueries again"
    for signature in (first, second):
        assert f'href="{changelist_url(same_office_as=signature.pk)}">1 same city' in page
        assert f'href="{changelist_url(same_contact_as=signature.pk)}">1 other city' in page
    signon_models._signals.cache_clear()


@pytest.mark.django_db
def test_the_domain_column_works_each_address_out_once_and_follows_a_recorded_domain(
    reviewer_client, letter, monkeypatch
):
    from signon import signals
    from signon.models import OfficialDomain

    tried = []
    real = signals.names_city

    def counted(domain, city, state):
        tried.append(domain)
        return real(domain, city, state)

    signals.domain_signal.cache_clear()
    monkeypatch.setattr(signals, "names_city", counted)
    make_signature(letter, city="Laredo", state="TX", contact_email="aide@dc.gov")
    assert "signon-tier--government" in reviewer_client.get(CHANGELIST).text
    assert "signon-tier--government" in reviewer_client.get(CHANGELIST).text
    assert tried == ["dc.gov"]
    OfficialDomain.objects.create(domain="dc.gov", city="Laredo", state="TX")
    assert "signon-tier--own" in reviewer_client.get(CHANGELIST).text
