from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "autocrm.core"
    label = "core"
    verbose_name = _("Shared foundations")

    def ready(self) -> None:
        from autocrm.core.policies import can_edit_business_calendar
        from autocrm.core.registry import (
            MenuEntry,
            TimelineSource,
            register_menu_entry,
            register_timeline_source,
        )
        from autocrm.core.selectors import activity_entries

        # The activity record is a source of every customer's timeline (after the history
        # changes customers registers, so entries at the same time keep today's order).
        register_timeline_source(TimelineSource(key="activity", entries=activity_entries, order=20))
        # The dealer's business calendar, for those who set it (everyone at the dealer may
        # open the page, read-only).
        register_menu_entry(
            MenuEntry(
                key="business_calendar",
                label=_("Business calendar"),
                icon="calendar",
                url_name="core:business_calendar",
                order=90,
                visible=can_edit_business_calendar,
            )
        )
