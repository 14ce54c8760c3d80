from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "najiz.accounts"
    label = "accounts"

    def ready(self):
        from . import session_expiry  # noqa: F401 - connects the sign-in stamp
