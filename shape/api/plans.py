"""Project plans in the API: a promoter's plans, their review, and investors' teasers.

Every list is scoped by the selectors the pages use; a plan the caller has no relation to
answers 404, one they may read but not change 403, a change the plan's state forbids 409.
Investors see bankable plans only as teasers, through their own list.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api import OrganisationSummarySerializer
from accounts.permissions import is_curator, is_investor
from explore.api import (
    LOOKUP_VALUE_REGEX,
    PAGE_NOT_FOUND,
    AreaSummarySerializer,
    CitySummarySerializer,
    ProjectSummarySerializer,
    SolutionLinkSerializer,
    StrictPagination,
    StrictSlugRelatedField,
)
from explore.models import Area, City, ReferenceProject
from explore.selectors import published_solutions
from marketplace.api import StrictCharField, StrictIntegerField, StrictModelSerializer, whole_id
from marketplace.errors import DomainError
from shape import permissions, selectors
from shape.api.checklists import (
    AnswerInputSerializer,
    PlanChecklistSerializer,
    plan_checklist_body,
    plan_checklist_item,
)
from shape.models import MAX_AMOUNT_EUR, Instrument, PlanStatus, ProjectPlan
from shape.services import plans as services
from shape.services.checklists import checklist_answer_set

# --- Output ---------------------------------------------------------------------------------


class InstrumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["code", "name"]


class PlanSummarySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    city = CitySummarySerializer(read_only=True, allow_null=True)
    areas = AreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = ProjectPlan
        fields = [
            "id",
            "title",
            "status",
            "stage",
            "city",
            "areas",
            "total_investment_eur",
            "funding_sought_eur",
            "bankability_score",
            "submitted_at",
            "updated_at",
        ]


class PlanDetailSerializer(PlanSummarySerializer):
    organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    solutions = SolutionLinkSerializer(many=True, read_only=True)
    reference_projects = ProjectSummarySerializer(many=True, read_only=True)
    instruments = InstrumentSerializer(many=True, read_only=True)
    checklist_template = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(PlanSummarySerializer.Meta):
        fields = [
            *PlanSummarySerializer.Meta.fields,
            "organisation",
            "summary",
            "problem",
            "proposed_solution",
            "solutions",
            "reference_projects",
            "instruments",
            "revenue_model",
            "planned_start",
            "planned_end",
            "checklist_template",
            "created_at",
        ]


class PlanTeaserSerializer(serializers.ModelSerializer):
    """What an investor sees of a bankable plan before the promoter shares it."""

    city = CitySummarySerializer(read_only=True, allow_null=True)
    areas = AreaSummarySerializer(many=True, read_only=True)
    instruments = InstrumentSerializer(many=True, read_only=True)

    class Meta:
        model = ProjectPlan
        fields = [
            "id",
            "title",
            "city",
            "areas",
            "stage",
            "funding_sought_eur",
            "instruments",
            "bankability_score",
        ]


class SubmitRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


# --- Input ----------------------------------------------------------------------------------


class PlanInputSerializer(StrictModelSerializer):
    """A plan's fields; relations by slug (instruments by code), amounts in whole euros."""

    city = StrictSlugRelatedField(
        slug_field="slug", queryset=City.objects.all(), allow_null=True, required=False
    )
    areas = StrictSlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    # Only published solutions: a draft's slug must not be confirmed by linking to it.
    solutions = StrictSlugRelatedField(
        slug_field="slug", queryset=published_solutions(), many=True, required=False
    )
    reference_projects = StrictSlugRelatedField(
        slug_field="slug", queryset=ReferenceProject.objects.all(), many=True, required=False
    )
    instruments = StrictSlugRelatedField(
        slug_field="code", queryset=Instrument.objects.all(), many=True, required=False
    )
    total_investment_eur = StrictIntegerField(
        min_value=0, max_value=MAX_AMOUNT_EUR, allow_null=True, required=False
    )
    funding_sought_eur = StrictIntegerField(
        min_value=0,
        max_value=MAX_AMOUNT_EUR,
        allow_null=True,
        required=False,
        help_text=_("No more than the total investment"),
    )

    class Meta:
        model = ProjectPlan
        fields = [
            "title",
            "city",
            "areas",
            "summary",
            "problem",
            "proposed_solution",
            "solutions",
            "reference_projects",
            "stage",
            "total_investment_eur",
            "funding_sought_eur",
            "instruments",
            "revenue_model",
            "planned_start",
            "planned_end",
        ]
        extra_kwargs = {"title": {"allow_blank": False}}


class WithdrawInputSerializer(serializers.Serializer):
    comment = StrictCharField(required=False, allow_blank=True, max_length=2000)


DECISIONS = {
    "start": services.plan_review_start,
    "request_changes": services.plan_changes_request,
    "bankable": services.plan_mark_bankable,
    "reject": services.plan_reject,
}


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[
            ("start", _("Start the review")),
            ("request_changes", _("Ask the promoter for changes (say which)")),
            ("bankable", _("Mark the plan bankable")),
            ("reject", _("Reject the plan (say why)")),
        ]
    )
    comment = StrictCharField(required=False, allow_blank=True, max_length=5000)


# --- Views ----------------------------------------------------------------------------------


class CanSeeBankableTeasers(IsAuthenticated):
    """Investors and curators; anyone else signed in is refused, an anonymous caller asked
    to sign in (401) first."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return is_investor(request.user) or is_curator(request.user)


CHECKLIST_RESPONSES = {200: PlanChecklistSerializer}
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
REFUSED = OpenApiResponse(
    inline_serializer("StateConflict", {"detail": serializers.CharField()}),
    description="The plan's state does not allow this",
)


@extend_schema_view(
    list=extend_schema(
        summary="The plans you may read in full: your own, those you were invited to, "
        "and for curators all",
        responses={200: PlanSummarySerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One plan in full", parameters=[ID_PARAMETER], responses=PlanDetailSerializer
    ),
    create=extend_schema(
        summary="Start a plan (promoters)",
        request=PlanInputSerializer,
        responses={201: PlanDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a plan while it is a draft or changes were requested (its editors)",
        parameters=[ID_PARAMETER],
        request=PlanInputSerializer,
        responses={200: PlanDetailSerializer, 409: REFUSED},
    ),
)
class PlanViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    lookup_value_regex = LOOKUP_VALUE_REGEX
    serializer_class = PlanSummarySerializer
    queryset = ProjectPlan.objects.none()  # every action selects its own rows

    def get_permissions(self):
        if self.action == "bankable":
            return [CanSeeBankableTeasers()]
        return super().get_permissions()

    def get_serializer_class(self):
        return {
            "retrieve": PlanDetailSerializer,
            "create": PlanInputSerializer,
            "partial_update": PlanInputSerializer,
            "bankable": PlanTeaserSerializer,
            "submit": PlanDetailSerializer,
            "withdraw": WithdrawInputSerializer,
            "review": ReviewInputSerializer,
            "checklist": AnswerInputSerializer,
        }.get(self.action, PlanSummarySerializer)

    # Ids are whole numbers the database can hold; anything else is simply not a plan.
    def get_object(self) -> ProjectPlan:
        return selectors.get_plan_for_user(self.request.user, whole_id(self.kwargs["pk"]))

    def list(self, request):
        rows = (
            selectors.plans_visible_to(request.user)
            .select_related("city")
            .prefetch_related("areas")
            .order_by("-updated_at", "-id")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PlanSummarySerializer(page, many=True).data)

    def retrieve(self, request, pk):
        return self._detail(self.get_object())

    def create(self, request):
        # Refuse a non-promoter before reading the body: what they send does not matter.
        if not permissions.can_create_plan(request.user):
            raise PermissionDenied
        data = self._incoming(request)
        plan = services.plan_create(promoter=request.user, data=data)
        return self._detail(plan, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        plan = self.get_object()
        if not permissions.is_plan_editor(request.user, plan):
            raise PermissionDenied
        data = self._incoming(request, partial=True)
        return self._detail(services.plan_update(plan=plan, actor=request.user, data=data))

    @extend_schema(
        summary="Send the plan for review (its editors)",
        parameters=[ID_PARAMETER],
        request=None,
        responses={
            200: PlanDetailSerializer,
            400: OpenApiResponse(SubmitRefusedSerializer, description="Still incomplete"),
            409: REFUSED,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk):
        plan = self.get_object()
        try:
            plan = services.plan_submit(plan=plan, actor=request.user)
        except DomainError as refused:
            # Refusals for who or when (403, 409) pass through; only "incomplete" gets a list.
            if type(refused) is not DomainError or refused.field:
                raise
            # Not a bare string: a client shows the promoter each thing still to do.
            missing = services.plan_missing(plan)
            if not missing:
                raise
            body = {"detail": refused.message, "missing": [str(label) for label in missing]}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return self._detail(plan)

    @extend_schema(
        summary="Withdraw the plan (its promoter)",
        parameters=[ID_PARAMETER],
        request=WithdrawInputSerializer,
        responses={200: PlanDetailSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk):
        plan = self.get_object()
        comment = self._incoming(request).get("comment", "")
        return self._detail(services.plan_withdraw(plan=plan, actor=request.user, comment=comment))

    @extend_schema(
        summary="Decide on a submitted plan (curators)",
        parameters=[ID_PARAMETER],
        description="`start` takes a submitted plan into review; from review, "
        "`request_changes` and `reject` need a comment, `bankable` may have one.",
        request=ReviewInputSerializer,
        responses={200: PlanDetailSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk):
        plan = self.get_object()
        if not permissions.can_review_plan(request.user, plan):
            raise PermissionDenied
        incoming = self._incoming(request)
        decide = DECISIONS[incoming["decision"]]
        comment = incoming.get("comment", "")
        if incoming["decision"] == "start":
            plan = decide(plan=plan, actor=request.user)
        else:
            plan = decide(plan=plan, actor=request.user, comment=comment)
        return self._detail(plan)

    @extend_schema(
        methods=["GET"],
        summary="The plan's checklist: answers, scores, readiness and gaps",
        description="A plan not yet assessed shows the current template, which it takes on "
        "with its first answer.",
        parameters=[ID_PARAMETER],
        request=None,
        responses=CHECKLIST_RESPONSES,
    )
    @extend_schema(
        methods=["POST"],
        summary="Answer one checklist item (the plan's editors)",
        parameters=[ID_PARAMETER],
        request=AnswerInputSerializer,
        responses={**CHECKLIST_RESPONSES, 409: REFUSED},
    )
    @action(detail=True, methods=["get", "post"])
    def checklist(self, request, pk):
        plan = self.get_object()
        if request.method == "POST":
            if not permissions.is_plan_editor(request.user, plan):
                raise PermissionDenied
            incoming = self._incoming(request)
            checklist_answer_set(
                plan=plan,
                item=plan_checklist_item(plan, incoming["item"]),
                answer=incoming["answer"],
                evidence=incoming.get("evidence", ""),
                actor=request.user,
            )
            plan.refresh_from_db(fields=["checklist_template", "bankability_score"])
        return Response(plan_checklist_body(plan, self.get_serializer_context()))

    @extend_schema(
        summary="Bankable plans as teasers (investors and curators)",
        responses={200: PlanTeaserSerializer(many=True), 404: PAGE_NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    def bankable(self, request):
        page = self.paginate_queryset(selectors.bankable_teasers(user=request.user))
        return self.get_paginated_response(PlanTeaserSerializer(page, many=True).data)

    def _incoming(self, request, *, partial=False) -> dict:
        incoming = self.get_serializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        return dict(incoming.validated_data)

    def _detail(self, plan, *, status_code=status.HTTP_200_OK) -> Response:
        prefetch_related_objects(
            [plan],
            "areas",
            "instruments",
            "reference_projects",
            Prefetch("solutions", queryset=published_solutions().only("slug", "title")),
        )
        serializer = PlanDetailSerializer(plan, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)
