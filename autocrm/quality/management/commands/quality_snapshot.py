"""`manage.py quality_snapshot [--reconstruct MONTHS]`: take this month's quality snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope, scopes_disabled

from autocrm.quality.snapshots import quality_snapshot_reconstruct, quality_snapshot_take
from autocrm.tenancy.models import Dealer


class Command(BaseCommand):
    help = "Store this month's quality figures per employee for every dealer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reconstruct",
            type=int,
            default=0,
            metavar="MONTHS",
            help="Also rebuild up to MONTHS earlier months that have no snapshot.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            dealers = list(Dealer.objects.order_by("code"))
        for dealer in dealers:
            with scope(dealer=dealer.pk):
                rows = quality_snapshot_take(dealer=dealer)
                if options["reconstruct"]:
                    rows += quality_snapshot_reconstruct(
                        dealer=dealer, months=options["reconstruct"]
                    )
            self.stdout.write(f"{dealer.code}: {rows} snapshot rows")
