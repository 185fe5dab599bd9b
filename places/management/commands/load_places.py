"""Load (or refresh) the GeoNames places from the committed extract."""

from django.core.management.base import BaseCommand

from places import geonames, loading
from places.models import Place


class Command(BaseCommand):
    help = (
        "Load the U.S. places of the committed GeoNames extract (places/data/geonames.csv). "
        "Idempotent: an unchanged file is skipped in one query; a changed one updates rows "
        "in place by GeoNames id."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Compare every row even if the file is unchanged."
        )

    def handle(self, *args, force=False, **options):
        file_digest = loading.digest(geonames.EXTRACT)
        if not force and loading.is_loaded(Place.Source.GEONAMES, file_digest):
            self.stdout.write("Places: already loaded, nothing to do.")
            return
        report = loading.load(
            Place.Source.GEONAMES,
            geonames.read_extract(),
            vintage=geonames.vintage(),
            file_digest=file_digest,
            remove_missing=True,
        )
        self.stdout.write(f"Places from GeoNames: {report}.")
