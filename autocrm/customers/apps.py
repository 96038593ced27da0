from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "autocrm.customers"
    label = "customers"
    verbose_name = _("Customer profiles")

    def ready(self) -> None:
        from autocrm.customers import registry

        registry.register()
