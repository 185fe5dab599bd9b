"""The "Conference staff" group and the permissions its job needs, as migrations grant
them (signon's, outreach's): one way to create the permissions on a fresh database
and add them to the group, and to take them back."""

from collections.abc import Iterator

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Conference staff"


def _permissions(apps, wanted: dict[str, list[str]]) -> Iterator:
    # Permissions are normally created after all migrations have run; create
    # them now so the group can hold them on a fresh database.
    for label in wanted:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for label, codenames in wanted.items():
        found = list(
            Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )
        if len(found) != len(codenames):
            raise LookupError(f"missing permissions for {label}: {sorted(codenames)}")
        yield from found


def grant(wanted: dict[str, list[str]]) -> migrations.RunPython:
    """A migration operation: the group gets these permissions ({app label: codenames})."""

    def forwards(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        group, _ = Group.objects.get_or_create(name=GROUP)
        group.permissions.add(*_permissions(apps, wanted))

    def backwards(apps, schema_editor):
        group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, wanted))

    return migrations.RunPython(forwards, backwards)
