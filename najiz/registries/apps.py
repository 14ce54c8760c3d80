from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "najiz.registries"
    label = "registries"
