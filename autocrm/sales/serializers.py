"""API serializers of sales: leads, opportunities and their plans, lost requests, traffic.

Input serializers check the types a service cannot take otherwise (an id is an integer, a date
is a date, a time a time, `raw` a JSON object) and pass the rest as sent to the services in
`leads`, `opportunities`, `lost` and `traffic`, which clean and validate it. Choices and texts
are not checked here but by the service, so that one answer names every refused field (a bad
source and a bad mobile together, as the pages show them). The schema still lists each choice
set, as one named component whatever the field's name (`ChoiceSet`).

Output serializers show a lead's mobile as the viewer may see the customer's mobile
(`customers.presenters.contact_mobile`, the role table); the viewer comes from the serializer
context (`{"viewer": staff}`) and is required.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autocrm.customers.serializers import MAX_ID
from autocrm.sales.models import (
    AGE_BAND_CHOICES,
    STAGE_CHOICES,
    ActivityKind,
    ActivityOutcome,
    Drive,
    FollowUpPlan,
    Lead,
    LeadMatch,
    LeadSource,
    LeadStatus,
    LostDecision,
    LostRequest,
    Opportunity,
    OpportunityStatus,
    PurchaseTime,
    PurchaseWay,
    Temperature,
)
from autocrm.sales.presenters import lead_mobile

# --- choice sets: one schema component each ---------------------------------------------------


@dataclass(frozen=True)
class ChoiceSet:
    """A set of choices the schema names once (`name`), whichever fields use it: without it
    drf-spectacular names an enum after its field, and "kind", "source" and "status" are
    already other choice sets of the API."""

    name: str
    choices: tuple[tuple[str, Any], ...]

    @property
    def values(self) -> list[str]:
        return [value for value, _label in self.choices]


LEAD_SOURCE = ChoiceSet("LeadSourceEnum", tuple(LeadSource.choices))
LEAD_STATUS = ChoiceSet("LeadStatusEnum", tuple(LeadStatus.choices))
LEAD_MATCH = ChoiceSet("LeadMatchEnum", tuple(LeadMatch.choices))
STAGE = ChoiceSet("OpportunityStageEnum", tuple(STAGE_CHOICES))
#: The stages an opportunity is opened in or moved to ("delivered" is reached by the sale).
OPEN_STAGE = ChoiceSet("OpportunityOpenStageEnum", tuple(STAGE_CHOICES[:-1]))
OPPORTUNITY_STATUS = ChoiceSet("OpportunityStatusEnum", tuple(OpportunityStatus.choices))
TEMPERATURE = ChoiceSet("TemperatureEnum", tuple(Temperature.choices))
DRIVE = ChoiceSet("DriveEnum", tuple(Drive.choices))
AGE_BAND = ChoiceSet("AgeBandEnum", tuple(AGE_BAND_CHOICES))
PURCHASE_TIME = ChoiceSet("PurchaseTimeEnum", tuple(PurchaseTime.choices))
PURCHASE_WAY = ChoiceSet("PurchaseWayEnum", tuple(PurchaseWay.choices))
ACTIVITY_KIND = ChoiceSet("ActivityKindEnum", tuple(ActivityKind.choices))
ACTIVITY_OUTCOME = ChoiceSet("ActivityOutcomeEnum", tuple(ActivityOutcome.choices))
LOST_DECISION = ChoiceSet("LostDecisionEnum", tuple(LostDecision.choices))
VERDICT = ChoiceSet(
    "LostVerdictEnum", (("approve", _("Approve: the sale is lost")), ("reject", _("Reject")))
)


class _Named:
    """A field whose schema is its choice set's component (`blank`: or "")."""

    choice_set: ChoiceSet
    schema_blank: bool


class CheckedChoice(_Named, serializers.ChoiceField):
    """A choice checked here: an output, or an input no service checks (a verdict)."""

    def __init__(self, choice_set: ChoiceSet, *, blank: bool = False, **kwargs: Any) -> None:
        self.choice_set, self.schema_blank = choice_set, blank
        super().__init__(choices=list(choice_set.choices), allow_blank=blank, **kwargs)


class ServiceChoice(_Named, serializers.CharField):
    """A choice passed as sent to the service, which refuses one not of the set (with the
    other refused fields). `blank`: "" is a valid value (none)."""

    def __init__(self, choice_set: ChoiceSet, *, blank: bool = False, **kwargs: Any) -> None:
        self.choice_set, self.schema_blank = choice_set, blank
        kwargs.setdefault("required", False)
        super().__init__(allow_blank=True, trim_whitespace=False, **kwargs)


class ChoiceSetExtension(OpenApiSerializerFieldExtension):
    target_class = _Named
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: Any = self.target
        choice_set: ChoiceSet = field.choice_set
        component = ResolvedComponent(
            name=choice_set.name,
            type=ResolvedComponent.SCHEMA,
            object=choice_set.name,
            schema={
                "type": "string",
                "enum": choice_set.values,
                "description": "\n".join(f"* `{v}` - {label}" for v, label in choice_set.choices),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if not field.schema_blank:
            return component.ref
        blank = ResolvedComponent(
            name="BlankEnum",
            type=ResolvedComponent.SCHEMA,
            object="BlankEnum",
            schema={"enum": [""]},
        )
        auto_schema.registry.register_on_missing(blank)
        return {"oneOf": [component.ref, blank.ref]}


# --- inputs -----------------------------------------------------------------------------------


def _text(**kwargs: Any) -> serializers.CharField:
    """A free text (or a value the service parses, e.g. a mobile) passed as typed."""
    kwargs.setdefault("required", False)
    return serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs)


def _id(**kwargs: Any) -> serializers.IntegerField:
    """The id of a record (larger numbers would overflow the database driver)."""
    kwargs.setdefault("required", False)
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^\d{1,8}(\.\d{1,2})?$",
        "example": "150000.00",
    }
)
class AmountField(serializers.CharField):
    """An amount in CNY, as a string ("150000.00"; a JSON number is taken too); the service
    parses it and refuses what is not an amount."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(allow_blank=True, allow_null=True, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 999, "example": 1})
class QuantityField(serializers.CharField):
    """A whole number the service checks (1 to 999) with the other fields."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(allow_blank=True, allow_null=True, **kwargs)


class ServiceDateField(serializers.DateField):
    """A date (YYYY-MM-DD), checked to be one here and passed to the service as text, so
    that the service's own rule of dates (years 1970 to 2100) refuses it at its field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(allow_null=True, **kwargs)

    def to_internal_value(self, value: Any) -> Any:
        return super().to_internal_value(value).isoformat()


def _json_clean(value: Any, depth: int = 0) -> bool:
    """Whether a JSON value can be stored as received: no NUL character nor lone surrogate in
    a string (PostgreSQL refuses them in jsonb), no infinite number, not absurdly nested."""
    if depth > 20:
        return False
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a lone surrogate does not encode
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_json_clean(k, depth) and _json_clean(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_clean(v, depth + 1) for v in value)
    return True


class RawField(serializers.DictField):
    """The lead as the platform sent it, kept as received (a JSON object)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        if not _json_clean(value):
            raise serializers.ValidationError(_("Send the lead as received, as plain JSON."))
        return value


class PlanInputSerializer(serializers.Serializer):
    """The next planned activity (what an opportunity is never without)."""

    plan_kind = ServiceChoice(ACTIVITY_KIND, help_text="The next activity.")
    plan_due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When it is due (not in the past)."
    )
    plan_note = _text(help_text="What is planned (at most 300 characters are kept).")


class LeadInputSerializer(serializers.Serializer):
    source = ServiceChoice(LEAD_SOURCE, help_text="Where the lead came from.")
    external_id = _text(
        help_text="The platform's id of the lead: a push with a (source, external id) "
        "received before answers that lead (200) and changes nothing. Without one, every "
        "push is a new lead (a repeat of the same person within the window is counted once)."
    )
    name = _text(help_text="The person's name (a title such as 王先生 will do).")
    mobile = _text(help_text="Mobile number, as sent (138 1234 5678, +86…).")
    series = _id(allow_null=True, help_text="Catalogue series id of the intended model.")
    model_text = _text(help_text="The intended model as sent, matched to the catalogue.")
    city = _text()
    note = _text()
    info_source = _id(allow_null=True, help_text="Dictionary entry id (information source).")
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the platform received it; now if not sent."
    )
    raw = RawField(required=False, help_text="The lead as the platform sent it, kept as is.")


class LeadFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    source = serializers.ChoiceField(choices=LeadSource.choices, required=False)
    consultant = _id(help_text="A consultant's leads (the sales director's filter).")


class OpportunityFieldsSerializer(serializers.Serializer):
    """The fields an opportunity is opened with and changed by (`opportunities.EDITABLE`)."""

    series = _id(allow_null=True, help_text="Catalogue series id of the intended model.")
    trim = _id(allow_null=True, help_text="Catalogue trim id, of that series.")
    quantity = QuantityField()
    temperature = ServiceChoice(TEMPERATURE)
    drive = ServiceChoice(DRIVE)
    expected_amount = AmountField(help_text="Expected amount in CNY.")
    expected_close_on = ServiceDateField()
    info_source = _id(allow_null=True, help_text="Dictionary entry id (information source).")
    industry = _id(allow_null=True, help_text="Dictionary entry id (industry).")
    position = _id(allow_null=True, help_text="Dictionary entry id (position).")
    age_band = ServiceChoice(AGE_BAND, blank=True)
    hobbies = serializers.ListField(
        child=_id(required=True), required=False, help_text="Up to three hobby entry ids."
    )
    purchase_time = ServiceChoice(PURCHASE_TIME, blank=True)
    purchase_way = ServiceChoice(PURCHASE_WAY, blank=True)
    current_series = _id(allow_null=True, help_text="Catalogue series id of the car driven now.")
    walk_in = serializers.BooleanField(required=False, help_text="Registered in the showroom.")


class OpportunityCreateInputSerializer(OpportunityFieldsSerializer, PlanInputSerializer):
    customer = _id(required=True, help_text="The customer's id.")
    lead = _id(allow_null=True, help_text="The lead the opportunity comes from (it converts).")
    consultant = _id(
        allow_null=True,
        help_text="Who works it: the acting consultant by default; the director names one.",
    )
    stage = ServiceChoice(OPEN_STAGE, help_text="The stage it starts in (information obtained).")
    registered_on = ServiceDateField(help_text="The registration (留档) day; today if not sent.")


class OpportunityFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=OpportunityStatus.choices,
        required=False,
        help_text="`open`: still open, a pending lost request included.",
    )
    stage = serializers.ChoiceField(choices=STAGE_CHOICES, required=False)
    consultant = _id(help_text="A consultant's opportunities (the sales director's filter).")
    series = _id(help_text="Catalogue series id.")
    temperature = serializers.ChoiceField(choices=Temperature.choices, required=False)


class StageInputSerializer(serializers.Serializer):
    stage = ServiceChoice(OPEN_STAGE, help_text="Any stage before the delivery, forward or back.")


class OutcomeInputSerializer(PlanInputSerializer):
    """What the activity came to and, when it was the opportunity's last open plan, the next
    one (`plan_kind`, `plan_due_at`)."""

    outcome = ServiceChoice(ACTIVITY_OUTCOME)
    outcome_note = _text(help_text="What happened (at most 500 characters are kept).")


class LostRequestInputSerializer(serializers.Serializer):
    reason = _id(allow_null=True, help_text="Dictionary entry id (lost-sale reason).")
    competitor_series = _id(
        allow_null=True, help_text="Catalogue series id of the car bought instead."
    )
    note = _text(help_text="What happened, for the sales director.")


class LostRequestFilterSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=LostDecision.choices, required=False)


class DecisionInputSerializer(PlanInputSerializer):
    """The director's decision; a rejection says why (`note`) and may plan the consultant's
    next activity (by default a call within the dealer's days)."""

    decision = CheckedChoice(VERDICT)
    note = _text(help_text="The director's note (required to reject).")


class WalkInCountInputSerializer(serializers.Serializer):
    series = _id(
        required=True, allow_null=True, help_text="Catalogue series id; null: model not known."
    )
    count = serializers.IntegerField(min_value=0, max_value=1000, help_text="0 clears it.")


class TrafficInputSerializer(serializers.Serializer):
    day = serializers.DateField(
        help_text="The day (within the last week, or older for the director)."
    )
    consultant = _id(
        allow_null=True, help_text="Whose walk-ins: yours by default; the director names one."
    )
    counts = WalkInCountInputSerializer(many=True)


class TrafficFilterSerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="Today if not given.")
    consultant = _id(help_text="One consultant's entries (the sales director's filter).")


# --- outputs ----------------------------------------------------------------------------------


def _ref(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(read_only=True, **kwargs)


class LeadOutputSerializer(serializers.ModelSerializer):
    source = CheckedChoice(LEAD_SOURCE, read_only=True)
    status = CheckedChoice(LEAD_STATUS, read_only=True)
    match = CheckedChoice(
        LEAD_MATCH,
        read_only=True,
        help_text="known: an existing profile (已有档案); household: a new person on a known "
        "shared number; new: a new profile; review: new, a possible duplicate.",
    )
    mobile = serializers.SerializerMethodField(
        help_text="E.164, or masked (139****5678) for a viewer who sees the customer's masked."
    )
    customer = _ref()
    consultant = _ref(allow_null=True)
    series = _ref(allow_null=True, help_text="Catalogue series id.")
    repeat_of = _ref(allow_null=True, help_text="The first lead this one repeats.")

    class Meta:
        model = Lead
        fields = [
            "id",
            "source",
            "external_id",
            "status",
            "match",
            "name",
            "mobile",
            "series",
            "model_text",
            "customer",
            "consultant",
            "received_at",
            "due_at",
            "missed_at",
            "responded_at",
            "repeat_of",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_mobile(self, lead: Lead) -> str:
        return lead_mobile(self.context["viewer"], lead)


class PlanOutputSerializer(serializers.ModelSerializer):
    kind = CheckedChoice(ACTIVITY_KIND, read_only=True)
    outcome = CheckedChoice(
        ACTIVITY_OUTCOME, blank=True, read_only=True, help_text='"" until done.'
    )
    opportunity = _ref()
    owner = _ref()

    class Meta:
        model = FollowUpPlan
        fields = [
            "id",
            "opportunity",
            "kind",
            "due_at",
            "owner",
            "note",
            "done_at",
            "outcome",
            "outcome_note",
            "created_at",
        ]
        read_only_fields = fields


class OpportunityOutputSerializer(serializers.ModelSerializer):
    customer = _ref()
    consultant = _ref()
    lead = _ref(allow_null=True)
    series = _ref(help_text="Catalogue series id.")
    trim = _ref(allow_null=True, help_text="Catalogue trim id.")
    stage = CheckedChoice(STAGE, read_only=True)
    temperature = CheckedChoice(TEMPERATURE, read_only=True)
    drive = CheckedChoice(DRIVE, read_only=True)
    status = CheckedChoice(OPPORTUNITY_STATUS, read_only=True)
    info_source = _ref(allow_null=True)
    industry = _ref(allow_null=True)
    position = _ref(allow_null=True)
    age_band = CheckedChoice(AGE_BAND, blank=True, read_only=True)
    hobbies = _ref(many=True)
    purchase_time = CheckedChoice(PURCHASE_TIME, blank=True, read_only=True)
    purchase_way = CheckedChoice(PURCHASE_WAY, blank=True, read_only=True)
    current_series = _ref(allow_null=True)
    lost_reason = _ref(allow_null=True)
    lost_to_series = _ref(allow_null=True)
    vehicle = _ref(allow_null=True, help_text="The vehicle sold (a won opportunity).")
    open_plans = serializers.SerializerMethodField(help_text="Its planned activities not done.")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "customer",
            "consultant",
            "lead",
            "series",
            "trim",
            "quantity",
            "stage",
            "temperature",
            "drive",
            "expected_amount",
            "expected_close_on",
            "status",
            "registered_on",
            "walk_in",
            "info_source",
            "industry",
            "position",
            "age_band",
            "hobbies",
            "purchase_time",
            "purchase_way",
            "current_series",
            "stage_since",
            "closed_on",
            "lost_reason",
            "lost_to_series",
            "lost_note",
            "vehicle",
            "sale_price",
            "delivered_at",
            "next_due_at",
            "created_at",
            "open_plans",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanOutputSerializer(many=True))
    def get_open_plans(self, opportunity: Opportunity) -> list[dict[str, Any]]:
        plans = getattr(opportunity, "open_plan_list", None)
        if plans is None:
            plans = opportunity.plans.filter(done_at__isnull=True).order_by("due_at", "id")
        return PlanOutputSerializer(plans, many=True, context=self.context).data


class LostRequestOutputSerializer(serializers.ModelSerializer):
    opportunity = _ref()
    requested_by = _ref()
    reason = _ref(allow_null=True, help_text="Dictionary entry id (lost-sale reason).")
    competitor_series = _ref(allow_null=True)
    decision = CheckedChoice(LOST_DECISION, read_only=True)
    decided_by = _ref(allow_null=True)

    class Meta:
        model = LostRequest
        fields = [
            "id",
            "opportunity",
            "requested_by",
            "requested_at",
            "reason",
            "competitor_series",
            "note",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class WalkInCountOutputSerializer(serializers.Serializer):
    consultant = serializers.IntegerField(source="consultant_id", read_only=True)
    series = serializers.IntegerField(
        source="series_id", read_only=True, allow_null=True, help_text="null: model not known."
    )
    count = serializers.IntegerField(read_only=True)


class TrafficOutputSerializer(serializers.Serializer):
    """A day's showroom traffic (集客量) as the viewer sees it: the consultant's own, or the
    team's for the sales director."""

    day = serializers.DateField(read_only=True)
    unregistered = serializers.IntegerField(
        read_only=True, help_text="Walk-ins who left no details (未留档)."
    )
    registered = serializers.IntegerField(
        read_only=True, help_text="Prospects registered that day (留档 opportunities)."
    )
    traffic = serializers.IntegerField(read_only=True, help_text="Both together.")
    entries = WalkInCountOutputSerializer(many=True, read_only=True)
