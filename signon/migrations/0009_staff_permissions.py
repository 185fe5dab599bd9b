"""What the "Conference staff" group's job needs, and the export permission.

- "Can export contact details": the bulk CSV carries every contact's e-mail and
  phone, so viewing signatures is not enough to download it;
- deliveries (view, add, change) and letter versions (view): recording a
  delivery sends staff to the delivery's page and its packet, and a letter's
  page lists its versions.
"""

from django.db import migrations

from signon import staff_group

PERMISSIONS = {
    "letters": ["view_delivery", "add_delivery", "change_delivery", "view_letterversion"],
    "signon": ["export_signature"],
}


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
        staff_group.grant(PERMISSIONS),
    ]
