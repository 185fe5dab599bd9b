"""Outreach: invitations and opt-outs, and what the "Conference staff" group needs for
them: the directory (view, add, change offices: import needs both), invitations
(view; add to invite; change to remind) and opt-outs (view)."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "Conference staff"
PERMISSIONS = {
    "directory": ["view_office", "add_office", "change_office"],
    "signon": ["view_invitation", "add_invitation", "change_invitation",
               "view_outreachoptout"],
}


def _permissions(apps):
    # As in 0009_staff_permissions: create them now, so the group can hold them.
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
        ('directory', '0001_initial'),
        ('letters', '0005_delivery_moves_to_signon'),
        ('signon', '0015_review_rejection_notice'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OutreachOptOut',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('office', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='opt_out', to='directory.office')),
            ],
            options={
                'verbose_name': 'outreach opt-out',
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('opened_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='opened the form')),
                ('declined_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('decline_reason', models.TextField(blank=True, editable=False, max_length=2000)),
                ('reminder_count', models.PositiveSmallIntegerField(default=0, editable=False)),
                ('last_reminded_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('letter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invitations', to='letters.letter')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invitations', to='directory.office')),
                ('signature', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitation', to='signon.signature')),
            ],
            options={
                'ordering': ['-created_at'],
                'constraints': [models.UniqueConstraint(fields=('letter', 'office'), name='one_invitation_per_office')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
