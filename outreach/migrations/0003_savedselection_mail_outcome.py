"""Saved selections of offices for the Invite page (the "Conference staff" group may see
and delete them; saving and using one needs what inviting needs), and the mail outcome of
an invitation: queued, or failed after every retry."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from signon import staff_group


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0002_staff_permissions'),
        ('signon', '0009_staff_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='invitation',
            name='mail_error',
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='invitation',
            name='mail_failed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='mail failed'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='mail_pending',
            field=models.CharField(blank=True, choices=[('invitation', 'invitation'), ('reminder', 'reminder')], editable=False, max_length=10, verbose_name='mail queued'),
        ),
        migrations.CreateModel(
            name='SavedSelection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('criteria', models.JSONField(default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        staff_group.grant({"outreach": ["view_savedselection", "delete_savedselection"]}),
    ]
