from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "autocrm.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from autocrm.sales import registry

        registry.register()
