"""The admin's signature search from one trigram index over the six searched fields.

0013 gave each searched field its own index; a search then ORs six ``LIKE``s, and
on a small table (1,400 signatures) the planner priced the six index scans above a
sequential scan: 1.7 ms for the count and again for the page, where one index over
the fields joined by a newline answers each in 0.2 ms (at 20,000 both plans are
index scans, 0.3–0.4 ms). No search term holds a newline (the search splits on
white space; signon/admin/signatures.py falls back to Django's search for a quoted
one that does), so a term found in the joined text is found in one of the fields.
One index to write per sign-on instead of six, without GIN's pending list (0018).
SQLite (``make run``) has no trigram index and skips this.
"""

from django.db import migrations

# The admin's search_fields, in order, as signatures.SearchText joins them.
SEARCHED = (
    "mayor_first_name", "mayor_last_name", "city", "contact_email", "contact_first_name",
    "contact_last_name",
)  # fmt: skip
JOINED = " || chr(10) || ".join(f'"{name}"' for name in SEARCHED)


def one_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The expression Django writes for search_text__icontains: UPPER((…)::text).
    schema_editor.execute(
        "CREATE INDEX signature_search_text_trgm ON signon_signature "
        f"USING gin (UPPER(({JOINED})::text) gin_trgm_ops) WITH (fastupdate = off)"
    )
    for name in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS signature_{name}_trgm")


def six_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX signature_{name}_trgm ON signon_signature "
            f'USING gin (UPPER("{name}"::text) gin_trgm_ops) WITH (fastupdate = off)'
        )
    schema_editor.execute("DROP INDEX IF EXISTS signature_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("signon", "0019_state_stamp_index")]

    operations = [migrations.RunPython(one_index, six_indexes)]
