from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Virtual enforcement court")

    def ready(self):
        from najiz.common import todo

        from . import alerts, events, receivers, selectors  # noqa: F401  (timeline texts, payment receivers)

        alerts.register_kinds()
        todo.register("enforcement", selectors.tasks_for)  # "My tasks" on the home page
