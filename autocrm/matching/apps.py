from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "autocrm.matching"
    label = "matching"
    verbose_name = _("Duplicates")

    def ready(self) -> None:
        from autocrm.matching import registry

        registry.register()
