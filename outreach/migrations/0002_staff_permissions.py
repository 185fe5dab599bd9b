"""What the "Conference staff" group needs for outreach: the directory (view, add,
change offices: import needs both), invitations (view; add to invite; change to
remind) and opt-outs (view)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Conference staff"
PERMISSIONS = {
    "outreach": ["view_office", "add_office", "change_office", "view_invitation",
                 "add_invitation", "change_invitation", "view_optout"],
}


def _permissions(apps):
    # As in signon's 0009_staff_permissions: create them now, so the group can hold them.
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
        ("outreach", "0001_initial"),
        ("signon", "0009_staff_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
