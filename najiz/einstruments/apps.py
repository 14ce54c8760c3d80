from django.apps import AppConfig


class EinstrumentsConfig(AppConfig):
    name = "najiz.einstruments"
    label = "einstruments"
