"""Deal requests over the API: the caller's requests, sending one, and answering it.

Lists hold only the caller's requests (their plans', their fund's; curators all). A request
the caller is on neither side of answers 404; an action their side may not take 403; an
action the request's state no longer allows (already accepted, withdrawn, ...) 409.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from deal import permissions, selectors
from deal.forms.requests import RequestFilterForm
from deal.models import DealRequest, DeclineReason, InvestorProfile
from deal.services import requests as services
from explore.api import LOOKUP_VALUE_REGEX, PAGE_NOT_FOUND, StrictPagination
from marketplace.api import WHOLE_ID, StrictCharField, StrictIntegerField, whole_id
from marketplace.errors import DomainError
from shape.models import MAX_AMOUNT_EUR, Instrument, ProjectPlan
from shape.permissions import can_view_teaser

# --- Output ----------------------------------------------------------------------------------


class RequestPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectPlan
        fields = ["id", "title"]


class RequestProfileSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = InvestorProfile
        fields = ["id", "organisation"]


class DeclineGapSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    label = serializers.CharField()
    dimension = serializers.CharField(help_text=_("The checklist dimension; empty if none"))
    url = serializers.CharField(help_text=_("The checklist section; empty for the investor side"))


class DealRequestSerializer(serializers.ModelSerializer):
    plan = RequestPlanSerializer(read_only=True)
    profile = RequestProfileSerializer(read_only=True)
    instrument = serializers.CharField(source="instrument.code", read_only=True)
    decline_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=DeclineReason.choices), read_only=True
    )
    gaps = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()

    class Meta:
        model = DealRequest
        fields = [
            "id",
            "plan",
            "profile",
            "direction",
            "status",
            "instrument",
            "amount_eur",
            "message",
            "respond_by",
            "created_at",
            "decided_at",
            "decline_reasons",
            "decline_note",
            "gaps",
            "room",
        ]
        read_only_fields = fields

    @extend_schema_field(DeclineGapSerializer(many=True))
    def get_gaps(self, deal_request):
        gaps = self.context.get("gaps", {}).get(deal_request.pk, [])
        return DeclineGapSerializer(gaps, many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_room(self, deal_request):
        room = getattr(deal_request, "room", None)
        return room.pk if room else None


# --- Input -----------------------------------------------------------------------------------


class DealRequestInputSerializer(serializers.Serializer):
    plan = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    profile = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("The investor profile; an investor may leave it out to write for their fund"),
    )
    instrument = StrictCharField(max_length=40, help_text=_("The instrument's code"))
    amount_eur = StrictIntegerField(min_value=1, max_value=MAX_AMOUNT_EUR)
    message = StrictCharField(max_length=services.MESSAGE_MAX_LENGTH)


class DeclineInputSerializer(serializers.Serializer):
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=DeclineReason.choices),
        allow_empty=False,
        max_length=len(DeclineReason.choices),
    )
    note = StrictCharField(required=False, allow_blank=True, max_length=services.NOTE_MAX_LENGTH)


STATE_CONFLICT = OpenApiResponse(
    inline_serializer("RequestStateConflict", {"detail": serializers.CharField()}),
    description="The request is no longer pending, or one is already pending for this pair",
)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
LIST_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=DealRequest.Status.values),
    OpenApiParameter(
        "direction",
        OpenApiTypes.STR,
        description="`to_investor` (a plan's team asked) or `to_promoter` (an investor asked)",
    ),
    OpenApiParameter("area", OpenApiTypes.STR, description="An area's slug"),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2"),
    OpenApiParameter("plan", OpenApiTypes.INT, description="One plan's requests"),
]
FILTERS = ("status", "direction", "area", "country", "plan")
ACTION_RESPONSES = {200: DealRequestSerializer, 409: STATE_CONFLICT}


@extend_schema_view(
    list=extend_schema(
        summary="Your deal requests: your plans', your fund's (curators: all), "
        "waiting ones first by deadline",
        parameters=LIST_PARAMETERS,
        responses={200: DealRequestSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(summary="One deal request", parameters=[ID_PARAMETER]),
    create=extend_schema(
        summary="Send a deal request: a plan's team to an investor, or an investor to a "
        "plan's team",
        request=DealRequestInputSerializer,
        responses={201: DealRequestSerializer, 409: STATE_CONFLICT},
    ),
)
class DealRequestViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    lookup_value_regex = LOOKUP_VALUE_REGEX
    serializer_class = DealRequestSerializer
    queryset = DealRequest.objects.none()  # every action selects its own rows

    def get_serializer_class(self):
        return {
            "create": DealRequestInputSerializer,
            "decline": DeclineInputSerializer,
        }.get(self.action, DealRequestSerializer)

    def get_object(self) -> DealRequest:
        return selectors.get_request_for_user(self.request.user, whole_id(self.kwargs["pk"]))

    def list(self, request):
        rows = selectors.requests_filtered(
            selectors.requests_visible_to(request.user), self._filters(request)
        )
        page = self.paginate_queryset(rows.order_by("-created_at", "-id"))
        return self.get_paginated_response(self._many(page))

    def retrieve(self, request, pk):
        return self._one(self.get_object())

    def create(self, request):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        plan = self._plan(request.user, data["plan"])
        profile = self._profile(request.user, plan, data.get("profile"))
        instrument = Instrument.objects.filter(code=data["instrument"]).first()
        if instrument is None:
            raise DomainError(_("No instrument has this code."), field="instrument")
        deal_request = services.request_send(
            actor=request.user,
            plan=plan,
            profile=profile,
            instrument=instrument,
            amount_eur=data["amount_eur"],
            message=data["message"],
        )
        return self._one(deal_request, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept a request sent to your side; a deal room opens",
        parameters=[ID_PARAMETER],
        request=None,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk):
        deal_request = self.get_object()
        services.request_accept(deal_request=deal_request, actor=request.user)
        return self._one(self.get_object())

    @extend_schema(
        summary="Decline a request sent to your side, with at least one reason",
        parameters=[ID_PARAMETER],
        request=DeclineInputSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk):
        deal_request = self.get_object()
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.request_decline(
            deal_request=deal_request,
            actor=request.user,
            reasons=incoming.validated_data["reasons"],
            note=incoming.validated_data.get("note", ""),
        )
        return self._one(self.get_object())

    @extend_schema(
        summary="Withdraw a request your side sent, while it waits",
        parameters=[ID_PARAMETER],
        request=None,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk):
        deal_request = self.get_object()
        services.request_withdraw(deal_request=deal_request, actor=request.user)
        return self._one(self.get_object())

    # --- Helpers ---------------------------------------------------------------------------

    def _filters(self, request) -> dict:
        # The pages read an empty filter as "any"; the API's schema promises a value or nothing.
        empty = [name for name in FILTERS if request.query_params.get(name, None) == ""]
        if empty:
            raise serializers.ValidationError(
                {name: [_("Give a value or leave the parameter out.")] for name in empty}
            )
        form = RequestFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        filters = {name: value for name, value in form.cleaned_data.items() if value}
        raw_plan = request.query_params.get("plan")
        if raw_plan is not None:
            if not WHOLE_ID.fullmatch(raw_plan):
                raise serializers.ValidationError({"plan": [_("A plan's id, a whole number.")]})
            filters["plan"] = int(raw_plan)
        return filters

    def _plan(self, user, plan_id) -> ProjectPlan:
        """A plan the caller may ask about; any other id reads as no plan at all."""
        plan = ProjectPlan.objects.filter(pk=plan_id).first()
        if plan is None or not (
            permissions.can_request_for_plan(user, plan) or can_view_teaser(user, plan)
        ):
            raise DomainError(_("No plan you can ask about has this id."), field="plan")
        return plan

    def _profile(self, user, plan, profile_id) -> InvestorProfile:
        if profile_id is None:
            if permissions.can_request_for_plan(user, plan) or not user.organisation_id:
                raise DomainError(_("Choose the investor profile."), field="profile")
            profile_id = (
                InvestorProfile.objects.filter(organisation_id=user.organisation_id)
                .values_list("pk", flat=True)
                .first()
            )
        profile = (
            InvestorProfile.objects.select_related("organisation").filter(pk=profile_id).first()
        )
        visible = profile is not None and (
            permissions.can_request_as_investor(user, profile)
            or (
                permissions.can_request_for_plan(user, plan)
                and permissions.profile_visible_for_plan(profile, plan)
            )
        )
        if not visible:
            raise DomainError(_("No investor profile you can ask has this id."), field="profile")
        return profile

    def _many(self, rows) -> list:
        gaps = selectors.decline_gaps_for(user=self.request.user, requests=rows)
        context = {**self.get_serializer_context(), "gaps": gaps}
        return DealRequestSerializer(rows, many=True, context=context).data

    def _one(self, deal_request, *, status_code=status.HTTP_200_OK) -> Response:
        return Response(self._many([deal_request])[0], status=status_code)
