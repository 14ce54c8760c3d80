from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "najiz.common"
    label = "common"

    def ready(self):
        from . import converters

        converters.register()
        from . import checks  # noqa: F401  (registers the deployment checks)
