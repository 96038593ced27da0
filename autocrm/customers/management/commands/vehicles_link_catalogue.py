"""`manage.py vehicles_link_catalogue [--dealer CODE]`: link the vehicles that have no series
yet to the series their brand and model text name (customers.catalogue_links), e.g. after
`manage.py catalogue_load` brought more series, or another dealer's manager mapped a text."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from autocrm.customers.catalogue_links import vehicles_link_catalogue
from autocrm.tenancy.models import Dealer


class Command(BaseCommand):
    help = "Link the vehicles without a series to the catalogue by their brand and model text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dealer", help="the dealer's code (default: every dealer)")

    def handle(self, *args: Any, **options: Any) -> None:
        dealer_id = None
        if options["dealer"]:
            dealer = Dealer.objects.filter(code=options["dealer"]).first()
            if dealer is None:
                raise CommandError(f"Unknown dealer code {options['dealer']!r}.")
            dealer_id = dealer.pk
        with transaction.atomic():
            linked = vehicles_link_catalogue(dealer_id=dealer_id)
        self.stdout.write(f"{linked} vehicles linked to the catalogue.")
