from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "najiz.accounts"
    label = "accounts"
