"""Background work of the import: checking an uploaded file and applying a previewed one
(huey: a consumer beside the web server in `make run`; inline when immediate, as in tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_scopes import scope
from huey.contrib.djhuey import db_task

from autocrm.imports.applying import import_apply
from autocrm.imports.models import ImportBatch
from autocrm.imports.services import import_check
from autocrm.tenancy.models import Staff


def _run(work: Callable[..., Any], batch_id: int, actor_id: int) -> None:
    """`work(actor=…, batch=…)` in the actor's dealer scope, on a batch of that dealer."""
    actor = Staff.objects.get(pk=actor_id)
    with scope(dealer=actor.dealer_id):
        batch = ImportBatch.objects.get(pk=batch_id, dealer_id=actor.dealer_id)
        work(actor=actor, batch=batch)


@db_task()
def import_apply_task(batch_id: int, actor_id: int) -> None:
    _run(import_apply, batch_id, actor_id)


@db_task()
def import_check_task(batch_id: int, actor_id: int) -> None:
    _run(import_check, batch_id, actor_id)
