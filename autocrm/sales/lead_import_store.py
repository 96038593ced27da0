"""The upload a lead import keeps between its preview and its apply: the file, its state and
its rows in `MEDIA_ROOT/lead_imports/<32 random hex digits>/` (no table: the state is
`state.json`, rewritten whole on each change, the preview's rows `rows.json`). Only its uploader
opens it; another dealer's staff are told it does not exist. Kept KEEP_DAYS."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from autocrm.tenancy.models import Staff

KEEP_DAYS = 7
#: A chunk of rows takes under a minute: this long without progress, its worker is gone.
STALLED_MINUTES = 15

PREVIEWED, QUEUED, APPLYING, APPLIED, FAILED = (
    "previewed",
    "queued",
    "applying",
    "applied",
    "failed",
)


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "lead_imports"


def _valid_id(upload_id: str) -> bool:
    return len(upload_id) == 32 and all(c in "0123456789abcdef" for c in upload_id)


def _write_json(path: Path, data: Any) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")  # one per writer
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


@dataclass
class LeadUpload:
    """An uploaded export kept between its preview and its apply."""

    id: str
    folder: Path
    state: dict[str, Any]

    @property
    def dealer_id(self) -> int:
        return int(self.state["dealer_id"])

    @property
    def staff_id(self) -> int:
        return int(self.state["staff_id"])

    @property
    def status(self) -> str:
        return str(self.state["status"])

    @property
    def file_path(self) -> Path:
        return self.folder / f"upload{self.state['suffix']}"

    def content(self) -> bytes:
        return self.file_path.read_bytes()

    def save(self, **changes: Any) -> None:
        self.state.update(changes)
        _write_json(self.folder / "state.json", self.state)

    def reload(self) -> None:
        self.state = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))

    def rows(self) -> list[dict[str, Any]]:
        """The preview's rows, as the page lists them."""
        path = self.folder / "rows.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []

    @property
    def stalled(self) -> bool:
        """Queued or being applied, and no progress for STALLED_MINUTES (a chunk takes under
        a minute): its worker died or never ran."""
        if self.status not in (QUEUED, APPLYING):
            return False
        quiet = time.time() - (self.folder / "state.json").stat().st_mtime
        return quiet > STALLED_MINUTES * 60

    @property
    def progress_percent(self) -> int:
        total = int(self.state.get("total") or 0)
        done = int(self.state.get("done") or 0)
        return 100 if not total else min(100, done * 100 // total)


def lead_upload_get(*, actor: Staff, upload_id: str) -> LeadUpload:
    """The actor's own upload: Http404 for another dealer's (or none), PermissionDenied for a
    colleague's (its preview lists the names and mobiles of the file)."""
    folder = _root() / upload_id
    if not _valid_id(upload_id) or not (folder / "state.json").exists():
        raise Http404
    upload = LeadUpload(upload_id, folder, {})
    upload.reload()
    if upload.dealer_id != getattr(actor, "dealer_id", None):
        raise Http404
    if upload.staff_id != actor.pk:
        raise PermissionDenied(_("This upload is a colleague's: only its uploader opens it."))
    return upload


def new_upload(content: bytes, suffix: str, rows: list[dict[str, Any]]) -> LeadUpload:
    """A new kept upload of `content` with its preview's rows (its state saved by the caller);
    the uploads past KEEP_DAYS go first."""
    _purge_old()
    upload_id = secrets.token_hex(16)
    folder = _root() / upload_id
    folder.mkdir(parents=True, mode=0o700)
    (folder / f"upload{suffix}").write_bytes(content)
    _write_json(folder / "rows.json", rows)
    return LeadUpload(upload_id, folder, {})


def _purge_old() -> None:
    """Uploads older than KEEP_DAYS go (they hold customers' names and mobiles)."""
    root = _root()
    if not root.is_dir():
        return
    limit = time.time() - KEEP_DAYS * 86400
    for folder in root.iterdir():
        if _valid_id(folder.name) and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
