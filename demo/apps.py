from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo registries, circuits and logins that `make run` loads (`manage.py seed_demo`)."""

    name = "demo"
    label = "demo"
    verbose_name = _("Demo data")
