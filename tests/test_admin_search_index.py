"""The admin's signature search can be answered from the trigram index, not a full scan.

No timing here (``make bench`` reports the changelist's median): this checks
that PostgreSQL is able to serve the changelist's own search query from the
``signature_search_text_trgm`` index over the fields staff search in (migration
0020), and that the search finds exactly what Django's own search would.
"""

import pytest
from django.contrib import admin
from django.db import connection

from signon.admin.signatures import SearchText
from signon.models import Signature

from .conftest import make_signature

SEARCHED = admin.site._registry[Signature].search_fields


def search_plan(rf, admin_user, term: str) -> str:
    """The plan of the changelist's search, with sequential scans priced out of reach."""
    model_admin = admin.site._registry[Signature]
    request = rf.get("/admin/signon/signature/", {"q": term})
    request.user = admin_user
    queryset, _ = model_admin.get_search_results(request, Signature.objects.all(), term)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Unordered: the changelist's order could be read off another index on so few rows.
    return queryset.order_by().explain()


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Smith", "austin", "clerk@", "Ada Smi", '"Ada Smith"'])
def test_the_changelist_search_can_use_the_trigram_index(rf, admin_user, letter, term):
    make_signature(letter, mayor_last_name="Smith", city="Austin", state="TX")
    plan = search_plan(rf, admin_user, term)
    assert "Bitmap Index Scan on signature_search_text_trgm" in plan, plan
    assert "Seq Scan on signon_signature" not in plan, plan


@pytest.fixture
def varied(letter):
    """Signatures whose fields hold what a search might trip on."""
    for first, last, city, email in [
        ("Ada", "Smith", "Austin", "ada@austintexas.gov"),
        ("Ada", "Jones", "Smithville", "clerk@smithville.gov"),
        ("Bo", "O'Brien & <Sons>", "Saint Paul", "bo_x@stpaul.gov"),
        ("Zoë", "Renée", "Mayagüez", "100%@pr.gov"),
        ("Smith", "Ada", "Boise", "smith@gmail.com"),
    ]:
        make_signature(letter, mayor_first_name=first, mayor_last_name=last, city=city,
                       state="TX", contact_email=email)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("term", [
    "smith", "SMITH", "Ada Smith", '"Ada Smith"', "'ada smith'", "ada austin", "th\nAu",
    "100%", "bo_x", "o'brien &", "<Sons>", "zoë", "RENÉE", "gov", "", "  ", '"', "stpaul gov",
    "Smith\nAustin", '"Smith\nAustin"', "nobody",
])  # fmt: skip
def test_the_search_finds_exactly_what_djangos_search_finds(rf, admin_user, varied, term):
    model_admin = admin.site._registry[Signature]
    request = rf.get("/admin/signon/signature/", {"q": term})
    request.user = admin_user
    ours, _ = model_admin.get_search_results(request, Signature.objects.all(), term)
    django, _ = admin.ModelAdmin.get_search_results(model_admin, request,
                                                     Signature.objects.all(), term)  # fmt: skip
    assert set(ours.values_list("pk", flat=True)) == set(django.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_search_reads_the_joined_fields_so_one_index_serves_it(rf, admin_user, varied):
    model_admin = admin.site._registry[Signature]
    request = rf.get("/admin/signon/signature/", {"q": "ada smith"})
    request.user = admin_user
    found, duplicates = model_admin.get_search_results(request, Signature.objects.all(),
                                                       "ada smith")  # fmt: skip
    sql = str(found.query)
    assert sql.count("LIKE") == 2 and "chr(10)" in sql and not duplicates
    assert sorted(found.values_list("city", flat=True)) == ["Austin", "Boise", "Smithville"]
    assert list(model_admin.search_fields) == SearchText.FIELDS


@pytest.mark.django_db
def test_the_search_finds_the_same_signatures_with_the_index(admin_client, letter):
    make_signature(letter, mayor_last_name="Smithson", city="Austin", state="TX")
    make_signature(letter, mayor_last_name="Jones", city="Boise", state="ID")
    page = admin_client.get("/admin/signon/signature/", {"q": "smith"})
    assert page.status_code == 200
    assert "Smithson" in page.text
    assert "Boise" not in page.text


@pytest.mark.django_db
def test_the_trigram_index_keeps_no_pending_list_and_replaces_the_six():
    # A GIN index's pending list holds new rows until VACUUM; a search reads it through,
    # and with thousands of new rows the planner scanned the table instead (migration 0018).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'signature_%%_trgm'"
        )
        options = dict(cursor.fetchall())
    # One index to write per sign-on, not one per searched field (migration 0020).
    assert options == {"signature_search_text_trgm": ["fastupdate=off"]}
    assert SEARCHED == SearchText.FIELDS
