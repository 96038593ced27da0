"""Roles and departments (domain.md, "Who uses it")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES_CONSULTANT = "sales_consultant", _("Sales consultant")
    SERVICE_ADVISOR = "service_advisor", _("Service advisor")
    CUSTOMER_RELATIONS = "customer_relations", _("Customer relations officer")
    MANAGER = "manager", _("Department manager")
    GENERAL_MANAGER = "general_manager", _("General manager")
    HQ_ANALYST = "hq_analyst", _("OEM headquarters analyst")


class Department(models.TextChoices):
    SALES = "sales", _("Sales")
    SERVICE = "service", _("Service")
    CUSTOMER_RELATIONS = "customer_relations", _("Customer relations")
    MANAGEMENT = "management", _("Management")
    HQ = "hq", _("OEM headquarters")


#: Roles that keep the dealer's data clean (domain.md §2: customer relations own data quality;
#: department managers answer for their people's records): imports, merges, verification calls.
DATA_STEWARD_ROLES = frozenset({Role.CUSTOMER_RELATIONS, Role.MANAGER})
