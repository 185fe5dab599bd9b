"""Delivery moves to the signon app: state only, after signon 0011 took it over.

The table letters_delivery and its rows stay where they are; signon's model
keeps that table name. Depending on signon's migration is Django's recipe for
moving a model between apps (the new owner first, then the old one lets go);
no code of letters imports signon.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0004_first_text_versions"),
        ("signon", "0011_delivery"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Delivery")],
            database_operations=[],
        ),
    ]
