"""`manage.py dev_signing_key`: a local CA and a document-signing certificate for development.

Writes PDF_SIGNING_KEY_FILE (var/signing/signing.p12, with PDF_SIGNING_KEY_PASSWORD) and the CA's
certificate next to it (ca.pem: import it into a PDF reader to see the signatures as trusted).
An existing key is kept unless --force. Refused in production, whose key is the ministry's.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from najiz.common import signing


class Command(BaseCommand):
    help = "Create a local CA and a document-signing certificate under var/signing/ (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing key.")

    def handle(self, *args, force=False, **options):
        if settings.DJANGO_ENV == "production":
            raise CommandError("Production signs with the ministry's key (PDF_SIGNING_KEY_FILE), never a local CA.")
        if not settings.PDF_SIGNING_KEY_FILE:
            raise CommandError("PDF_SIGNING_KEY_FILE is not set.")
        path = Path(settings.PDF_SIGNING_KEY_FILE)
        if path.exists() and not force:
            self.stdout.write(f"Signing key kept: {path}")
            return
        signing.create_development_key(path, settings.PDF_SIGNING_KEY_PASSWORD)
        signing.reset()
        self.stdout.write(f"Signing key: {path}\nCA certificate (to trust in a PDF reader): {path.parent / 'ca.pem'}")
