from django.apps import AppConfig


class ConveyanceConfig(AppConfig):
    name = "conveyance"
