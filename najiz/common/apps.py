from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "najiz.common"
    label = "common"

    def ready(self):
        from . import converters

        converters.register()
        from . import checks  # noqa: F401  (registers the deployment checks)

        self._warm_pdf_for_runserver()

    @staticmethod
    def _warm_pdf_for_runserver():
        """runserver's serving process warms WeasyPrint in the background (its requests run in
        threads of their own); other commands and the tests never do."""
        import os
        import sys
        import threading

        from django.conf import settings

        from . import pdf

        if settings.PDF_WARM_ON_START and pdf.runserver_serving(sys.argv, os.environ):
            threading.Thread(target=pdf.warm_on_start, name="pdf-warm-up", daemon=True).start()
