from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    label = "supervision"
    verbose_name = _("Judicial supervision")

    def ready(self):
        from najiz.common import todo

        from . import events, replay, selectors  # noqa: F401  (timeline texts, replayable steps)

        todo.register("supervision", selectors.tasks_for)  # "My tasks" on the home page
