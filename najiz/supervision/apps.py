from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "najiz.supervision"
    label = "supervision"
