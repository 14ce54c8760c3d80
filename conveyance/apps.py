from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConveyanceConfig(AppConfig):
    name = "conveyance"
    verbose_name = _("Electronic conveyance")

    def ready(self):
        from . import alerts, deeds, receivers, tasks  # noqa: F401  (kinds, timeline texts, signal receivers, tasks)

        alerts.register_kinds()
        deeds.register_kinds()
