from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "najiz.linkage"
    label = "linkage"
    verbose_name = _("Business linkage")

    def ready(self):
        from . import receivers  # noqa: F401  (connects to enforcement's status signal)
