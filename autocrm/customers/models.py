"""Customer profile (客户档案): customers, contacts, vehicles, mileage readings, interactions.

Models hold data and invariants only; every write goes through `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from autocrm.catalogue.models import Series, Trim
from autocrm.customers.choices import (
    AccuracyStatus,
    ActivityLevel,
    Channel,
    ContactType,
    CreditRating,
    CustomerKind,
    Education,
    Gender,
    HouseholdKind,
    HouseholdRelation,
    IdType,
    IncomeBand,
    InteractionKind,
    MileageSource,
    OwnershipHow,
    PhoneKind,
    PhoneSource,
    QualityLevel,
)
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.tenancy.models import Dealer

#: Fields derived by services; they are not "changes" a person made, so history skips them.
DERIVED_FIELDS = [
    "name_pinyin",
    "name_initials",
    "given_name",
    "mobile_last4",
    "accuracy_score",
    "completeness_score",
    "accuracy_level",
    "completeness_level",
    "quality_issues",
    "updated_at",
]


#: Customer foreign keys that most records leave empty (partially indexed).
SPARSE_FKS = (
    "trade_relationship", "nature", "product_line", "info_source", "industry",
    "referred_by", "merged_into",
)  # fmt: skip
#: Foreign keys whose copies in the history table are not indexed.
#: (Every history table here is also written without a database constraint on its author,
#: `user_db_constraint=False`: the author is set by the code, Django's own deletion sets it to
#: NULL when a staff member is deleted, and the constraint cost a look-up of the staff row for
#: each history row, three for each row an import writes.)
HISTORY_UNINDEXED = ["dealer", *SPARSE_FKS, "responsible_staff", "created_by"]


def _dict_fk(kind: str, verbose: str) -> models.ForeignKey:
    return models.ForeignKey(
        DictionaryEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # a partial index on the rows that have one (Customer.Meta)
        limit_choices_to={"kind": kind},
        verbose_name=verbose,
    )


class Customer(models.Model):
    """One person or organization the dealer does business with."""

    # db_index=False: the composite indexes in Meta all start with the dealer
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )
    kind = models.CharField(
        _("customer type"), max_length=16, choices=CustomerKind.choices, default="person"
    )
    # --- identity -----------------------------------------------------------------------
    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, editable=False)
    given_name = models.CharField(max_length=100, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    health = models.CharField(_("health"), max_length=50, blank=True)
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    id_type = models.CharField(_("ID type"), max_length=16, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    # --- organization ---------------------------------------------------------------------
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    industry = _dict_fk("industry", _("industry"))
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    annual_income_band = models.CharField(
        _("annual income"), max_length=16, choices=IncomeBand.choices, blank=True
    )
    # --- contact data (normalized beside what was typed) ------------------------------------
    mobile = models.CharField(_("mobile"), max_length=16, blank=True)
    mobile_raw = models.CharField(_("mobile as entered"), max_length=40, blank=True)
    mobile_last4 = models.CharField(max_length=4, blank=True, editable=False)
    landline = models.CharField(_("landline"), max_length=32, blank=True)
    fax = models.CharField(_("fax"), max_length=32, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    street = models.CharField(_("street"), max_length=60, blank=True)
    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    family_members = models.JSONField(_("family members"), default=list, blank=True)
    # --- classification (dealer dictionaries, seed 003) -----------------------------------
    trade_relationship = _dict_fk("trade_relationship", _("trade relationship"))
    nature = _dict_fk("customer_nature", _("customer nature"))
    product_line = _dict_fk("product_line", _("product line"))
    info_source = _dict_fk("info_source", _("information source"))
    hobbies = models.ManyToManyField(
        DictionaryEntry,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "hobby"},
        verbose_name=_("interests"),
    )
    activity_level = models.CharField(
        _("activity level"), max_length=8, choices=ActivityLevel.choices, blank=True
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=8, choices=CreditRating.choices, blank=True
    )
    former_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    referred_by = models.ForeignKey(
        "self",
        db_index=False,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    remarks = models.TextField(_("remarks"), blank=True)
    form_number = models.CharField(_("form number"), max_length=32, blank=True)
    # --- responsibility (seed 000: every record knows who maintains it) --------------------
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible staff"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)
    #: Set when this record was merged into another (the survivor); it is then inactive.
    merged_into = models.ForeignKey(
        "self",
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    # --- data quality (seed 000; computed by services) ------------------------------------
    accuracy_score = models.PositiveSmallIntegerField(_("accuracy"), default=0)
    completeness_score = models.PositiveSmallIntegerField(_("completeness"), default=0)
    accuracy_level = models.CharField(
        max_length=4, choices=QualityLevel.choices, default=QualityLevel.POOR
    )
    completeness_level = models.CharField(
        max_length=4, choices=QualityLevel.choices, default=QualityLevel.POOR
    )
    quality_issues = models.JSONField(default=list, blank=True)
    #: Values an import could not accept, kept as written so nothing is lost and flagged for
    #: fixing: [{"field", "value", "message", "batch", "row"}]. Entry forms stay strict.
    rejected_values = models.JSONField(_("values not accepted"), default=list, blank=True)
    accuracy_status = models.CharField(
        _("verification"),
        max_length=12,
        choices=AccuracyStatus.choices,
        default=AccuracyStatus.UNVERIFIED,
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    mobile_flagged_wrong = models.BooleanField(_("mobile found wrong"), default=False)

    objects = ScopedManager(dealer="dealer")
    history = HistoricalRecords(
        excluded_fields=DERIVED_FIELDS,
        m2m_fields=[hobbies],
        # History is read by record (`id`) and date; indexes on its copies of the foreign
        # keys would only slow down every write.
        no_db_index=HISTORY_UNINDEXED,
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["dealer", "-id"], name="cust_dealer_id"),
            models.Index(fields=["dealer", "mobile_last4"], name="cust_mobile4"),
            models.Index(fields=["dealer", "mobile"], name="cust_mobile"),
            models.Index(fields=["dealer", "id_number"], name="cust_idnum"),
            models.Index(
                fields=["dealer", "name_initials"],
                name="cust_initials",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["dealer", "name"],
                name="cust_name_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["dealer", "given_name"],
                name="cust_given_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["dealer", "name_pinyin"],
                name="cust_pinyin",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["dealer", "accuracy_level", "-id"], name="cust_acc_level"),
            models.Index(fields=["dealer", "completeness_level", "-id"], name="cust_compl_level"),
            models.Index(fields=["dealer", "responsible_staff", "-id"], name="cust_staff"),
            models.Index(fields=["dealer", "trade_relationship", "-id"], name="cust_trade"),
            # Foreign keys most records leave empty: indexed where set (for deletes and
            # reverse lookups such as "whom did this customer refer"), not for every row.
            *(
                models.Index(
                    fields=[fk],
                    name=f"cust_{fk}_set",
                    condition=models.Q(**{f"{fk}__isnull": False}),
                )
                for fk in SPARSE_FKS
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person to reach about this customer (seed 002's six contact types)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    contact_type = models.CharField(_("contact type"), max_length=20, choices=ContactType.choices)
    name = models.CharField(_("name"), max_length=100)
    mobile = models.CharField(_("mobile"), max_length=16, blank=True)
    mobile_raw = models.CharField(_("mobile as entered"), max_length=40, blank=True)
    landline = models.CharField(_("landline"), max_length=32, blank=True)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")
    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["dealer", "mobile"], name="contact_mobile")]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """A vehicle the customer owns (or owned)."""

    dealer = models.ForeignKey(  # vehicle_vin and vehicle_plate start with the dealer
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("customer")
    )
    vin = models.CharField(_("VIN"), max_length=17)
    plate_number = models.CharField(_("plate number"), max_length=10, blank=True)
    brand = models.CharField(_("brand"), max_length=30, blank=True)
    model_name = models.CharField(_("model"), max_length=50, blank=True)
    #: The catalogue's series and trim (the brand and model text above stay as captured): set
    #: by whoever enters the vehicle, or read from the text (customers.catalogue_links)
    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # vehicle_series, which starts with the dealer
        verbose_name=_("series"),
    )
    trim = models.ForeignKey(
        Trim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("trim"),
    )
    color = models.CharField(_("colour"), max_length=20, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    bought_here = models.BooleanField(_("bought here"), default=False)
    purchase_price = models.DecimalField(
        _("purchase price (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    mileage_km = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    mileage_read_on = models.DateField(_("mileage read on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")
    history = HistoricalRecords(no_db_index=["dealer", "series", "trim"], user_db_constraint=False)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        indexes = [
            models.Index(fields=["dealer", "vin"], name="vehicle_vin"),
            models.Index(fields=["dealer", "plate_number"], name="vehicle_plate"),
            # the dealer's cars of a series, and those not linked yet (series IS NULL)
            models.Index(fields=["dealer", "series"], name="vehicle_series"),
        ]

    def __str__(self) -> str:
        return self.plate_number or self.vin


class MileageReading(models.Model):
    """One odometer reading; a vehicle's mileage over time."""

    # read by vehicle; the dealer and the recorder are never looked up from here
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="readings", verbose_name=_("vehicle")
    )
    mileage_km = models.PositiveIntegerField(_("mileage (km)"))
    read_on = models.DateField(_("read on"))
    source = models.CharField(_("source"), max_length=16, choices=MileageSource.choices)
    #: Read after the odometer was replaced: lower than the readings before it, on purpose
    odometer_replaced = models.BooleanField(_("odometer replaced"), default=False, db_default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("mileage reading")
        verbose_name_plural = _("mileage readings")
        ordering = ["-read_on", "-id"]

    def __str__(self) -> str:
        return f"{self.mileage_km} km @ {self.read_on}"


class Interaction(models.Model):
    """Transactional data (seed 003): each contact's time, place, channel, cost and result."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    place = models.CharField(_("place"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    outcome = models.CharField(_("result"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("cost (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("staff"),
    )

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="interaction_cust")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class ContactPoint(models.Model):
    """A phone number seen for a customer: the contact number and every other one ever seen.

    A number is a contact point, not a person: a household, a fleet or a company shares one,
    so several customers may hold the same number (identity rules, domain.md §2). None is ever
    dropped; `last_seen` tells the newer from the older.
    """

    dealer = models.ForeignKey(  # contact_point_number starts with the dealer
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="contact_points",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PhoneKind.choices)
    #: E.164 for a mobile (+8613812345678), the digits with the area code for a landline
    number = models.CharField(_("number"), max_length=32)
    raw = models.CharField(_("as written"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=PhoneSource.choices)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("contact number")
        verbose_name_plural = _("contact numbers")
        indexes = [models.Index(fields=["dealer", "number"], name="contact_point_number")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="contact_point_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Household(models.Model):
    """People linked by a shared contact point: a family, or an organization and its drivers.

    The seed's "family members (name, relation)" lives here; a member without a profile of
    their own is kept by name.
    """

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=HouseholdKind.choices, default=HouseholdKind.FAMILY
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")
    history = HistoricalRecords(no_db_index=["dealer"], user_db_constraint=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class HouseholdMember(models.Model):
    """One person of a household: a customer, or a family member known by name only."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="household_memberships",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    relation = models.CharField(
        _("relation"),
        max_length=16,
        choices=HouseholdRelation.choices,
        default=HouseholdRelation.UNKNOWN,
    )
    #: The contact number that links this member to the others ("" when none is shared)
    shared_number = models.CharField(_("shared number"), max_length=32, blank=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")
    history = HistoricalRecords(no_db_index=["dealer"], user_db_constraint=False)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return self.name or str(self.customer_id)


class VehicleOwnership(models.Model):
    """Who owned a vehicle from when to when, and how they came to own it.

    `Vehicle.customer` is the current owner (the open period, `ended_on` empty); a previous
    owner keeps the vehicle as a former vehicle with the date it left. A repair order belongs
    to the owner of its day.
    """

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("vehicle")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="vehicle_ownerships",
        verbose_name=_("owner"),
    )
    started_on = models.DateField(_("owner from"), null=True, blank=True)
    ended_on = models.DateField(_("owner until"), null=True, blank=True)
    how = models.CharField(_("how"), max_length=12, choices=OwnershipHow.choices)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")
    # Its history is read by period (`id`); indexes on the copies of the vehicle and the owner
    # would only slow down every import, which opens a period for each vehicle it writes.
    history = HistoricalRecords(
        no_db_index=["dealer", "vehicle", "customer"], user_db_constraint=False
    )

    class Meta:
        verbose_name = _("vehicle ownership")
        verbose_name_plural = _("vehicle ownerships")
        ordering = ["vehicle", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.customer_id} {self.started_on}–{self.ended_on or ''}"
