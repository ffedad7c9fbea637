"""Bankability checklists in the API: the templates, and a plan's answers scored against one.

Templates are read by anyone signed in; a plan's checklist is read and answered through the
plan (`plans/{id}/checklist/`, in api/plans.py), which builds its body with the helpers here.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from explore.api import LOOKUP_VALUE_REGEX, PAGE_NOT_FOUND, StrictPagination
from marketplace.api import StrictCharField, whole_id
from marketplace.errors import DomainError
from shape import checklists
from shape.models import ChecklistAnswer, ChecklistDimension, ChecklistItem, ChecklistTemplate

# --- Input ----------------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class ItemReferenceField(serializers.Field):
    """A checklist item named by its code or its id; the view finds it on the plan's template."""

    default_error_messages = {"invalid": _("Give the item's code (a string) or its id.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int) or data == "":
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class AnswerInputSerializer(serializers.Serializer):
    item = ItemReferenceField()
    answer = serializers.ChoiceField(choices=ChecklistAnswer.Answer.choices)
    evidence = StrictCharField(required=False, allow_blank=True, max_length=10_000)


# --- Output ---------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "code",
            "question",
            "guidance",
            "evidence_expected",
            "weight",
            "mandatory",
        ]


class ChecklistDimensionSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistDimension
        fields = ["code", "title", "items"]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    dimensions = ChecklistDimensionSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "version", "is_current", "notes", "created_at", "dimensions"]


class ChecklistTemplateSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "version"]


class AnswerSerializer(serializers.ModelSerializer):
    evidence_file = serializers.FileField(read_only=True, allow_null=True)

    class Meta:
        model = ChecklistAnswer
        fields = ["answer", "evidence", "evidence_file", "updated_at"]


class AnsweredItemSerializer(ChecklistItemSerializer):
    answer = serializers.SerializerMethodField()

    class Meta(ChecklistItemSerializer.Meta):
        fields = [*ChecklistItemSerializer.Meta.fields, "answer"]

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, item):
        answer = self.context["answers"].get(item.pk)
        return AnswerSerializer(answer, context=self.context).data if answer else None


class DimensionScoreSerializer(serializers.Serializer):
    code = serializers.CharField(source="dimension.code")
    title = serializers.CharField(source="dimension.title")
    score = serializers.IntegerField(
        allow_null=True, help_text=_("0-100; null when no item of it applies to the plan")
    )
    items = serializers.SerializerMethodField()

    @extend_schema_field(AnsweredItemSerializer(many=True))
    def get_items(self, part):
        items = self.context["items_by_dimension"].get(part.dimension.pk, [])
        return AnsweredItemSerializer(items, many=True, context=self.context).data


class GapSerializer(serializers.Serializer):
    dimension = serializers.CharField(source="item.dimension.code", help_text=_("Its code"))
    item = serializers.IntegerField(source="item.pk", help_text=_("The item's id"))
    code = serializers.CharField(source="item.code")
    question = serializers.CharField(source="item.question")
    mandatory = serializers.BooleanField(source="item.mandatory")
    answer = serializers.ChoiceField(
        choices=ChecklistAnswer.Answer.choices, allow_null=True, help_text=_("Null if unanswered")
    )
    next_step = serializers.CharField()
    evidence_expected = serializers.CharField()


class PlanChecklistSerializer(serializers.Serializer):
    template = ChecklistTemplateSummarySerializer(allow_null=True)
    score = serializers.IntegerField(help_text=_("0-100, the plan's bankability score"))
    readiness = serializers.ChoiceField(choices=checklists.Readiness.choices)
    answered = serializers.IntegerField()
    items = serializers.IntegerField(help_text=_("How many items the checklist has"))
    dimensions = DimensionScoreSerializer(many=True)
    gaps = GapSerializer(many=True, help_text=_("Items not fully met, heaviest first"))


# --- A plan's checklist ---------------------------------------------------------------------


def _plan_template(plan) -> ChecklistTemplate | None:
    # A plan without a checklist gets the current one with its first answer (the service).
    if plan.checklist_template_id is not None:
        return plan.checklist_template
    return ChecklistTemplate.objects.filter(is_current=True).first()


def plan_checklist_item(plan, reference) -> ChecklistItem:
    """The item of the plan's checklist named by code or id; a 400 on the field if there is none."""
    template = _plan_template(plan)
    items = ChecklistItem.objects.filter(dimension__template=template).select_related("dimension")
    if isinstance(reference, int):
        found = list(items.filter(pk=reference)) if 0 < reference < 2**63 else []
    else:
        found = list(items.filter(code=reference)[:2])
    if len(found) == 1:
        return found[0]
    if found:
        # Codes are unique within a dimension only.
        raise DomainError(_("Two items share that code: give the item's id."), field="item")
    raise DomainError(_("That item is not on this plan's checklist."), field="item")


def plan_checklist_body(plan, context) -> dict:
    """The plan's checklist as the API shows it: answers, scores, readiness and gaps."""
    template = _plan_template(plan)
    items = checklists.checklist_items(template)
    answers = {answer.item_id: answer for answer in plan.answers.all()}
    assessment = checklists.assess(items, {pk: answer.answer for pk, answer in answers.items()})
    items_by_dimension: dict[int, list] = {}
    for item in items:
        items_by_dimension.setdefault(item.dimension_id, []).append(item)
    body = {
        "template": template,
        "score": assessment.overall,
        "readiness": assessment.readiness,
        "answered": assessment.answered,
        "items": assessment.items,
        "dimensions": assessment.dimensions,
        "gaps": assessment.gaps,
    }
    context = {**context, "answers": answers, "items_by_dimension": items_by_dimension}
    return PlanChecklistSerializer(body, context=context).data


# --- Templates ------------------------------------------------------------------------------

ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="Bankability checklist templates, with their dimensions and items",
        parameters=[
            OpenApiParameter(
                "current",
                OpenApiTypes.BOOL,
                description="Only the template offered to new plans (true) or only the others",
            )
        ],
        responses={200: ChecklistTemplateSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One checklist template with its dimensions and items",
        parameters=[ID_PARAMETER],
    ),
)
class ChecklistTemplateViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    serializer_class = ChecklistTemplateSerializer
    lookup_value_regex = LOOKUP_VALUE_REGEX
    queryset = ChecklistTemplate.objects.none()

    def _templates(self):
        return ChecklistTemplate.objects.prefetch_related(
            Prefetch(
                "dimensions",
                queryset=ChecklistDimension.objects.order_by("position", "id").prefetch_related(
                    Prefetch("items", queryset=ChecklistItem.objects.order_by("position", "id"))
                ),
            )
        ).order_by("name", "-version")

    def list(self, request):
        rows = self._templates()
        current = request.query_params.get("current")
        if current is not None:
            if current not in {"true", "false"}:
                raise serializers.ValidationError({"current": [_("Either true or false.")]})
            rows = rows.filter(is_current=current == "true")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        template = self._templates().filter(pk=whole_id(pk)).first()
        if template is None:
            raise Http404
        return Response(self.get_serializer(template).data)
