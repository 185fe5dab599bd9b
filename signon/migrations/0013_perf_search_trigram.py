"""The admin's signature search served by trigram indexes (PostgreSQL only).

The changelist searches six text fields with ``icontains``, which PostgreSQL
runs as ``UPPER(field::text) LIKE UPPER('%term%')`` on each: without an index
that is a sequential scan of every signature (127 ms at 20,000). ``pg_trgm``'s
GIN operator class answers ``LIKE '%…%'`` from an index, so one index per field
is built on exactly those expressions. One index per field, not one over all six: the planner prices a
multicolumn GIN scan per column at the whole index's size and kept the
sequential scan (96 ms), where six single-column indexes are chosen (0.6 ms, at
20,000 signatures). SQLite (``make run``) has neither and skips both.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The admin's search_fields (signon/admin/signatures.py), as the lookup casts them.
SEARCHED = (
    "mayor_first_name", "mayor_last_name", "city", "contact_email", "contact_first_name",
    "contact_last_name",
)  # fmt: skip


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX signature_{name}_trgm ON signon_signature "
            f'USING gin (UPPER("{name}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEARCHED:
            schema_editor.execute(f"DROP INDEX IF EXISTS signature_{name}_trgm")


class Migration(migrations.Migration):
    dependencies = [("signon", "0012_office_notes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
