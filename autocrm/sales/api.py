"""REST API of sales (thin: parse, call a service, render): leads pushed and listed,
opportunities and their follow-up plans, lost requests and the director's decision, the
showroom traffic of a day.

The same rules as the pages: every query runs in the caller's dealer scope, so another
dealer's id answers 404 like an id that does not exist; a consultant reads and works only their
own leads and opportunities, the sales director (`policies.sees_whole_team`) the dealer's,
another role of the dealer is refused (403) once the record is found; HQ, which works on
aggregates only, is refused everything here (403). Writes go through the services, whose
ValidationError becomes a 400 keyed by field and whose PermissionDenied a 403. A lead's mobile
is masked per the role table (serializers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autocrm.core.api import FIELD_ERRORS, WRITE_ERRORS, ServiceApi
from autocrm.customers.models import Customer
from autocrm.sales import lost as lost_services
from autocrm.sales import opportunities as services
from autocrm.sales.leads import lead_receive
from autocrm.sales.models import (
    FollowUpPlan,
    Lead,
    LostRequest,
    Opportunity,
    WalkInCount,
)
from autocrm.sales.policies import (
    can_decide_lost,
    can_receive_leads,
    can_use_sales,
    can_work_lead,
    can_work_opportunity,
    sees_whole_team,
)
from autocrm.sales.selectors import leads_visible, opportunities_visible
from autocrm.sales.serializers import (
    DecisionInputSerializer,
    LeadFilterSerializer,
    LeadInputSerializer,
    LeadOutputSerializer,
    LostRequestFilterSerializer,
    LostRequestInputSerializer,
    LostRequestOutputSerializer,
    OpportunityCreateInputSerializer,
    OpportunityFieldsSerializer,
    OpportunityFilterSerializer,
    OpportunityOutputSerializer,
    OutcomeInputSerializer,
    PlanInputSerializer,
    PlanOutputSerializer,
    StageInputSerializer,
    TrafficFilterSerializer,
    TrafficInputSerializer,
    TrafficOutputSerializer,
)
from autocrm.sales.traffic import walk_ins_record
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

#: Every answer a sales endpoint may give besides its own: a read is refused too (403) to a
#: role of the dealer that may not see the record, and a list's filters may be refused (400).
ERRORS: dict[int, Any] = {
    **WRITE_ERRORS,
    403: OpenApiResponse(
        WRITE_ERRORS[403].response, description="Your role may not see or change this."
    ),
}
LIST_ERRORS: dict[int, Any] = {k: v for k, v in ERRORS.items() if k != 404} | {
    404: OpenApiResponse(WRITE_ERRORS[404].response, description="An invalid page cursor."),
    400: FIELD_ERRORS,
}
#: The traffic of a day is no record: nothing to be found or not.
TRAFFIC_ERRORS: dict[int, Any] = {k: v for k, v in ERRORS.items() if k != 404}


class AtDealer(BasePermission):
    """Staff of a dealer; HQ works on the group's aggregates (its pages), not on records."""

    message = _("HQ reads de-identified data: its pages show it, the record API does not.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return getattr(request.user, "dealer_id", None) is not None


class SalesApi(ServiceApi):
    """Base of the views that take a record's id: found (or 404) before the role is asked,
    so that another dealer's staff, whatever their role, learn nothing of it."""

    permission_classes = [IsAuthenticated, AtDealer]


class MayReceiveLeads(BasePermission):
    """The lead pages' rule: consultants, the sales director, customer relations."""

    message = _("Your role may not receive leads.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_receive_leads(request.user)


class MayUseSales(BasePermission):
    """The sales pages' rule: consultants, the sales director, the general manager."""

    message = _("Your role does not work in sales.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_use_sales(request.user)


def _errors_at(exc: DjangoValidationError, keys: Mapping[str, str]) -> DjangoValidationError:
    """The service's error with its field names as the API's (`keys`: service → API)."""
    if not hasattr(exc, "error_dict"):
        return exc
    moved: dict[str, list[Any]] = {}
    for field, errors in exc.error_dict.items():
        key = next((api for prefix, api in keys.items() if field.startswith(prefix)), field)
        moved.setdefault(key, []).extend(errors)
    return DjangoValidationError(moved)


# --- leads ------------------------------------------------------------------------------------


def _lead(lead_id: int) -> Lead:
    return get_object_or_404(
        Lead.objects.select_related("customer", "consultant", "series"), pk=lead_id
    )


class LeadListCreateApi(SalesApi):
    permission_classes = [IsAuthenticated, AtDealer, MayReceiveLeads]

    @extend_schema(
        operation_id="leads_list",
        parameters=[LeadFilterSerializer],
        responses={200: LeadOutputSerializer(many=True), **LIST_ERRORS},
        summary="The viewer's leads (the sales director: the dealer's), newest first.",
    )
    def get(self, request: Request) -> Response:
        filters = self.validated(LeadFilterSerializer, request.query_params)
        leads: QuerySet[Lead] = leads_visible(request.user)
        for field in ("status", "source"):
            if filters.get(field):
                leads = leads.filter(**{field: filters[field]})
        if filters.get("consultant"):
            leads = leads.filter(consultant_id=filters["consultant"])
        return self.paginated(leads, LeadOutputSerializer)

    @extend_schema(
        operation_id="leads_create",
        request=LeadInputSerializer,
        responses={
            201: OpenApiResponse(LeadOutputSerializer, description="A new lead."),
            200: OpenApiResponse(
                LeadOutputSerializer,
                description="This (source, external id) was received before: that lead, unchanged.",
            ),
            **ERRORS,
        },
        summary="Push a lead (idempotent on source and external id).",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(LeadInputSerializer, request.data)
        receipt = lead_receive(actor=request.user, data=data)
        return self.output(
            LeadOutputSerializer,
            _lead(receipt.lead.pk),
            status_code=201 if receipt.created else 200,
        )


class LeadDetailApi(SalesApi):
    @extend_schema(operation_id="leads_retrieve", responses={200: LeadOutputSerializer, **ERRORS})
    def get(self, request: Request, lead_id: int) -> Response:
        lead = _lead(lead_id)
        user: Any = request.user
        if not can_receive_leads(user) or not can_work_lead(user, consultant_id=lead.consultant_id):
            raise PermissionDenied(_("This lead is not yours to work."))
        return self.output(LeadOutputSerializer, lead)


# --- opportunities ----------------------------------------------------------------------------


def _with_plans(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    open_plans = FollowUpPlan.objects.filter(done_at__isnull=True).order_by("due_at", "id")
    return queryset.prefetch_related(
        "hobbies", Prefetch("plans", queryset=open_plans, to_attr="open_plan_list")
    )


def _opportunity(request: Request, opportunity_id: int) -> Opportunity:
    """The opportunity (404 unless at the caller's dealer), if the caller may work it (403)."""
    opportunity = get_object_or_404(_with_plans(Opportunity.objects.all()), pk=opportunity_id)
    user: Any = request.user
    if not can_use_sales(user) or not can_work_opportunity(
        user, consultant_id=opportunity.consultant_id
    ):
        raise PermissionDenied(_("This opportunity is not yours to work."))
    return opportunity


def _output_opportunity(view: ServiceApi, opportunity_id: int, status_code: int = 200) -> Response:
    opportunity = get_object_or_404(_with_plans(Opportunity.objects.all()), pk=opportunity_id)
    return view.output(OpportunityOutputSerializer, opportunity, status_code=status_code)


def _in_scope(queryset: QuerySet[Any], pk: Any, field: str, message: Any) -> Any:
    """A record named in the body: found in the caller's scope, else a 400 at `field` (the
    same for another dealer's id as for none)."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({field: [message]})
    return found


class OpportunityListCreateApi(SalesApi):
    permission_classes = [IsAuthenticated, AtDealer, MayUseSales]

    @extend_schema(
        operation_id="opportunities_list",
        parameters=[OpportunityFilterSerializer],
        responses={200: OpportunityOutputSerializer(many=True), **LIST_ERRORS},
        summary="The viewer's opportunities (the sales director: the dealer's), newest first.",
    )
    def get(self, request: Request) -> Response:
        filters = self.validated(OpportunityFilterSerializer, request.query_params)
        opportunities: QuerySet[Opportunity] = opportunities_visible(request.user)
        status = filters.get("status")
        if status == "open":
            opportunities = opportunities.filter(status__in=["open", "lost_requested"])
        elif status:
            opportunities = opportunities.filter(status=status)
        for field, lookup in (
            ("stage", "stage"),
            ("consultant", "consultant_id"),
            ("series", "series_id"),
            ("temperature", "temperature"),
        ):
            if filters.get(field):
                opportunities = opportunities.filter(**{lookup: filters[field]})
        return self.paginated(_with_plans(opportunities), OpportunityOutputSerializer)

    @extend_schema(
        operation_id="opportunities_create",
        request=OpportunityCreateInputSerializer,
        responses={201: OpportunityOutputSerializer, **ERRORS},
        summary="Open (register) an opportunity with its first planned activity.",
    )
    def post(self, request: Request) -> Response:
        user: Any = request.user
        data = self.validated(OpportunityCreateInputSerializer, request.data)
        customer = _in_scope(
            Customer.objects.filter(merged_into__isnull=True),
            data.pop("customer"),
            "customer",
            _("Choose a customer of this dealer."),
        )
        lead = _in_scope(
            Lead.objects.all(), data.pop("lead", None), "lead", _("Choose a lead of this dealer.")
        )
        if lead is not None and not can_work_lead(user, consultant_id=lead.consultant_id):
            raise PermissionDenied(_("This lead is not yours to work."))
        opportunity = services.opportunity_open(actor=user, customer=customer, data=data, lead=lead)
        return _output_opportunity(self, opportunity.pk, status_code=201)


class OpportunityDetailApi(SalesApi):
    @extend_schema(
        operation_id="opportunities_retrieve",
        responses={200: OpportunityOutputSerializer, **ERRORS},
    )
    def get(self, request: Request, opportunity_id: int) -> Response:
        return self.output(OpportunityOutputSerializer, _opportunity(request, opportunity_id))

    @extend_schema(
        operation_id="opportunities_partial_update",
        request=OpportunityFieldsSerializer,
        responses={200: OpportunityOutputSerializer, **ERRORS},
        summary="Change the fields sent (its stage moves with POST …/stage/).",
    )
    def patch(self, request: Request, opportunity_id: int) -> Response:
        opportunity = _opportunity(request, opportunity_id)
        data = self.validated(OpportunityFieldsSerializer, request.data, partial=True)
        services.opportunity_update(actor=request.user, opportunity=opportunity, data=data)
        return _output_opportunity(self, opportunity.pk)


class OpportunityStageApi(SalesApi):
    @extend_schema(
        operation_id="opportunities_stage_create",
        request=StageInputSerializer,
        responses={200: OpportunityOutputSerializer, **ERRORS},
        summary='Move an open opportunity to a stage ("delivered" is reached by the sale).',
    )
    def post(self, request: Request, opportunity_id: int) -> Response:
        opportunity = _opportunity(request, opportunity_id)
        data = self.validated(StageInputSerializer, request.data)
        services.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            stage=str(data.get("stage") or ""),
        )
        return _output_opportunity(self, opportunity.pk)


class OpportunityPlansApi(SalesApi):
    @extend_schema(
        operation_id="opportunities_plans_create",
        request=PlanInputSerializer,
        responses={201: PlanOutputSerializer, **ERRORS},
        summary="Plan another activity of an open opportunity.",
    )
    def post(self, request: Request, opportunity_id: int) -> Response:
        opportunity = _opportunity(request, opportunity_id)
        data = self.validated(PlanInputSerializer, request.data)
        plan = services.plan_add(actor=request.user, opportunity=opportunity, data=data)
        return self.output(PlanOutputSerializer, plan, status_code=201)


class PlanOutcomeApi(SalesApi):
    @extend_schema(
        operation_id="plans_outcome_create",
        request=OutcomeInputSerializer,
        responses={200: OpportunityOutputSerializer, **ERRORS},
        summary="Record what a planned activity came to, and plan the next one when it was "
        "the last (answers the opportunity, with its open plans).",
    )
    def post(self, request: Request, plan_id: int) -> Response:
        plan = get_object_or_404(
            FollowUpPlan.objects.select_related("opportunity", "opportunity__series"), pk=plan_id
        )
        _opportunity(request, plan.opportunity_id)
        data = self.validated(OutcomeInputSerializer, request.data)
        services.plan_record(actor=request.user, plan=plan, data=data)
        return _output_opportunity(self, plan.opportunity_id)


# --- lost requests ----------------------------------------------------------------------------


def _lost_request(lost_request_id: int) -> LostRequest:
    return get_object_or_404(
        LostRequest.objects.select_related("opportunity", "opportunity__series"),
        pk=lost_request_id,
    )


class OpportunityLostRequestApi(SalesApi):
    @extend_schema(
        operation_id="opportunities_lost_request_create",
        request=LostRequestInputSerializer,
        responses={201: LostRequestOutputSerializer, **ERRORS},
        summary="Ask the sales director to close the opportunity as lost (战败申请).",
    )
    def post(self, request: Request, opportunity_id: int) -> Response:
        opportunity = _opportunity(request, opportunity_id)
        data = self.validated(LostRequestInputSerializer, request.data)
        lost = lost_services.lost_request_file(
            actor=request.user,
            opportunity=opportunity,
            data=data,
        )
        return self.output(LostRequestOutputSerializer, lost, status_code=201)


class LostRequestListApi(SalesApi):
    permission_classes = [IsAuthenticated, AtDealer, MayUseSales]

    @extend_schema(
        operation_id="lost_requests_list",
        parameters=[LostRequestFilterSerializer],
        responses={200: LostRequestOutputSerializer(many=True), **LIST_ERRORS},
        summary="Lost requests: the viewer's own (the sales director: the dealer's), newest first.",
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        filters = self.validated(LostRequestFilterSerializer, request.query_params)
        requests = LostRequest.objects.filter(dealer_id=user.dealer_id)
        if not sees_whole_team(user):
            requests = requests.filter(requested_by=user)
        if filters.get("decision"):
            requests = requests.filter(decision=filters["decision"])
        return self.paginated(requests, LostRequestOutputSerializer)


class LostRequestDecisionApi(SalesApi):
    @extend_schema(
        operation_id="lost_requests_decision_create",
        request=DecisionInputSerializer,
        responses={200: LostRequestOutputSerializer, **ERRORS},
        summary="The sales director approves (the sale is lost) or rejects (back to the "
        "consultant, with a new plan) a lost request (战败审核).",
    )
    def post(self, request: Request, lost_request_id: int) -> Response:
        lost = _lost_request(lost_request_id)
        user: Any = request.user
        if not can_decide_lost(user):
            raise PermissionDenied(_("Only the sales director decides lost requests."))
        data = self.validated(DecisionInputSerializer, request.data)
        note = str(data.pop("note", None) or "")
        if data.pop("decision") == "approve":
            lost_services.lost_request_approve(actor=user, request=lost, note=note)
        else:
            lost_services.lost_request_reject(actor=user, request=lost, note=note, data=data)
        return self.output(LostRequestOutputSerializer, _lost_request(lost.pk))


# --- showroom traffic -------------------------------------------------------------------------


def _traffic(viewer: Any, day: Any, consultant_id: int | None) -> dict[str, Any]:
    entries = WalkInCount.objects.filter(dealer_id=viewer.dealer_id, day=day)
    registered = Opportunity.objects.filter(dealer_id=viewer.dealer_id, registered_on=day)
    if not sees_whole_team(viewer):
        entries, registered = (
            entries.filter(consultant=viewer),
            registered.filter(consultant=viewer),
        )
    if consultant_id:
        entries = entries.filter(consultant_id=consultant_id)
        registered = registered.filter(consultant_id=consultant_id)
    rows = list(entries.order_by("consultant_id", "series_id"))
    unregistered = sum(row.count for row in rows)
    count = registered.count()
    return {
        "day": day,
        "unregistered": unregistered,
        "registered": count,
        "traffic": unregistered + count,
        "entries": rows,
    }


class TrafficApi(SalesApi):
    permission_classes = [IsAuthenticated, AtDealer, MayUseSales]

    @extend_schema(
        operation_id="traffic_retrieve",
        parameters=[TrafficFilterSerializer],
        responses={200: TrafficOutputSerializer, **TRAFFIC_ERRORS},
        summary="A day's showroom traffic: yours (the sales director: the team's).",
    )
    def get(self, request: Request) -> Response:
        filters = self.validated(TrafficFilterSerializer, request.query_params)
        day = filters.get("day") or timezone.localdate()
        traffic = _traffic(request.user, day, filters.get("consultant"))
        return self.output(TrafficOutputSerializer, traffic)

    @extend_schema(
        operation_id="traffic_update",
        request=TrafficInputSerializer,
        responses={200: TrafficOutputSerializer, **TRAFFIC_ERRORS},
        summary="Set a day's walk-ins who left no details, per model (未留档客户).",
    )
    def put(self, request: Request) -> Response:
        user: Any = request.user
        data = self.validated(TrafficInputSerializer, request.data)
        consultant = user
        if data.get("consultant") is not None:
            consultant = _in_scope(
                Staff.objects.filter(dealer_id=user.dealer_id, role=Role.SALES_CONSULTANT),
                data["consultant"],
                "consultant",
                _("Choose a sales consultant."),
            )
        counts: dict[int | None, int] = {}
        for row in data["counts"]:
            if row["series"] in counts:
                raise DjangoValidationError({"counts": [_("Give each model once.")]})
            counts[row["series"]] = row["count"]
        try:
            walk_ins_record(actor=user, day=data["day"], counts=counts, consultant=consultant)
        except DjangoValidationError as exc:
            raise _errors_at(exc, {"series": "counts", "count_": "counts"}) from None
        return self.output(TrafficOutputSerializer, _traffic(user, data["day"], consultant.pk))
