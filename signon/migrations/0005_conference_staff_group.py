"""The "Conference staff" group: what reviewing signatures and editing letters needs.

Nothing about users or groups: giving someone access stays a superuser's job.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Conference staff"
PERMISSIONS = {
    "letters": ["view_letter", "add_letter", "change_letter"],
    "signon": [
        "view_signature", "change_signature", "review_signature",
        "view_officialdomain", "add_officialdomain", "change_officialdomain",
        "delete_officialdomain",
    ],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create
    # them now so the group can hold them on a fresh database.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for label, codenames in PERMISSIONS.items():
        found = Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        assert found.count() == len(codenames), f"missing permissions for {label}"
        group.permissions.add(*found)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("letters", "0002_seed_letter"),
        ("signon", "0004_confirmation_id_unique"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
