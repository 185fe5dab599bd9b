"""The admin search's trigram indexes (0013) without GIN's pending list.

By default a GIN index takes new rows into a pending list, merged into the index
by VACUUM or once the list reaches 4 MB, and every search reads that list through.
With 20,000 signatures just added the planner priced the indexes out and scanned
the table (36 ms a search); with the list merged the same search took 0.4 ms.
Sign-ons arrive one at a time, so the list would sit between vacuums in production
too. Without it each sign-on writes its trigrams into the six indexes at once: about
0.2 ms more per insert (0.28 against 0.06–0.13 ms, 2,000 inserts, 20,000 rows).
"""

from django.db import migrations

# As in 0013: the admin's search_fields.
SEARCHED = (
    "mayor_first_name", "mayor_last_name", "city", "contact_email", "contact_first_name",
    "contact_last_name",
)  # fmt: skip


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCHED:
        index = f"signature_{name}_trgm"
        schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # What the list holds now goes into the index (it is no longer added to).
        schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEARCHED:
            schema_editor.execute(f"ALTER INDEX signature_{name}_trgm RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("signon", "0017_staff_view_places")]

    operations = [migrations.RunPython(without_pending_list, with_pending_list)]
