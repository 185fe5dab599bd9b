"""Delivery, moved from the letters app with every row, and its snapshot's version.

- The model's state moves (letters 0005 then lets it go); its table, letters_delivery,
  stays as it is: no row is copied.
- Its content type moves to signon, so the permissions (and the "Conference
  staff" group holding view/add/change delivery) and the admin history follow.
- ``snapshot_version`` records the shape of each delivery's list: 2 when the
  rows carry the signed text's "version", 1 for older rows without it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="letters", new="signon"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # A content type created for the new label before this ran (e.g. by a
    # post_migrate on a partly migrated database) holds nothing yet: drop it.
    moving = ContentType.objects.filter(app_label=old, model="delivery")
    if moving.exists():
        ContentType.objects.filter(app_label=new, model="delivery").delete()
        moving.update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="signon", new="letters")


def set_snapshot_versions(apps, schema_editor):
    Delivery = apps.get_model("signon", "Delivery")
    for delivery in Delivery.objects.all():
        rows = delivery.signatories
        version = 2 if all("version" in row for row in rows) else 1
        if delivery.snapshot_version != version:
            Delivery.objects.filter(pk=delivery.pk).update(snapshot_version=version)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("letters", "0004_first_text_versions"),
        ("signon", "0010_office_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("delivered_on", models.DateField()),
                        ("delivered_to", models.CharField(help_text="e.g. Members of the U.S. House of Representatives and Senate", max_length=300)),
                        ("method", models.CharField(help_text="e.g. hand-delivered to each office; e-mail", max_length=200, verbose_name="how")),
                        ("note", models.TextField(blank=True)),
                        ("signatories", models.JSONField(default=list, editable=False)),
                        ("signatory_count", models.PositiveIntegerField(editable=False)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        ("letter", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="delivery", to="letters.letter")),
                        ("recorded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("version", models.ForeignKey(help_text="The text delivered.", on_delete=django.db.models.deletion.PROTECT, related_name="+", to="letters.letterversion")),
                    ],
                    options={"verbose_name_plural": "deliveries", "db_table": "letters_delivery"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.AddField(
            model_name="delivery",
            name="snapshot_version",
            field=models.PositiveSmallIntegerField(
                default=2,
                editable=False,
                help_text="The shape of the signatories' rows (SNAPSHOT_VERSION).",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(set_snapshot_versions, migrations.RunPython.noop),
    ]
