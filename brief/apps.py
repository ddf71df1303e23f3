from django.apps import AppConfig


class BriefConfig(AppConfig):
    name = "brief"
    verbose_name = "The case to leadership"
