"""The registries through which an app plugs into the shared pages without those pages
importing it: menu entries, home-page cards, customer-page panels, timeline kinds and sources,
customer-list filters and API routes.

Each app registers what it contributes in its `AppConfig.ready()` (or a `registry.py` that
`ready()` imports); `web` and `customers` render whatever is registered. Entries are kept in
the order given by their `order` number, so the menu reads the same whichever app is loaded
first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

Label = str | Promise
#: Builds a card's or panel's template context; None means "not shown to this viewer".
ContextBuilder = Callable[..., Mapping[str, Any] | None]


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class MenuEntry:
    """A link in the side navigation. `url_name` may depend on the user (HQ's own page)."""

    key: str
    label: Label
    icon: str
    url_name: str | Callable[[Any], str]
    order: int
    visible: Callable[[Any], bool] = _always

    def url_for(self, user: Any) -> str:
        name = self.url_name(user) if callable(self.url_name) else self.url_name
        return reverse(name)


@dataclass(frozen=True)
class HomeCard:
    """A block of the workbench (home page): `context(request)` gives its template context."""

    key: str
    template: str
    context: ContextBuilder
    order: int
    #: Static files the card's template needs in the page head (e.g. ECharts).
    scripts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerPanel:
    """A card on the customer 360 page: `context(request, customer)` gives its context."""

    key: str
    template: str
    context: ContextBuilder
    order: int
    #: "main" (the wide column, under the profile) or "side" (the narrow column).
    column: str = "main"


@dataclass(frozen=True)
class RenderedBlock:
    key: str
    html: SafeString


@dataclass
class Change:
    """One field of a history entry: its name, the value before and after."""

    field: str
    old: Any
    new: Any


@dataclass
class TimelineEntry:
    """One line of a customer's timeline, from whichever source gave it.

    `kind` is a registered TimelineKind key. A history entry carries its `changes` and the
    history record as `obj`; an activity entry carries the Activity as `obj` and its `data`.
    `customer` is the customer whose timeline it is (renderers mask per its responsible staff).
    """

    at: datetime
    actor: Any
    kind: str
    subject: str = ""
    changes: list[Change] = field(default_factory=list)
    obj: Any = None
    data: Mapping[str, Any] = field(default_factory=dict)
    customer: Any = None


class _Facts(dict[str, Any]):
    """The entry's data for a title's placeholders; a fact missing reads "?", not a crash."""

    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(frozen=True)
class TimelineKind:
    """A kind of entry on a customer's timeline.

    `title` is what the entry is called; it may name facts of the entry's data as
    `%(name)s` ("Imported from %(file)s"). `icon` is a Bootstrap icon name. `subject(entry)`
    what the title is about (a plate number), shown after it when `show_subject`; without it,
    the entry's own `subject`. `detail(entry, viewer)` the one-line detail under the title
    (e.g. the mileage and its source), from what the viewer may see: a renderer showing a
    personal value masks it per `tenancy.policies.can_view_personal`. `visible(viewer)`
    whether the viewer may see entries of this kind at all.
    """

    key: str
    title: Label
    icon: str = "dot"
    detail: Callable[[TimelineEntry, Any], str] | None = None
    visible: Callable[[Any], bool] = _always
    #: Whether the entry's subject follows the title ("Vehicle added · 粤B12345").
    show_subject: bool = True
    subject: Callable[[TimelineEntry], str] | None = None

    def heading(self, entry: TimelineEntry) -> str:
        """The title, its placeholders filled from the entry's data, then the subject."""
        title = str(self.title)
        if "%(" in title:
            title = title % _Facts(entry.data)
        subject = self.subject(entry) if self.subject is not None else entry.subject
        return f"{title} · {subject}" if self.show_subject and subject else title

    def detail_for(self, entry: TimelineEntry, viewer: Any) -> str:
        return self.detail(entry, viewer) if self.detail is not None else ""


@dataclass(frozen=True)
class TimelineSource:
    """Where timeline entries come from: `entries(customer, limit=n)` gives at most `n` of the
    customer's entries (any order): customers' history changes and an import's readings, and
    core's activity records; `customers.selectors.customer_timeline` merges every registered
    source."""

    key: str
    entries: Callable[..., list[TimelineEntry]]
    order: int


T = TypeVar("T")


@dataclass(frozen=True)
class CustomerFilter:
    """A filter of the customer list that an app above `customers` provides, as
    `?<key>=<value>`: `customer_ids(viewer, value)` gives the ids it keeps (a queryset of
    ids, read as a subquery) or None for a value it does not take; `label(value)` says what
    the list shows (e.g. "Created by import #12")."""

    key: str
    customer_ids: Callable[[Any, str], Any]
    label: Callable[[str], str]


@dataclass
class _Ordered(Generic[T]):
    """Entries by key (a second registration of a key replaces the first, so `ready()` may
    run twice in tests), listed by their `order`."""

    entries: dict[str, T] = field(default_factory=dict)

    def add(self, key: str, entry: T) -> T:
        self.entries[key] = entry
        return entry

    def ordered(self) -> list[T]:
        return sorted(self.entries.values(), key=lambda e: getattr(e, "order", 0))


_menu: _Ordered[MenuEntry] = _Ordered()
_cards: _Ordered[HomeCard] = _Ordered()
_panels: _Ordered[CustomerPanel] = _Ordered()
_kinds: dict[str, TimelineKind] = {}
_sources: _Ordered[TimelineSource] = _Ordered()
_api_routes: dict[str, str] = {}
_customer_filters: dict[str, CustomerFilter] = {}


def register_menu_entry(entry: MenuEntry) -> MenuEntry:
    return _menu.add(entry.key, entry)


def register_home_card(card: HomeCard) -> HomeCard:
    return _cards.add(card.key, card)


def register_customer_panel(panel: CustomerPanel) -> CustomerPanel:
    return _panels.add(panel.key, panel)


def register_timeline_kind(kind: TimelineKind) -> TimelineKind:
    _kinds[kind.key] = kind
    return kind


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    return _sources.add(source.key, source)


def register_customer_filter(entry: CustomerFilter) -> CustomerFilter:
    _customer_filters[entry.key] = entry
    return entry


def customer_filters() -> dict[str, CustomerFilter]:
    return dict(_customer_filters)


def register_api_routes(module: str, *, prefix: str = "") -> None:
    """Include the `urlpatterns` of `module` (a dotted path) under /api/`prefix`."""
    _api_routes[module] = prefix


def menu_entries(user: Any) -> list[MenuEntry]:
    return [entry for entry in _menu.ordered() if entry.visible(user)]


def _render(blocks: list[Any], request: HttpRequest, *args: Any) -> list[RenderedBlock]:
    """Each block's template rendered with its own context (and the request's), in order."""
    rendered = []
    for block in blocks:
        context = block.context(request, *args)
        if context is not None:
            html = render_to_string(block.template, dict(context), request=request)
            rendered.append(RenderedBlock(block.key, mark_safe(html)))  # noqa: S308 - rendered template
    return rendered


def home_cards(request: HttpRequest) -> tuple[list[RenderedBlock], list[str]]:
    """The cards the signed-in user sees on the home page, and the scripts they need."""
    cards = _cards.ordered()
    rendered = _render(cards, request)
    shown = {block.key for block in rendered}
    scripts = list(dict.fromkeys(s for card in cards if card.key in shown for s in card.scripts))
    return rendered, scripts


def customer_panels(request: HttpRequest, customer: Any, *, column: str) -> list[RenderedBlock]:
    return _render([p for p in _panels.ordered() if p.column == column], request, customer)


def timeline_kind(key: str) -> TimelineKind:
    """The registered kind, or a plain one titled by its key (a kind whose app was removed)."""
    return _kinds.get(key) or TimelineKind(key=key, title=key)


def timeline_kinds() -> dict[str, TimelineKind]:
    return dict(_kinds)


def timeline_sources() -> list[TimelineSource]:
    return _sources.ordered()


def api_route_modules() -> dict[str, str]:
    return dict(_api_routes)
