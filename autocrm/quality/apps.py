from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "autocrm.quality"
    label = "quality"
    verbose_name = _("Data quality")

    def ready(self) -> None:
        from autocrm.quality import registry

        registry.register()
