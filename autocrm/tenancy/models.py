"""Dealer groups, dealers (the tenant) and staff logins."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from autocrm.tenancy.roles import Department, Role


class DealerGroup(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("group name"), max_length=100)

    class Meta:
        verbose_name = _("dealer group")
        verbose_name_plural = _("dealer groups")

    def __str__(self) -> str:
        return self.name


class Dealer(models.Model):
    """A dealership (专营店 / 4S店): the tenant every business record belongs to."""

    group = models.ForeignKey(
        DealerGroup, on_delete=models.PROTECT, related_name="dealers", verbose_name=_("group")
    )
    code = models.CharField(_("dealer code"), max_length=32, unique=True)
    name = models.CharField(_("dealer name"), max_length=100)
    brand = models.CharField(_("brand"), max_length=50)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=30)
    #: Plate prefix of the dealer's city, e.g. "粤B": vehicles with it are local.
    plate_prefix = models.CharField(_("local plate prefix"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Staff(AbstractUser):
    """A login: tied to one dealer and one department, with one role. HQ has no dealer."""

    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("dealer"),
    )
    department = models.CharField(_("department"), max_length=32, choices=Department.choices)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def own_dealer_id(self) -> int:
        """The dealer a dealer's staff member works for; PermissionDenied for HQ and operators
        (the services that write a dealer's rows call it after their policy check)."""
        if self.dealer_id is None:
            raise PermissionDenied
        return self.dealer_id

    @property
    def is_hq(self) -> bool:
        """OEM headquarters: works across dealers, on de-identified data only."""
        return self.role == Role.HQ_ANALYST and self.dealer_id is None

    def clean(self) -> None:
        super().clean()
        if self.role == Role.HQ_ANALYST and self.dealer_id is not None:
            raise ValidationError({"dealer": _("HQ analysts belong to no dealer.")})
        needs_dealer = self.role and self.role != Role.HQ_ANALYST and not self.is_superuser
        if needs_dealer and self.dealer_id is None:
            raise ValidationError({"dealer": _("Dealer staff must belong to a dealer.")})
