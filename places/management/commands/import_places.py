"""Import the conference's own file of places (columns in places/importing.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from places import importing, loading
from places.models import Place


class Command(BaseCommand):
    help = (
        "Import places from the conference's CSV file (columns: id, name, state, population, "
        "aliases). Every row is checked first: with any error nothing is saved. A place "
        "with an id imported before is updated; places absent from the file are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as source:
                parsed = importing.parse(source)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(parsed.errors)} error(s) in {file}: nothing was saved. "
                "Correct the file and import it again."
            )
        report = loading.load(
            Place.Source.CONFERENCE,
            parsed.rows,
            vintage=f"Conference file {file.name}",
            file_digest=loading.digest(file),
            remove_missing=False,
        )
        self.stdout.write(f"Places from {file.name}: {report}.")
