from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConveyanceConfig(AppConfig):
    name = "conveyance"
    verbose_name = _("Electronic conveyance")

    def ready(self):
        from najiz.common import todo

        from . import alerts, deeds, receivers, rules, selectors, tasks  # noqa: F401  (kinds, timeline texts, receivers, rule names, tasks)

        alerts.register_kinds()
        deeds.register_kinds()
        todo.register("conveyance", selectors.tasks_for)  # "My tasks" on the home page
