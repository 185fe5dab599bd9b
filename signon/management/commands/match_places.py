"""Link signatures to their reference places (``signon.places_link``)."""

from django.core.management.base import BaseCommand

from signon.places_link import link_unmatched


class Command(BaseCommand):
    help = (
        "Link each signature that has no matched place to the place its city names "
        "(load_places does this by itself after loading). --all matches every signature "
        "again, replacing staff corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything")

    def handle(self, *args, everything=False, **options):
        linked = link_unmatched(everything=everything)
        self.stdout.write(f"Linked {linked} signature(s) to a place.")
