"""What the "Conference staff" group needs for outreach: the directory (view, add,
change offices: import needs both), invitations (view; add to invite; change to
remind) and opt-outs (view)."""

from django.db import migrations

from signon import staff_group

PERMISSIONS = {
    "outreach": ["view_office", "add_office", "change_office", "view_invitation",
                 "add_invitation", "change_invitation", "view_optout"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("outreach", "0001_initial"),
        ("signon", "0009_staff_permissions"),
    ]

    operations = [
        staff_group.grant(PERMISSIONS),
    ]
