from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Virtual enforcement court")

    def ready(self):
        from . import alerts, documents, events, receivers  # noqa: F401  (timeline texts, payment receivers)

        alerts.register_kinds()
        documents.register_kinds()
