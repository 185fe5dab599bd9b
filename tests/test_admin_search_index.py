"""The admin's signature search can be answered from the trigram index, not a full scan.

No timing here (``make bench`` reports the changelist's median): this checks
that PostgreSQL is able to serve the changelist's own search query from
a ``signature_<field>_trgm`` index (migration 0013) for each field staff search in.
"""

import pytest
from django.contrib import admin
from django.db import connection

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
@pytest.mark.parametrize("term", ["Smith", "austin", "clerk@", "Ada Smi"])
def test_the_changelist_search_can_use_the_trigram_index(rf, admin_user, letter, term):
    make_signature(letter, mayor_last_name="Smith", city="Austin", state="TX")
    plan = search_plan(rf, admin_user, term)
    for field in SEARCHED:
        assert f"Bitmap Index Scan on signature_{field}_trgm" in plan, plan
    assert "Seq Scan on signon_signature" not in plan, plan


@pytest.mark.django_db
def test_the_search_finds_the_same_signatures_with_the_index(admin_client, letter):
    make_signature(letter, mayor_last_name="Smithson", city="Austin", state="TX")
    make_signature(letter, mayor_last_name="Jones", city="Boise", state="ID")
    page = admin_client.get("/admin/signon/signature/", {"q": "smith"})
    assert page.status_code == 200
    assert "Smithson" in page.text
    assert "Boise" not in page.text


@pytest.mark.django_db
def test_the_trigram_indexes_keep_no_pending_list():
    # A GIN index's pending list holds new rows until VACUUM; a search reads it through,
    # and with thousands of new rows the planner scanned the table instead (migration 0018).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [[f"signature_{field}_trgm" for field in SEARCHED]],
        )
        options = dict(cursor.fetchall())
    assert options == {f"signature_{field}_trgm": ["fastupdate=off"] for field in SEARCHED}
