from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "autocrm.web"
    label = "web"

    def ready(self) -> None:
        from autocrm.web import registry

        registry.register()
