"""`manage.py catalogue_load`: add what the shipped catalogue has and the database lacks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from autocrm.catalogue.services import catalogue_load


class Command(BaseCommand):
    help = (
        "Load the model catalogue shipped with autocrm (autocrm/catalogue/catalogue_data.py): "
        "brands, series, trims and aliases the database lacks are added, found by their "
        "names; rows that exist are left as they are. Safe to run again (offline)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        added = catalogue_load()
        self.stdout.write(
            "Catalogue loaded: {brands} brands, {series} series, {trims} trims and "
            "{aliases} aliases added.".format(**added)
        )
