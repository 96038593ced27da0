"""`manage.py split_wrong_merges --dealer CODE [--dry-run]`: list the customers earlier imports
merged wrongly (several people in one record's history) and split them (customers.splitting)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_scopes import scope

from autocrm.customers.splitting import customer_split, wrong_merges
from autocrm.tenancy.models import Dealer


class Command(BaseCommand):
    help = "List the customers earlier imports merged wrongly and split them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dealer", required=True, help="the dealer's code")
        parser.add_argument("--dry-run", action="store_true", help="list them, split none")

    def handle(self, *args: Any, **options: Any) -> None:
        dealer = Dealer.objects.filter(code=options["dealer"]).first()
        if dealer is None:
            raise CommandError(f"Unknown dealer code {options['dealer']!r}.")
        split = 0
        with scope(dealer=dealer.pk):
            found = wrong_merges(dealer_id=dealer.pk)
            for merge in found:
                names = " / ".join(p.name for p in merge.people)
                self.stdout.write(f"#{merge.customer.pk} {names}: {'; '.join(merge.reasons)}")
                if options["dry_run"]:
                    continue
                with transaction.atomic():
                    made = customer_split(actor=None, customer=merge.customer)
                split += 1
                ids = ", ".join(f"#{c.pk} {c.name}" for c in made)
                self.stdout.write(f"  split off: {ids}")
        verb = "found" if options["dry_run"] else "split"
        self.stdout.write(
            f"{len(found) if options['dry_run'] else split} wrongly merged customers {verb}."
        )
