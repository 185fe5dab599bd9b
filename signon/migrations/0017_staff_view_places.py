"""Conference staff may look places up in admin (the reference data the signatures
are matched to); only superusers load or import them."""

from django.db import migrations

from signon import staff_group

PERMISSIONS = {"places": ["view_place"]}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("places", "0002_datasets"),
        ("signon", "0016_officialdomain_source"),
    ]

    operations = [
        staff_group.grant(PERMISSIONS),
    ]
