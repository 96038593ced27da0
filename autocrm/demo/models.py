"""Ground truth the demo generator writes beside its data (for benchmarks and tests)."""

from __future__ import annotations

from django.db import models


class DemoTruth(models.Model):
    """Which generated customer records are the same real person (a duplicate cluster).

    Not dealer-scoped data a user sees: only the generator, the benchmarks and the tests read
    it. `person_key` is equal for all records the generator made for one person; `dirt` lists
    the kinds of dirt it applied to this record.
    """

    customer_id = models.BigIntegerField(primary_key=True)
    dealer_id = models.BigIntegerField(db_index=True)
    person_key = models.BigIntegerField(db_index=True)
    dirt = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.customer_id} → person {self.person_key}"
