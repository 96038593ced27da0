from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "autocrm.web"
    label = "web"
