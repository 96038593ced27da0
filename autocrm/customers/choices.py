"""Fixed choice lists of the customer profile (the configurable ones are dictionaries)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao", _("Mainland travel permit (HK/Macao)")
    TAIWAN_PERMIT = "taiwan", _("Mainland travel permit (Taiwan)")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or below")
    SECONDARY = "secondary", _("Secondary school")
    COLLEGE = "college", _("College")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master or above")


class IncomeBand(models.TextChoices):
    BELOW_100K = "lt100k", _("Below 100,000 CNY")
    FROM_100K = "100k_200k", _("100,000–200,000 CNY")
    FROM_200K = "200k_500k", _("200,000–500,000 CNY")
    FROM_500K = "500k_1m", _("500,000–1,000,000 CNY")
    ABOVE_1M = "gt1m", _("Above 1,000,000 CNY")


class ActivityLevel(models.TextChoices):
    """How actively the customer engages with the dealer (a completeness item, seed 000)."""

    HIGH = "high", _("Active")
    MEDIUM = "medium", _("Occasional")
    LOW = "low", _("Rarely")


class CreditRating(models.TextChoices):
    GOOD = "good", _("Good")
    NORMAL = "normal", _("Normal")
    POOR = "poor", _("Poor")


class AccuracyStatus(models.TextChoices):
    """Outcome of the last verification call (回访核实), seed 000."""

    UNVERIFIED = "unverified", _("Not verified")
    VERIFIED = "verified", _("Verified")
    WRONG = "wrong", _("Found wrong")


class QualityLevel(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class ContactType(models.TextChoices):
    """The six contact types of seed 002."""

    CUSTOMER = "customer", _("The customer")
    PRIVATE = "private", _("Private contact")
    COMPANY = "company", _("Company contact")
    INSURANCE = "insurance", _("Insurance contact")
    POTENTIAL_REFERRER = "potential_referrer", _("Potential referrer")
    REFERRER = "referrer", _("Referrer")


class InteractionKind(models.TextChoices):
    """Transactional data (seed 003): every contact with the customer."""

    FOLLOW_UP = "follow_up", _("Follow-up call")
    VISIT = "visit", _("Showroom or workshop visit")
    EVENT = "event", _("Event participation")
    REFERRAL = "referral", _("Referral")
    PURCHASE = "purchase", _("Purchase")
    SPENDING = "spending", _("Service or accessory spending")
    NOTE = "note", _("Note")


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    IN_PERSON = "in_person", _("In person")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")
    MAIL = "mail", _("Direct mail")


class MileageSource(models.TextChoices):
    SALE = "sale", _("At sale")
    WORKSHOP = "workshop", _("Workshop visit")
    CUSTOMER = "customer", _("Reported by customer")
    IMPORT = "import", _("Import")


class PhoneKind(models.TextChoices):
    """What sort of number a contact point is."""

    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Landline")


class PhoneSource(models.TextChoices):
    """Where a contact point was first seen."""

    ENTRY = "entry", _("Entered")
    IMPORT = "import", _("Import")
    MERGE = "merge", _("Merge")
    HOUSEHOLD = "household", _("Shared in a household")


class HouseholdKind(models.TextChoices):
    """A family sharing contact points, or an organization and the people who drive its cars."""

    FAMILY = "family", _("Family")
    ORGANIZATION = "organization", _("Organization and its drivers")


class HouseholdRelation(models.TextChoices):
    """How a member belongs to a household (the seed's family members' "relation")."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    RELATIVE = "relative", _("Relative")
    ORGANIZATION = "organization", _("The organization")
    MANAGER = "manager", _("Fleet manager")
    DRIVER = "driver", _("Driver")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Shares a contact number")


class OwnershipHow(models.TextChoices):
    """How a customer came to own a vehicle."""

    BOUGHT_HERE = "bought_here", _("Bought here")
    TRANSFERRED = "transferred", _("Transferred (used car)")
    IMPORTED = "imported", _("Imported record")
    ENTERED = "entered", _("Entered")
    MERGED = "merged", _("Merged record")
