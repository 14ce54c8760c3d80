from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "najiz.casefile"
    label = "casefile"
