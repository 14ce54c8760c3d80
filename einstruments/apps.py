from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EinstrumentsConfig(AppConfig):
    name = "einstruments"
    label = "einstruments"
    verbose_name = _("Electronic instruments")

    def ready(self):
        from . import alerts, documents, events, receivers  # noqa: F401  (notification kinds, timeline texts, receivers)

        alerts.register_kinds()
        documents.register_kinds()
