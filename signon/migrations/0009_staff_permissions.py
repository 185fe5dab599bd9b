"""What the "Conference staff" group's job needs, and the export permission.

- "Can export contact details": the bulk CSV carries every contact's e-mail and
  phone, so viewing signatures is not enough to download it;
- deliveries (view, add, change) and letter versions (view): recording a
  delivery sends staff to the delivery's page and its packet, and a letter's
  page lists its versions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Conference staff"
PERMISSIONS = {
    "letters": ["view_delivery", "add_delivery", "change_delivery", "view_letterversion"],
    "signon": ["export_signature"],
}


def _permissions(apps):
    # Permissions are normally created after all migrations have run; create
    # them now so the group can hold them on a fresh database.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for label, codenames in PERMISSIONS.items():
        found = list(
            Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )
        assert len(found) == len(codenames), f"missing permissions for {label}"
        yield from found


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("letters", "0004_first_text_versions"),
        ("signon", "0008_held_submissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="signature",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("review_signature", "Can approve or reject signatures"),
                    ("export_signature", "Can export contact details"),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
