"""Give every existing signature its random confirmation id (0004 then makes it unique).

Signatures from before the app sent mail owe none: they are marked as mailed, so
approving one later does not send a receipt weeks after the fact.
"""

import uuid

from django.db import migrations


def fill(apps, schema_editor):
    Signature = apps.get_model("signon", "Signature")
    for signature in Signature.objects.filter(confirmation_id__isnull=True):
        signature.confirmation_id = uuid.uuid4()
        signature.receipt_sent_at = signature.staff_notified_at = signature.created_at
        signature.approval_notice_sent_at = signature.approved_at
        signature.save(
            update_fields=["confirmation_id", "receipt_sent_at", "staff_notified_at",
                           "approval_notice_sent_at"]
        )


class Migration(migrations.Migration):
    dependencies = [("signon", "0002_review_desk")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
