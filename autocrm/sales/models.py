"""Sales (domain.md §3, seed 002): leads, showroom traffic, opportunities and their follow-up
plans, the lost-sale audit and the month's sales targets.

Data and invariants only; every write is in `services`/`leads`/`opportunities`. Every table
carries `dealer` (scoped manager), child tables too, so that the schema can be distributed by
dealer later.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.rules.sales import AGE_BANDS, Stage
from autocrm.tenancy.models import Dealer

STAFF = settings.AUTH_USER_MODEL


def _staff_fk(
    verbose: str | object, *, null: bool = True, index: bool = False
) -> models.ForeignKey:
    return models.ForeignKey(
        STAFF,
        on_delete=models.PROTECT if not null else models.SET_NULL,
        null=null,
        blank=null,
        db_index=index,
        related_name="+",
        verbose_name=verbose,
    )


def _dealer_fk() -> models.ForeignKey:
    """The dealer of a row (unindexed alone: every index of these tables leads with it)."""
    return models.ForeignKey(
        Dealer, on_delete=models.PROTECT, db_index=False, verbose_name=_("dealer")
    )


def _dict_fk(kind: str, verbose: str | object) -> models.ForeignKey:
    return models.ForeignKey(
        "dictionaries.DictionaryEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        limit_choices_to={"kind": kind},
        verbose_name=verbose,
    )


def _series_fk(verbose: str | object, *, null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        "catalogue.Series",
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        db_index=False,
        related_name="+",
        verbose_name=verbose,
    )


# --- settings per dealer ----------------------------------------------------------------------


class SalesSettings(models.Model):
    """A dealer's sales rules; a dealer without a row has the defaults (settings.SALES)."""

    dealer = models.OneToOneField(Dealer, on_delete=models.CASCADE, verbose_name=_("dealer"))
    response_target_minutes = models.PositiveSmallIntegerField(
        _("first-response target (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    response_missed_minutes = models.PositiveSmallIntegerField(
        _("first response missed after (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        _("a repeated lead counts once within (days)"), default=7
    )
    daily_lead_capacity = models.PositiveSmallIntegerField(
        _("leads per consultant per day"), default=12, validators=[MinValueValidator(1)]
    )
    lost_call_sample_percent = models.PositiveSmallIntegerField(
        _("approved lost sales sent to verification calls (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
    )
    plan_due_days = models.PositiveSmallIntegerField(
        _("a rejected lost request's new plan is due within (days)"), default=2
    )

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")

    def __str__(self) -> str:
        return f"sales settings of dealer {self.dealer_id}"


class ConsultantCapacity(models.Model):
    """A consultant's own daily lead capacity (a part-timer takes fewer), over the dealer's."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, verbose_name=_("dealer"))
    consultant = models.OneToOneField(
        STAFF, on_delete=models.CASCADE, related_name="+", verbose_name=_("consultant")
    )
    daily_lead_capacity = models.PositiveSmallIntegerField(
        _("leads per day"), validators=[MinValueValidator(0)]
    )

    objects = ScopedManager(dealer="dealer")

    def __str__(self) -> str:
        return f"{self.consultant_id}: {self.daily_lead_capacity}/day"


class Absence(models.Model):
    """Days a consultant is off duty (leave, training, a day off): no leads are assigned."""

    class Reason(models.TextChoices):
        LEAVE = "leave", _("Leave")
        DAY_OFF = "day_off", _("Day off")
        TRAINING = "training", _("Training")

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, verbose_name=_("dealer"))
    consultant = models.ForeignKey(
        STAFF, on_delete=models.CASCADE, related_name="+", verbose_name=_("consultant")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["dealer", "ends_on"], name="absence_current")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="absence_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultant_id} {self.starts_on}–{self.ends_on}"


# --- leads (线索) -------------------------------------------------------------------------------


class LeadSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call")
    AUTOHOME = "autohome", _("Autohome (汽车之家)")
    DONGCHEDI = "dongchedi", _("Dongchedi (懂车帝)")
    YICHE = "yiche", _("Yiche (易车)")
    OEM = "oem", _("OEM")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


#: The sources whose leads run a first-response clock: online and phoned-in (domain.md §3).
CLOCKED_SOURCES = frozenset(
    {LeadSource.PHONE, LeadSource.AUTOHOME, LeadSource.DONGCHEDI, LeadSource.YICHE, LeadSource.OEM}
)
#: The online car platforms.
PLATFORM_SOURCES = frozenset({LeadSource.AUTOHOME, LeadSource.DONGCHEDI, LeadSource.YICHE})


class LeadMatch(models.TextChoices):
    """What identity made of the lead's person (ADR 0009)."""

    KNOWN = "known", _("Existing profile")  # 已有档案
    HOUSEHOLD = "household", _("New person in a known household")
    NEW = "new", _("New profile")
    REVIEW = "review", _("New profile, possible duplicate")


class LeadStatus(models.TextChoices):
    NEW = "new", _("Waiting for a first response")
    CONTACTED = "contacted", _("Contacted")
    CONVERTED = "converted", _("Opportunity opened")
    CLOSED = "closed", _("Closed without an opportunity")
    REPEAT = "repeat", _("Repeat of an earlier lead")


class Lead(models.Model):
    dealer = _dealer_fk()
    source = models.CharField(_("source"), max_length=16, choices=LeadSource.choices)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    name = models.CharField(_("name"), max_length=100)
    mobile = models.CharField(_("mobile"), max_length=16)  # E.164
    mobile_raw = models.CharField(_("mobile as entered"), max_length=40, blank=True)
    series = _series_fk(_("intended model"))
    model_text = models.CharField(_("intended model as sent"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    info_source = _dict_fk("info_source", _("information source"))
    referrer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("referred by"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("customer"),
    )
    match = models.CharField(_("profile"), max_length=12, choices=LeadMatch.choices)
    consultant = _staff_fk(_("consultant"))
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    #: Clocked leads: when the first response is due (target) and missed, in business time.
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    missed_at = models.DateTimeField(_("missed after"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    response_seconds = models.PositiveIntegerField(
        _("business seconds to the first response"), null=True, blank=True
    )
    response_band = models.CharField(_("first response"), max_length=8, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    repeat_count = models.PositiveSmallIntegerField(_("repeats"), default=0)
    created_by = _staff_fk(_("entered by"))
    raw = models.JSONField(_("as received"), default=dict, blank=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["dealer", "received_at"], name="lead_received"),
            models.Index(fields=["dealer", "consultant", "status"], name="lead_consultant"),
            models.Index(fields=["dealer", "mobile", "received_at"], name="lead_mobile"),
            models.Index(fields=["dealer", "customer"], name="lead_customer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "source", "external_id"],
                condition=~Q(external_id=""),
                name="lead_external_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.name}"

    @property
    def clocked(self) -> bool:
        return self.source in CLOCKED_SOURCES

    @property
    def response_minutes(self) -> int | None:
        return None if self.response_seconds is None else round(self.response_seconds / 60)


# --- showroom traffic (集客量) ------------------------------------------------------------------


class WalkInCount(models.Model):
    """未留档客户: a consultant's count of the day's walk-ins who left no details, per model."""

    dealer = _dealer_fk()
    consultant = _staff_fk(_("consultant"), null=False)
    day = models.DateField(_("day"))
    series = _series_fk(_("model"))
    count = models.PositiveIntegerField(_("unregistered walk-ins"))

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("unregistered walk-ins")
        verbose_name_plural = _("unregistered walk-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "day", "consultant", "series"],
                name="walk_in_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.consultant_id}: {self.count}"


# --- opportunities (销售机会) ------------------------------------------------------------------


class Temperature(models.TextChoices):
    H = "H", _("H (hot)")
    A = "A", _("A (warm)")
    B = "B", _("B (cool)")
    C = "C", _("C (cold)")


class Drive(models.TextChoices):
    """Seed 002's "状态: Pull Push Drop"."""

    PULL = "pull", _("Pull")
    PUSH = "push", _("Push")
    DROP = "drop", _("Drop")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    LOST_REQUESTED = "lost_requested", _("Lost request pending")
    LOST = "lost", _("Lost")
    WON = "won", _("Won")


class PurchaseTime(models.TextChoices):
    WEEK = "week", _("Within a week")
    MONTH = "month", _("Within a month")
    QUARTER = "quarter", _("Within three months")
    HALF_YEAR = "half_year", _("Within six months")
    LATER = "later", _("Later")


class PurchaseWay(models.TextChoices):
    FIRST = "first", _("First car")
    ADDITIONAL = "additional", _("Additional car")
    REPLACEMENT = "replacement", _("Replacement")


STAGE_CHOICES = [
    (Stage.INFORMATION_OBTAINED.value, _("Information obtained")),
    (Stage.INFORMATION_CLARIFIED.value, _("Information clarified")),
    (Stage.INFORMATION_CONFIRMED.value, _("Information confirmed")),
    (Stage.NEGOTIATION.value, _("Negotiation")),
    (Stage.CONTRACT_SIGNED.value, _("Contract signed")),
    (Stage.VEHICLE_DELIVERED.value, _("Vehicle delivered")),
]
AGE_BAND_CHOICES = [(code, code.replace("0-20", "≤20")) for code, _low, _high in AGE_BANDS]


class Opportunity(models.Model):
    """销售机会: a customer will buy `quantity` of a model at some future time (seed 002).

    A registered prospect (留档) is an opportunity: its background (information source,
    industry, position, age band, hobbies, expected purchase time and way) is the seed's
    prospect analysis ("潜在客户背景分析的数据来源: 销售顾问---销售机会")."""

    dealer = _dealer_fk()
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("customer"),
    )
    consultant = _staff_fk(_("consultant"), null=False)
    lead = models.ForeignKey(
        Lead,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("lead"),
    )
    series = _series_fk(_("intended model"), null=False)
    trim = models.ForeignKey(
        "catalogue.Trim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("trim"),
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=STAGE_CHOICES, default=Stage.INFORMATION_OBTAINED
    )
    temperature = models.CharField(
        _("temperature"), max_length=1, choices=Temperature.choices, default=Temperature.B
    )
    drive = models.CharField(_("state"), max_length=4, choices=Drive.choices, default=Drive.PULL)
    expected_amount = models.DecimalField(
        _("expected amount (CNY)"), max_digits=12, decimal_places=2
    )
    expected_close_on = models.DateField(_("expected close date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )
    # --- the prospect's registration (留档) ---------------------------------------------------
    registered_on = models.DateField(_("registered on"))
    walk_in = models.BooleanField(_("registered in the showroom"), default=True)
    info_source = _dict_fk("info_source", _("information source"))
    industry = _dict_fk("industry", _("industry"))
    position = _dict_fk("position", _("position"))
    age_band = models.CharField(_("age band"), max_length=8, choices=AGE_BAND_CHOICES, blank=True)
    hobbies = models.ManyToManyField(
        "dictionaries.DictionaryEntry",
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "hobby"},
        verbose_name=_("hobbies"),
    )
    purchase_time = models.CharField(
        _("expected purchase time"), max_length=10, choices=PurchaseTime.choices, blank=True
    )
    purchase_way = models.CharField(
        _("purchase way"), max_length=12, choices=PurchaseWay.choices, blank=True
    )
    current_series = _series_fk(_("drives now"))
    # --- the outcome --------------------------------------------------------------------------
    stage_since = models.DateTimeField(_("in this stage since"), default=timezone.now)
    #: The furthest funnel stage reached (0 = information obtained … 5 = delivered): the
    #: funnel's stage-to-stage conversion counts it without reading the stage changes.
    furthest_rank = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lost_reason = _dict_fk("lost_reason", _("lost-sale reason"))
    lost_to_series = _series_fk(_("bought instead"))
    lost_note = models.CharField(_("lost-sale note"), max_length=300, blank=True)
    payment_method = _dict_fk("payment_method", _("payment method"))
    vehicle = models.ForeignKey(
        "customers.Vehicle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("vehicle sold"),
    )
    sale_price = models.DecimalField(
        _("sale price (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    #: The earliest open planned activity's due time (kept by the services; None = no plan).
    next_due_at = models.DateTimeField(_("next activity due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = _staff_fk(_("entered by"))

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["dealer", "status", "consultant"], name="opp_open_owner"),
            models.Index(fields=["dealer", "registered_on"], name="opp_registered"),
            models.Index(fields=["dealer", "expected_close_on"], name="opp_close"),
            models.Index(fields=["dealer", "closed_on"], name="opp_closed"),
            models.Index(fields=["dealer", "customer"], name="opp_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (OpportunityStatus.OPEN, OpportunityStatus.LOST_REQUESTED)


class StageChange(models.Model):
    """Each move of an opportunity between stages: the funnel's conversion and time in stage."""

    dealer = _dealer_fk()
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=12, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    actor = _staff_fk(_("staff"))

    objects = ScopedManager(dealer="dealer")

    class Meta:
        indexes = [models.Index(fields=["dealer", "at"], name="stage_change_at")]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage}"


class ActivityKind(models.TextChoices):
    CALL = "call", _("Phone follow-up")
    VISIT = "visit", _("Visit")
    TEST_DRIVE = "test_drive", _("Test drive")
    QUOTE = "quote", _("Quote")
    DELIVERY = "delivery", _("Delivery")


class ActivityOutcome(models.TextChoices):
    DONE = "done", _("Done")
    NOT_REACHED = "not_reached", _("Not reached")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpPlan(models.Model):
    """跟踪计划: a planned activity of an opportunity, and its outcome once done (seed 002:
    "销售顾问需要对每一个销售机会都要建立下一步活动计划")."""

    dealer = _dealer_fk()
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="plans", verbose_name=_("opportunity")
    )
    kind = models.CharField(_("activity"), max_length=12, choices=ActivityKind.choices)
    due_at = models.DateTimeField(_("due"))
    owner = _staff_fk(_("consultant"), null=False)
    note = models.CharField(_("plan"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=ActivityOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("what happened"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        indexes = [
            models.Index(
                fields=["dealer", "owner", "due_at"],
                condition=Q(done_at__isnull=True),
                name="plan_open_due",
            ),
            models.Index(fields=["dealer", "done_at"], name="plan_done"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"


class LostDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for the sales director")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CallResult(models.TextChoices):
    """What a verification call on a lost sale found (主观战败 audit)."""

    BOUGHT_COMPETITOR = "competitor", _("Bought another brand's car")
    BOUGHT_NOTHING = "nothing", _("Has not bought yet, still winnable")
    NO_LONGER = "no_longer", _("No longer buying")
    CONFIRMED = "confirmed", _("Reason confirmed")
    NOT_REACHED = "not_reached", _("Not reached")


#: Results that show a lost sale that was still winnable.
WINNABLE_RESULTS = frozenset({CallResult.BOUGHT_NOTHING})


class LostRequest(models.Model):
    """战败申请 and its audit (战败审核): a consultant's request to close an opportunity as lost,
    the sales director's decision, and, for a sample of the approved ones, the verification
    call customer relations made."""

    dealer = _dealer_fk()
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="lost_requests"
    )
    requested_by = _staff_fk(_("consultant"), null=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    reason = _dict_fk("lost_reason", _("reason"))
    competitor_series = _series_fk(_("bought instead"))
    note = models.CharField(_("note"), max_length=300)
    decision = models.CharField(
        _("decision"), max_length=10, choices=LostDecision.choices, default=LostDecision.PENDING
    )
    decided_by = _staff_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("director's note"), max_length=300, blank=True)
    call_sampled = models.BooleanField(_("sent to a verification call"), default=False)
    call_result = models.CharField(
        _("call result"), max_length=12, choices=CallResult.choices, blank=True
    )
    call_note = models.CharField(_("what the customer said"), max_length=500, blank=True)
    called_by = _staff_fk(_("called by"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("lost request")
        verbose_name_plural = _("lost requests")
        indexes = [
            models.Index(fields=["dealer", "decision", "requested_at"], name="lost_pending"),
            models.Index(
                fields=["dealer", "called_at"],
                condition=Q(call_sampled=True),
                name="lost_calls",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=Q(decision="pending"),
                name="lost_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"lost request #{self.pk} ({self.decision})"


class SalesTarget(models.Model):
    """The month's sales target in units, for the dealer (series empty) or one model."""

    dealer = _dealer_fk()
    month = models.DateField(_("month"))  # its first day
    series = _series_fk(_("model"))
    units = models.PositiveIntegerField(_("target (units)"))

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "month", "series"], name="target_once", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.units}"
