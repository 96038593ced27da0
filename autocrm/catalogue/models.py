"""The model catalogue (车型库): brands, series and their trims, shared by every dealer.

Reference data like the administrative divisions: not dealer-owned (no `dealer` key, no
scope), so HQ's figures by series add up across dealers. It covers the dealers' own brands and
the competitors' cars that prospects drive or were lost to. Vehicles (and later leads,
opportunities and showroom traffic) point at a `Series` and, when known, a `Trim`; what was
typed stays beside the link, as captured. Edited in the back office (Django admin); loaded
from `catalogue_data.py` by a migration and `manage.py catalogue_load`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The longest alias text (normalized)
ALIAS_MAX_LENGTH = 80


class Segment(models.TextChoices):
    SEDAN = "sedan", _("Sedan")
    SUV = "suv", _("SUV")
    MPV = "mpv", _("MPV")
    HATCHBACK = "hatchback", _("Hatchback")
    PICKUP = "pickup", _("Pickup")
    OTHER = "other", _("Other")


class Brand(models.Model):
    """A car brand (品牌): 丰田, 大众, 比亚迪."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    name_en = models.CharField(_("English name"), max_length=40, blank=True)
    #: The maker whose cars the dealers sell or meet most (广汽丰田); others go in `aliases`
    maker = models.CharField(_("maker"), max_length=40, blank=True)
    #: Other names free text uses for the brand: the other makers (一汽丰田), abbreviations
    #: (广丰), spellings (VW); matching reads them (rules.catalogue_text)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """A series (车系), what a consultant calls the car's model (车型): 凯美瑞, 途观L, 汉.

    Room for after-sales: the service app will add the service intervals of each series (and,
    where they differ, of a trim) on a model of its own pointing here; the catalogue does not
    hold them.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="series", verbose_name=_("brand")
    )
    name = models.CharField(_("name"), max_length=40)
    segment = models.CharField(
        _("segment"), max_length=12, choices=Segment.choices, default=Segment.OTHER
    )
    is_new_energy = models.BooleanField(_("new energy"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["brand__sort_order", "brand__name", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="catalogue_series_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"


class Trim(models.Model):
    """A model of a series with its trim (款型配置): 2024款 2.0G 豪华版, with its guide price."""

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="trims", verbose_name=_("series")
    )
    name = models.CharField(_("name"), max_length=60)
    model_year = models.PositiveSmallIntegerField(_("model year"), null=True, blank=True)
    guide_price = models.DecimalField(
        _("guide price (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trim")
        verbose_name_plural = _("trims")
        ordering = ["series", "-model_year", "guide_price", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "model_year", "name"], name="catalogue_trim_unique"
            ),
        ]

    def __str__(self) -> str:
        year = _("%(year)s model") % {"year": self.model_year} if self.model_year else ""
        return " ".join(p for p in (str(year), self.name) if p)


class SeriesAlias(models.Model):
    """A free text that means a series: written when a manager maps a value no rule matched
    (小凯 → 凯美瑞), or loaded with the catalogue (CAMRY → 凯美瑞).

    `text` is normalized (rules.catalogue_text.normalize_catalogue_text); `brand` is the brand
    the text was said under (None: no brand, or one the catalogue does not know). One text
    means one series under a brand."""

    text = models.CharField(_("text"), max_length=ALIAS_MAX_LENGTH)
    brand = models.ForeignKey(
        Brand,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("said under brand"),
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("series")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("mapped by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("series alias")
        verbose_name_plural = _("series aliases")
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(
                fields=["text", "brand"],
                condition=models.Q(brand__isnull=False),
                name="catalogue_alias_unique_brand",
            ),
            models.UniqueConstraint(
                fields=["text"],
                condition=models.Q(brand__isnull=True),
                name="catalogue_alias_unique_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.series}"
