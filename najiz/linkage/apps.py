from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "najiz.linkage"
    label = "linkage"
