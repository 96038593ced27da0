"""API serializers for customer profiles, contacts and vehicles.

Input serializers only check types (a date is a date, an id is an integer, a choice is one of
the choices) and pass what was sent, unchanged, to the services in `services.py`, which
normalise and validate it. Output serializers never show a personal field in clear unless the
role table allows it for the viewer (`presenters.personal_value` / `contact_mobile`); the
viewer comes from the serializer context (`{"viewer": staff}`) and is required.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autocrm.customers.choices import (
    AccuracyStatus,
    ActivityLevel,
    ContactType,
    CustomerKind,
    Gender,
    IdType,
    MileageSource,
    QualityLevel,
)
from autocrm.customers.models import Contact, Customer, MileageReading, Vehicle
from autocrm.customers.policies import customer_masked_fields
from autocrm.customers.presenters import birth_date_display, contact_mobile, personal_value
from autocrm.tenancy.masking import MASK


def _text(**kwargs: Any) -> serializers.CharField:
    """A free-text input passed to the service as typed (the service cleans it)."""
    kwargs.setdefault("required", False)
    return serializers.CharField(allow_blank=True, trim_whitespace=False, **kwargs)


MAX_ID = 2**63 - 1  # BigAutoField


def _id(**kwargs: Any) -> serializers.IntegerField:
    """The id of a record (larger numbers would overflow the database driver)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _viewer(serializer_field: serializers.Field) -> Any:
    return serializer_field.context["viewer"]


# --- customers ------------------------------------------------------------------------------


class PersonalField(serializers.CharField):
    """A personal field of a customer (mobile, landline, e-mail, address, ID number), as the
    viewer may see it: clear or masked according to the role table."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, customer: Customer) -> str:
        return personal_value(_viewer(self), customer, self.field_name)


@extend_schema_field({"type": "string", "nullable": True, "example": "1990-05-17"})
class BirthDateField(serializers.Field):
    """The birth date is read from the ID card, so it follows the ID number's rule: the
    full date, or "****-**-**" for a role that sees the ID masked."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(source="*", **kwargs)

    def to_representation(self, customer: Customer) -> str | None:
        return birth_date_display(_viewer(self), customer) or None


@extend_schema_field({"type": "string", "example": "F"})
class GenderField(serializers.Field):
    """The sex ("M", "F" or ""), or "*" where it is read from an ID number the viewer sees
    masked (digit 17 of the number). A string in the schema: "*" is no choice of the model's."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(source="*", **kwargs)

    def to_representation(self, customer: Customer) -> str:
        if customer.gender and "gender" in customer_masked_fields(_viewer(self), customer):
            return MASK
        return str(customer.gender)


class QualityLevelField(serializers.ChoiceField):
    """good / fair / poor: the level of the accuracy and of the completeness score."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=QualityLevel.choices, **kwargs)


class QualityLevelFieldExtension(OpenApiSerializerFieldExtension):
    """Both levels share one schema component, `QualityLevelEnum` (without it the schema
    would name the same choice set twice and drf-spectacular warns)."""

    target_class = QualityLevelField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name="QualityLevelEnum",
            type=ResolvedComponent.SCHEMA,
            object="QualityLevelEnum",
            schema={
                "type": "string",
                "enum": QualityLevel.values,
                "description": "\n".join(f"* `{v}` - {label}" for v, label in QualityLevel.choices),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class QualityIssueSerializer(serializers.Serializer):
    field = serializers.CharField()
    kind = serializers.CharField()
    code = serializers.CharField()


class CustomerOutputSerializer(serializers.ModelSerializer):
    mobile = PersonalField(help_text="E.164 (+8613812345678) or masked (138****5678).")
    landline = PersonalField()
    email = PersonalField()
    address = PersonalField()
    id_number = PersonalField()
    birth_date = BirthDateField(help_text="YYYY-MM-DD, or ****-**-** when masked.")
    gender = GenderField(help_text='"M", "F" or ""; "*" when read from a masked ID number.')
    # Dictionary entries by id (declared, so no pick-list query runs outside a scope).
    # "" where the record has none: the schema says so (issue #13)
    id_type = serializers.ChoiceField(choices=IdType.choices, allow_blank=True, read_only=True)
    activity_level = serializers.ChoiceField(
        choices=ActivityLevel.choices, allow_blank=True, read_only=True
    )
    # null where the record has none: the schema says so (issue #13)
    trade_relationship = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    nature = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    product_line = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    info_source = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    industry = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    hobbies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    responsible_staff = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    accuracy_level = QualityLevelField(read_only=True)
    completeness_level = QualityLevelField(read_only=True)
    quality_issues = QualityIssueSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "kind",
            "name",
            "gender",
            "birth_date",
            "id_type",
            "id_number",
            "uscc",
            "mobile",
            "landline",
            "email",
            "address",
            "postcode",
            "trade_relationship",
            "nature",
            "product_line",
            "info_source",
            "industry",
            "hobbies",
            "activity_level",
            "responsible_staff",
            "is_active",
            "accuracy_score",
            "completeness_score",
            "accuracy_level",
            "completeness_level",
            "quality_issues",
            "accuracy_status",
            "last_verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerInputSerializer(serializers.Serializer):
    """Fields a customer profile can be created or changed with (PATCH: any subset)."""

    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    name = _text(max_length=100)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    id_type = serializers.ChoiceField(choices=IdType.choices, required=False, allow_blank=True)
    id_number = _text(max_length=40)
    uscc = _text(max_length=40)
    mobile = _text(max_length=40)
    landline = _text(max_length=60)
    email = _text(max_length=254)
    address = _text(max_length=200)
    postcode = _text(max_length=20)
    trade_relationship = _id(required=False, allow_null=True)
    nature = _id(required=False, allow_null=True)
    product_line = _id(required=False, allow_null=True)
    info_source = _id(required=False, allow_null=True)
    industry = _id(required=False, allow_null=True)
    hobbies = serializers.ListField(child=_id(), required=False)
    activity_level = serializers.ChoiceField(
        choices=ActivityLevel.choices, required=False, allow_blank=True
    )
    responsible_staff = _id(required=False)


class CustomerCreateInputSerializer(CustomerInputSerializer):
    name = _text(max_length=100, required=True)


class CustomerFilterSerializer(serializers.Serializer):
    """Query parameters of the customer list."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Last 4 digits or full mobile, VIN (or its end), plate, pinyin, or name.",
    )
    trade_relationship = _id(required=False)
    nature = _id(required=False)
    product_line = _id(required=False)
    responsible_staff = _id(required=False)
    accuracy_level = QualityLevelField(required=False)
    completeness_level = QualityLevelField(required=False)
    accuracy_status = serializers.ChoiceField(choices=AccuracyStatus.choices, required=False)
    include_inactive = serializers.BooleanField(required=False, default=False)


# --- contacts -------------------------------------------------------------------------------


class ContactOutputSerializer(serializers.ModelSerializer):
    mobile = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "customer", "contact_type", "name", "mobile", "relation", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_mobile(self, contact: Contact) -> str:
        return contact_mobile(self.context["viewer"], contact.customer, contact.mobile)


class ContactInputSerializer(serializers.Serializer):
    contact_type = serializers.ChoiceField(choices=ContactType.choices)
    name = _text(max_length=100, required=True)
    mobile = _text(max_length=40)
    relation = _text(max_length=50)


# --- vehicles -------------------------------------------------------------------------------


class VehicleOutputSerializer(serializers.ModelSerializer):
    # the catalogue's series and trim by id; null where the vehicle has none (its text is not
    # in the catalogue, or no trim was given)
    series = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Catalogue series id."
    )
    trim = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Catalogue trim id."
    )

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "customer",
            "vin",
            "plate_number",
            "brand",
            "model_name",
            "series",
            "trim",
            "purchase_date",
            "bought_here",
            "mileage_km",
            "mileage_read_on",
            "created_at",
        ]
        read_only_fields = fields


class VehicleUpdateInputSerializer(serializers.Serializer):
    """Mileage is not changed here: record a reading with POST /vehicles/{id}/mileage/."""

    vin = _text(max_length=40)
    plate_number = _text(max_length=20)
    brand = _text(max_length=30)
    model_name = _text(max_length=50)
    series = _id(
        required=False,
        allow_null=True,
        help_text="Catalogue series id. Without one, the brand and model text are matched "
        "to the catalogue; with one and no text, the text is the series'.",
    )
    trim = _id(
        required=False,
        allow_null=True,
        help_text="Catalogue trim id, of the series given (or the series is the trim's).",
    )
    purchase_date = serializers.DateField(required=False, allow_null=True)
    bought_here = serializers.BooleanField(required=False)


class VehicleCreateInputSerializer(VehicleUpdateInputSerializer):
    vin = _text(max_length=40, required=True)
    mileage_km = serializers.IntegerField(
        required=False, allow_null=True, help_text="Odometer reading today, if known."
    )


class MileageInputSerializer(serializers.Serializer):
    mileage_km = serializers.IntegerField(min_value=0, max_value=2_000_000)
    read_on = serializers.DateField(required=False, default=timezone.localdate)
    source = serializers.ChoiceField(
        choices=MileageSource.choices, required=False, default=MileageSource.WORKSHOP
    )
    odometer_replaced = serializers.BooleanField(
        required=False, default=False, help_text="A new odometer: lower than earlier readings."
    )


class MileageReadingOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = MileageReading
        fields = ["id", "vehicle", "mileage_km", "read_on", "source"]
        read_only_fields = fields
