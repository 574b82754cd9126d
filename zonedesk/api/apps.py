from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zonedesk.api"
    label = "zonedesk_api"
    verbose_name = "API"
