from django.core.management.base import BaseCommand
from django.utils import translation

from demo import data as demo


class Command(BaseCommand):
    help = "Load the demo registries, circuits and logins (idempotent), then print who is who."

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true", help="Only print the demo identities; change nothing.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo identities.")
        parser.add_argument("--lang", default="en", choices=["ar", "en"], help="Language of the table (default: en).")

    def handle(self, *args, show=False, quiet=False, lang="en", **options):
        if not show:
            demo.seed()
            self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if show or not quiet:
            with translation.override(lang):
                self.stdout.write(demo.format_who_is_who())
