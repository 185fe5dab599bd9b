"""``manage.py build_fold_table``: writes the browser's copy of the name-folding table."""

from django.core.management.base import BaseCommand

from places import fold_table


class Command(BaseCommand):
    help = "Write static/js/fold.js, the browser's copy of places.normalize.fold."

    def handle(self, *args, **options) -> None:
        fold_table.SCRIPT.write_text(fold_table.script(), encoding="utf-8")
        self.stdout.write(f"Wrote {fold_table.SCRIPT} ({len(fold_table.table())} characters).")
