"""Events: how an app tells the apps above it that something happened, without importing them.

The publishing app defines the event (`customers_changed = Event("customers_changed")` in
`customers/events.py`); an app above subscribes in its `AppConfig.ready()`. Receivers run at
once, in the publisher's transaction, in the order they subscribed: what they write commits or
rolls back with the change that caused it (architecture.md: "apps talk upward through events").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Receiver = Callable[..., None]


class Event:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: dict[str, Receiver] = {}

    def subscribe(self, key: str, receiver: Receiver) -> None:
        """Add `receiver` under `key` (subscribing a key again replaces it: `ready()` may run
        more than once)."""
        self._receivers[key] = receiver

    def publish(self, **payload: Any) -> None:
        for receiver in list(self._receivers.values()):
            receiver(**payload)

    def __repr__(self) -> str:
        return f"Event({self.name!r}, receivers={list(self._receivers)})"
