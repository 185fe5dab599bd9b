"""Recompute office keys: look-alike letters now fold, and a key always fits its column.

Keys of ordinary names do not change ("Springfield", "Peñasco", "St. Louis");
a name with a look-alike letter ("Sprıngfield") gets the key of the name it
imitates. If that would put a second live signature on an office, the row
keeps its old key and is printed, for staff to decide (the database's
one-live-signature rule is never broken).
"""

from django.db import IntegrityError, migrations, transaction

from places.normalize import office_key


def recompute(apps, schema_editor):
    for model_name in ("Signature", "OfficialDomain"):
        model = apps.get_model("signon", model_name)
        for row in model.objects.order_by("pk").iterator():
            key = office_key(row.city, row.state)
            if key == row.office_key:
                continue
            try:
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(office_key=key)
            except IntegrityError:
                print(
                    f"\n  {model_name} #{row.pk} ({row.city}, {row.state}) kept its office key: "
                    f"another live row already holds {key!r}. Review it in admin."
                )


class Migration(migrations.Migration):
    dependencies = [("signon", "0009_staff_permissions")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
