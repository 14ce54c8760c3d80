from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Virtual enforcement court")

    def ready(self):
        from najiz.common import todo

        from . import alerts, disclosure, documents, events, receivers, rules, selectors  # noqa: F401  (timeline texts, receivers, rule names)

        alerts.register_kinds()
        documents.register_kinds()
        disclosure.register_kinds()
        todo.register("enforcement", selectors.tasks_for)  # "My tasks" on the home page
