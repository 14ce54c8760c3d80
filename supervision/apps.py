from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    label = "supervision"
    verbose_name = _("Judicial supervision")

    def ready(self):
        from . import events, replay  # noqa: F401  (timeline texts, replayable steps)
