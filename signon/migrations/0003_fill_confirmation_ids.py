"""Give every existing signature its random confirmation id (0004 then makes it unique)."""

import uuid

from django.db import migrations


def fill(apps, schema_editor):
    Signature = apps.get_model("signon", "Signature")
    for signature in Signature.objects.filter(confirmation_id__isnull=True).only("pk"):
        signature.confirmation_id = uuid.uuid4()
        signature.save(update_fields=["confirmation_id"])


class Migration(migrations.Migration):
    dependencies = [("signon", "0002_review_desk")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
