"""`manage.py demo`: load the demo dealer group with synthetic customers."""

from __future__ import annotations

import sys
import time
import unicodedata
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django_scopes import scopes_disabled

from autocrm.customers.activity import activities_for_loaded_rows
from autocrm.customers.family_members import households_from_family_members
from autocrm.demo.catalog_data import PASSWORD, ROLE_TITLES
from autocrm.demo.detection import demo_duplicate_detection
from autocrm.demo.loader import LoadStats, first_ids, load, make_writer
from autocrm.demo.sales_load import sales_load
from autocrm.demo.verification import demo_quality_history, demo_verification
from autocrm.demo.world import logins, world_create, world_delete
from autocrm.tenancy.models import Dealer


def _pad(text: str, width: int) -> str:
    """Left-justify counting CJK characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 1)


class Command(BaseCommand):
    help = (
        "Load a demo dealer group (华南汽车集团: three dealers in Guangzhou, Shenzhen and "
        "Changsha, their staff logins and dictionaries) with N synthetic customers, their "
        "vehicles, mileage readings, contacts and interactions, dirty at the rates the seeds "
        "report, and write the ground truth (duplicate clusters, dirt applied) to DemoTruth. "
        "N counts every Customer row, duplicates included. The data is deterministic: the same "
        "--customers and --seed give the same rows on any day, because all dates are relative "
        "to a fixed 'today' of 2026-11-01 UTC. The sales year (leads, showroom traffic, "
        "opportunities, lost requests, targets) is the 365 days up to the real now, so that the "
        "workbench always has today's work: the same seed gives the same rows on the same day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=5000, help="Customer rows (N).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (exit 0) when a dealer exists already; print the logins.",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete existing demo data first."
        )
        parser.add_argument("--batch", type=int, default=50_000, help="Customers per write batch.")
        parser.add_argument(
            "--skip-detection",
            action="store_true",
            help="Do not run duplicate detection for each dealer after loading (benchmarks "
            "time it themselves).",
        )
        parser.add_argument(
            "--skip-sales",
            action="store_true",
            help="Do not generate the dealers' sales year (leads, showroom traffic, "
            "opportunities, lost requests, targets).",
        )
        parser.add_argument(
            "--keep-constraints",
            action="store_true",
            help="PostgreSQL: keep the foreign keys during the load (slower; for comparison).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customers: int = options["customers"]
        if customers < 0 or options["batch"] < 1:
            raise CommandError("--customers must be >= 0 and --batch >= 1.")
        with scopes_disabled():
            present = Dealer.objects.exists()
        if present:
            if options["if_empty"]:
                self.stdout.write("Demo data already present")
                self.print_logins()
                return
            if not options["replace"]:
                raise CommandError(
                    "The database already holds dealers; use --replace to delete the demo "
                    "data and load it again, or --if-empty to skip."
                )
        started = time.monotonic()
        with scopes_disabled(), transaction.atomic():
            if present:
                world_delete()
                self.stderr.write(f"Deleted the existing demo data ({self.elapsed(started)}).")
            world = world_create(settings.QUALITY)
            world = replace(world, first_ids=first_ids())
            stats = load(
                world,
                seed=options["seed"],
                customers=customers,
                batch_size=options["batch"],
                writer=make_writer(drop_constraints=not options["keep_constraints"]),
                progress=self.progress(customers),
            )
            if not options["skip_sales"]:
                # a year up to now of leads, traffic and opportunities: before the timeline
                # activities below, which cover the readings of the cars it sells too
                sales = sales_load(
                    [(ctx.spec, ctx.id) for ctx in world.dealers],
                    seed=options["seed"],
                    quality_now=world.now,
                )
                self.stderr.write(
                    f"Generated a sales year: {sales.rows['lead']:,} leads, "
                    f"{sales.rows['opportunity']:,} opportunities, "
                    f"{sales.rows['plan']:,} follow-up plans, "
                    f"{sales.rows['activity']:,} sales activities ({self.elapsed(started)})."
                )
                for campaign in sales.campaigns:
                    self.stderr.write(f"  campaign: {campaign}")
            # the loader writes readings and interactions with COPY, not through the services
            activities = activities_for_loaded_rows(
                readings_from=world.first_ids["reading"],
                interactions_from=world.first_ids["interaction"],
            )
            self.stderr.write(
                f"Recorded {activities:,} timeline activities ({self.elapsed(started)})."
            )
            # the generator writes the seed's family-members lists; they live in households
            households = households_from_family_members(connection)
            self.stderr.write(f"Made {households:,} households ({self.elapsed(started)}).")
            calls = demo_verification(seed=options["seed"])
            self.stderr.write(f"Recorded {calls:,} verification calls ({self.elapsed(started)}).")
            demo_quality_history()
        if not options["skip_detection"]:
            # after the load's transaction: the review queue of each dealer is filled, as the
            # nightly run would have done
            candidates = demo_duplicate_detection()
            self.stderr.write(
                f"Found {candidates:,} candidate duplicate pairs ({self.elapsed(started)})."
            )
        self.print_logins()
        self.stdout.write(
            f"Loaded {stats.customers:,} customers ({stats.duplicates:,} duplicate records), "
            f"{stats.rows['vehicle']:,} vehicles, {stats.rows['reading']:,} mileage readings, "
            f"{stats.rows['contact']:,} contacts, {stats.rows['interaction']:,} interactions "
            f"in {time.monotonic() - started:.1f} s (seed {options['seed']})."
        )

    @staticmethod
    def elapsed(started: float) -> str:
        return f"{time.monotonic() - started:.1f} s"

    def progress(self, total: int) -> Any:
        def report(stats: LoadStats) -> None:
            rows = sum(stats.rows.values())
            rate = stats.customers / stats.seconds if stats.seconds else 0.0
            self.stderr.write(
                f"  {stats.customers:>10,}/{total:,} customers, {rows:>11,} rows written, "
                f"{rate:,.0f} customers/s, {rows / max(stats.seconds, 1e-9):,.0f} rows/s"
            )
            sys.stderr.flush()

        return report

    def print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password: {PASSWORD})")
        for login in logins():
            title = ROLE_TITLES.get((login.role, login.department), login.role)
            self.stdout.write(f"  {_pad(login.username, 20)}{_pad(title, 30)}{login.dealer}")
