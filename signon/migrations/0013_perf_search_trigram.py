"""The admin's signature search served by a trigram index (PostgreSQL only).

The changelist searches six text fields with ``icontains``, which PostgreSQL
runs as ``UPPER(field::text) LIKE UPPER('%term%')`` on each: without an index
that is a sequential scan of every signature (127 ms at 20,000). ``pg_trgm``'s
GIN operator class answers ``LIKE '%…%'`` from an index, so the index is built
on exactly those expressions. SQLite (``make run``) has neither and skips both.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The admin's search_fields (signon/admin/signatures.py), as the lookup casts them.
SEARCHED = (
    "mayor_first_name", "mayor_last_name", "city", "contact_email", "contact_first_name",
    "contact_last_name",
)  # fmt: skip
INDEX = "signature_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f'UPPER("{name}"::text) gin_trgm_ops' for name in SEARCHED)
    schema_editor.execute(f"CREATE INDEX {INDEX} ON signon_signature USING gin ({columns})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("signon", "0012_office_notes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
