from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from najiz.common import todo

        from . import documents, selectors

        documents.register_kinds()
        todo.register("payments", selectors.tasks_for)  # "My tasks" on the home page
