from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zonedesk.demo"
    label = "demo"
    verbose_name = "Demo"
