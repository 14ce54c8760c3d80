from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "linkage"
    label = "linkage"
    verbose_name = _("Business linkage")

    def ready(self):
        from . import checks, documents, receivers  # noqa: F401  (registers the system check; connects to enforcement's status signal)

        documents.register_kinds()
