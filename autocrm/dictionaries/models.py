"""Configurable pick lists (字典维护), one set per dealer, mapped to standard options."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.tenancy.models import Dealer


class DictionaryKind(models.TextChoices):
    TRADE_RELATIONSHIP = "trade_relationship", _("Trade relationship")
    CUSTOMER_NATURE = "customer_nature", _("Customer nature")
    PRODUCT_LINE = "product_line", _("Product line")
    INFO_SOURCE = "info_source", _("Information source")
    HOBBY = "hobby", _("Hobby")
    INDUSTRY = "industry", _("Industry")
    POSITION = "position", _("Position")
    LOST_REASON = "lost_reason", _("Lost-sale reason")
    PAYMENT_METHOD = "payment_method", _("Payment method")


class DictionaryEntry(models.Model):
    """One option of a dealer's pick list.

    `standard_code` maps a dealer's own option (e.g. a named local newspaper) to the standard
    option HQ reports on (e.g. "newspaper"), domain.md §3.
    """

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, verbose_name=_("dealer"))
    kind = models.CharField(_("list"), max_length=32, choices=DictionaryKind.choices)
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=60)
    standard_code = models.CharField(_("standard option"), max_length=40)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("dictionary entry")
        verbose_name_plural = _("dictionary entries")
        ordering = ["kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "kind", "code"], name="uniq_dict_code"),
        ]

    def __str__(self) -> str:
        return self.label
