from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EinstrumentsConfig(AppConfig):
    name = "einstruments"
    label = "einstruments"
    verbose_name = _("Electronic instruments")

    def ready(self):
        from najiz.common import todo

        from . import alerts, documents, events, receivers, selectors  # noqa: F401  (notification kinds, timeline texts, receivers)

        alerts.register_kinds()
        documents.register_kinds()
        todo.register("einstruments", selectors.tasks_for)  # "My tasks" on the home page
