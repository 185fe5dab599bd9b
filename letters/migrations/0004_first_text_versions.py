"""Give every existing letter its version 1: the text as it stands today."""

import hashlib

from django.db import migrations
from django.utils import timezone


def add_first_versions(apps, schema_editor):
    Letter = apps.get_model("letters", "Letter")
    LetterVersion = apps.get_model("letters", "LetterVersion")
    for letter in Letter.objects.all():
        if LetterVersion.objects.filter(letter=letter).exists():
            continue
        # Same fingerprint as letters.models.text_sha256.
        text = "\n\n".join([letter.salutation.strip(), letter.body.strip(), letter.closing.strip()])
        LetterVersion.objects.create(
            letter=letter,
            number=1,
            salutation=letter.salutation,
            body=letter.body,
            closing=letter.closing,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            created_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_lifecycle")]

    operations = [migrations.RunPython(add_first_versions, migrations.RunPython.noop)]
