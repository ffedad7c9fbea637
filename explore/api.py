"""Explore's open data API: published content for anyone, members' own submissions for them.

Lists take the same filters as the pages (the FilterSets of `explore.filters`, applied by
the same selectors), and an unknown filter value is a 400 naming the parameter, never a
silently wider result.
"""

import functools
import re

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import follow_field_source
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.permissions import BasePermission
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api import OrganisationSummarySerializer
from accounts.models import Organisation
from accounts.permissions import is_curator
from explore import permissions, selectors, services
from explore.filters import (
    CityFilter,
    IndicatorFilter,
    KnowledgeFilter,
    ProjectFilter,
    SolutionFilter,
)
from explore.models import (
    ActualValue,
    Area,
    City,
    Indicator,
    KnowledgeItem,
    Measurement,
    ProjectCity,
    ReferenceProject,
    Solution,
    Tag,
)
from marketplace.api import (
    LOOKUP_VALUE_REGEX,
    PAGE_NOT_FOUND,
    StrictBooleanField,
    StrictModelSerializer,
    StrictPagination,
)
from marketplace.pagination import KnownCountPaginator

# LOOKUP_VALUE_REGEX lets any text reach the views; they refuse anything but a slug before
# it reaches the database (PostgreSQL rejects NUL characters with an error, not a miss).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _check_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise Http404
    return slug


# --- Small nested summaries ---------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The address of the object's HTML page, absolute when the request is known."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        path = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AreaSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["slug", "name"]


class TagSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name"]


class CitySummarySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", help_text=_("ISO 3166-1 alpha-2"))
    url = PageUrlField()

    class Meta:
        model = City
        fields = ["slug", "name", "country", "url"]


class ProjectSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = ReferenceProject
        fields = ["slug", "acronym", "name", "url"]


class SolutionLinkSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Solution
        fields = ["slug", "title", "url"]


class IndicatorSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Indicator
        fields = ["slug", "code", "name", "unit", "url"]


class ActualValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActualValue
        fields = ["year", "value", "note"]


class MeasurementSerializer(serializers.ModelSerializer):
    """One indicator followed for exactly one city, project or country."""

    indicator = IndicatorSummarySerializer(read_only=True)
    city = CitySummarySerializer(read_only=True, allow_null=True)
    project = ProjectSummarySerializer(read_only=True, allow_null=True)
    country = serializers.SerializerMethodField(help_text=_("For a national figure"))
    actuals = ActualValueSerializer(many=True, read_only=True)

    class Meta:
        model = Measurement
        fields = [
            "indicator",
            "city",
            "project",
            "country",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "actuals",
            "source",
        ]

    def get_country(self, measurement) -> str | None:
        return measurement.country.code or None


class StrictManyRelatedField(serializers.ManyRelatedField):
    """Only a JSON array: an object or a string is an error, not quietly iterated."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A row named by its slug, as a non-empty JSON string ("" is not read as null)."""

    default_error_messages = {"invalid": _("Must be a slug, given as a string.")}

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: kwargs[key] for key in kwargs if key in MANY_RELATION_KWARGS})
        return StrictManyRelatedField(**list_kwargs)

    def run_validation(self, data=empty):
        if data is not None and data is not empty and (not isinstance(data, str) or not data):
            self.fail("invalid")
        return super().run_validation(data)


# --- Solutions and knowledge: what members submit ------------------------------------------


class SolutionSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    provider = OrganisationSummarySerializer(read_only=True, allow_null=True)
    areas = AreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Solution
        fields = [
            "slug",
            "url",
            "title",
            "summary",
            "maturity",
            "cost_min_eur",
            "cost_max_eur",
            "cost_band",
            "provider",
            "areas",
            "published_at",
        ]


class SolutionOwnSerializer(SolutionSummarySerializer):
    """A submission as its author follows it: where it stands in moderation."""

    revision_of = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta(SolutionSummarySerializer.Meta):
        fields = [*SolutionSummarySerializer.Meta.fields, "status", "revision_of", "updated_at"]


class SolutionDetailSerializer(SolutionOwnSerializer):
    tags = TagSummarySerializer(many=True, read_only=True)
    provider_country = serializers.CharField(source="provider_country.code")
    image = serializers.ImageField(read_only=True, allow_null=True)
    projects = ProjectSummarySerializer(many=True, read_only=True, help_text=_("Deployed in"))
    cities = CitySummarySerializer(many=True, read_only=True, help_text=_("Deployed in"))

    class Meta(SolutionOwnSerializer.Meta):
        fields = [
            *SolutionOwnSerializer.Meta.fields,
            "body",
            "tags",
            "provider_kind",
            "provider_country",
            "replication_notes",
            "contact_name",
            "contact_email",
            "image",
            "projects",
            "cities",
        ]


class SolutionInputSerializer(StrictModelSerializer):
    """A member's solution; relations are named by slug, the provider by organisation slug."""

    provider = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Your own organisation's slug"),
    )
    areas = StrictSlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    tags = StrictSlugRelatedField(
        slug_field="slug", queryset=Tag.objects.all(), many=True, required=False
    )
    cities = StrictSlugRelatedField(
        slug_field="slug", queryset=City.objects.all(), many=True, required=False
    )
    submit = StrictBooleanField(
        required=False, write_only=True, help_text=_("Send it for review at once")
    )

    class Meta:
        model = Solution
        fields = [
            "title",
            "summary",
            "body",
            "maturity",
            "provider",
            "cost_min_eur",
            "cost_max_eur",
            "replication_notes",
            "contact_name",
            "contact_email",
            "areas",
            "tags",
            "cities",
            "submit",
        ]

    def validate_provider(self, organisation):
        # Members speak for their own organisation only; curators fix attributions.
        user = self.context["request"].user
        if organisation and organisation.pk != user.organisation_id and not is_curator(user):
            raise serializers.ValidationError(_("Name your own organisation as the provider."))
        return organisation


class KnowledgeSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    areas = AreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = KnowledgeItem
        fields = [
            "slug",
            "url",
            "kind",
            "title",
            "summary",
            "areas",
            "source_url",
            "event_start",
            "event_end",
            "event_place",
            "event_online_url",
            "published_at",
        ]


class KnowledgeOwnSerializer(KnowledgeSummarySerializer):
    revision_of = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta(KnowledgeSummarySerializer.Meta):
        fields = [*KnowledgeSummarySerializer.Meta.fields, "status", "revision_of", "updated_at"]


class KnowledgeDetailSerializer(KnowledgeOwnSerializer):
    class Meta(KnowledgeOwnSerializer.Meta):
        fields = [*KnowledgeOwnSerializer.Meta.fields, "body"]


class KnowledgeInputSerializer(StrictModelSerializer):
    """A member's knowledge item; an event needs a start and a place or an online link."""

    areas = StrictSlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    submit = StrictBooleanField(
        required=False, write_only=True, help_text=_("Send it for review at once")
    )

    class Meta:
        model = KnowledgeItem
        fields = [
            "kind",
            "title",
            "summary",
            "body",
            "areas",
            "source_url",
            "event_start",
            "event_end",
            "event_place",
            "event_online_url",
            "submit",
        ]


# --- Reference data: projects, cities, indicators ------------------------------------------


class ProjectListSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    cities = CitySummarySerializer(many=True, read_only=True)

    class Meta:
        model = ReferenceProject
        fields = [
            "slug",
            "url",
            "acronym",
            "name",
            "programme",
            "start_year",
            "end_year",
            "total_budget_eur",
            "eu_contribution_eur",
            "website",
            "cities",
        ]


class ProjectCitySerializer(serializers.ModelSerializer):
    city = CitySummarySerializer(read_only=True)

    class Meta:
        model = ProjectCity
        fields = ["role", "city"]


class ProjectDetailSerializer(ProjectListSerializer):
    cities = ProjectCitySerializer(source="city_roles", many=True, read_only=True)
    areas = AreaSummarySerializer(many=True, read_only=True)
    solutions = SolutionLinkSerializer(many=True, read_only=True)
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [*ProjectListSerializer.Meta.fields, "description", "areas", "solutions"]
        fields += ["measurements"]


class CityListSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    country = serializers.CharField(source="country.code", help_text=_("ISO 3166-1 alpha-2"))
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = City
        fields = [
            "slug",
            "url",
            "name",
            "country",
            "latitude",
            "longitude",
            "population",
            "population_year",
            "project_count",
        ]


class CityProjectSerializer(serializers.ModelSerializer):
    project = ProjectSummarySerializer(read_only=True)

    class Meta:
        model = ProjectCity
        fields = ["role", "project"]


class CityDetailSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    country = serializers.CharField(source="country.code", help_text=_("ISO 3166-1 alpha-2"))
    projects = CityProjectSerializer(source="project_roles", many=True, read_only=True)
    solutions = SolutionLinkSerializer(many=True, read_only=True)
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = City
        fields = [
            "slug",
            "url",
            "name",
            "country",
            "latitude",
            "longitude",
            "population",
            "population_year",
            "description",
            "projects",
            "solutions",
            "measurements",
        ]


class IndicatorListSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    area = AreaSummarySerializer(read_only=True)
    measurement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "url",
            "code",
            "name",
            "unit",
            "direction",
            "area",
            "measurement_count",
        ]


class IndicatorDetailSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    area = AreaSummarySerializer(read_only=True)
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "url",
            "code",
            "name",
            "unit",
            "direction",
            "area",
            "definition",
            "measurements",
        ]


# --- Shared plumbing ------------------------------------------------------------------------


class FilterSetParameters(DjangoFilterBackend):
    """Documents a view's FilterSet as query parameters; the view's selector applies it."""

    def filter_queryset(self, request, queryset, view):
        return queryset


class FilterSetParametersExtension(DjangoFilterExtension):
    """Documents the shared FilterSets as they behave.

    Their slug filters name the slug twice (`areas__slug` and `to_field_name="slug"`, so
    that the filter compares slugs), which the stock extension cannot follow to a field.
    """

    target_class = FilterSetParameters
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        # The stock extension leaves choices given as a callable unlisted, in case it reads
        # the database; the shared FilterSets' callables (countries) do not, so list them.
        choices = filter_field.extra.get("choices")
        if callable(choices):
            values = sorted(value for value, _label in choices())
            for parameter in parameters:
                schema = parameter["schema"]
                (schema["items"] if schema.get("type") == "array" else schema)["enum"] = values
        # An empty single choice (`?sort=`) means the default, on the pages as here.
        if isinstance(filter_field, ChoiceFilter) and not filter_field.extra.get("required"):
            for parameter in parameters:
                enum = parameter["schema"].get("enum")
                if enum and "" not in enum:
                    enum.append("")
        return parameters

    def _get_model_field(self, filter_field, model):
        path = filter_field.field_name.split("__")
        to_field_name = filter_field.extra.get("to_field_name")
        if to_field_name and path[-1] != to_field_name:
            path.append(to_field_name)
        return follow_field_source(model, path, emit_warnings=False)


def valid_filters(filterset_class, request):
    """The bound FilterSet, or a 400 naming every parameter whose value is not allowed."""
    filters = filterset_class(request.query_params)
    if not filters.is_valid():
        raise translate_validation(filters.errors)
    return filters


class CountedPagination(StrictPagination):
    """Pages a queryset whose total the selector has counted already: one query fewer."""

    def paginate_counted(self, queryset, total: int, request, view=None):
        self.django_paginator_class = functools.partial(KnownCountPaginator, count=total)
        return self.paginate_queryset(queryset, request, view)


class CanContribute(BasePermission):
    """Members only; an anonymous caller gets 401 (DRF asks for credentials first)."""

    def has_permission(self, request, view):
        return permissions.can_submit_content(request.user)


def _list_schema(summary: str, serializer, **kwargs):
    return extend_schema(
        summary=summary,
        responses={200: serializer(many=True), 404: PAGE_NOT_FOUND},
        **kwargs,
    )


class CatalogueViewSet(viewsets.GenericViewSet):
    """Reference data that is public as a whole: lists filtered like the pages, details."""

    lookup_field = "slug"
    lookup_value_regex = LOOKUP_VALUE_REGEX
    filter_backends = [FilterSetParameters]
    pagination_class = StrictPagination
    detail_serializer_class = None

    def get_serializer_class(self):
        return self.detail_serializer_class if self.action == "retrieve" else self.serializer_class

    def select_list(self, filters):
        raise NotImplementedError

    def select_detail(self, slug):
        raise NotImplementedError

    def list(self, request):
        rows = self.select_list(valid_filters(self.filterset_class, request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug):
        return Response(self.get_serializer(self.select_detail(_check_slug(slug))).data)


@extend_schema_view(
    list=_list_schema("Reference projects, filtered as on the pages", ProjectListSerializer),
    retrieve=extend_schema(summary="One reference project, with its cities and measurements"),
)
class ProjectViewSet(CatalogueViewSet):
    queryset = ReferenceProject.objects.all()
    filterset_class = ProjectFilter
    serializer_class = ProjectListSerializer
    detail_serializer_class = ProjectDetailSerializer

    def select_list(self, filters):
        return selectors.project_list(filters=filters)

    def select_detail(self, slug):
        return selectors.project_detail(slug=slug)


@extend_schema_view(
    list=_list_schema("Cities, filtered as on the pages", CityListSerializer),
    retrieve=extend_schema(summary="One city, with its projects, solutions and measurements"),
)
class CityViewSet(CatalogueViewSet):
    queryset = City.objects.all()
    filterset_class = CityFilter
    serializer_class = CityListSerializer
    detail_serializer_class = CityDetailSerializer

    def select_list(self, filters):
        return selectors.city_list(filters=filters)

    def select_detail(self, slug):
        return selectors.city_detail(slug=slug)


@extend_schema_view(
    list=_list_schema("Indicators (KPIs), filtered as on the pages", IndicatorListSerializer),
    retrieve=extend_schema(
        summary="One indicator with its measurements: baseline, target and actuals"
    ),
)
class IndicatorViewSet(CatalogueViewSet):
    queryset = Indicator.objects.all()
    filterset_class = IndicatorFilter
    serializer_class = IndicatorListSerializer
    detail_serializer_class = IndicatorDetailSerializer

    def select_list(self, filters):
        return selectors.indicator_list(filters=filters)

    def select_detail(self, slug):
        return selectors.indicator_detail(slug=slug)


class ModeratedContentViewSet(viewsets.GenericViewSet):
    """Published items for everyone; drafts and pending edits for their author and curators.

    A write to someone else's item answers 404, as for an item that does not exist, so
    that writes cannot probe for unpublished slugs either.
    """

    model = None
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_VALUE_REGEX
    filter_backends = [FilterSetParameters]
    pagination_class = StrictPagination
    summary_serializer_class = None
    own_serializer_class = None
    detail_serializer_class = None
    input_serializer_class = None

    def get_permissions(self):
        if self.action == "mine":
            return [CanContribute()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action == "list":
            return self.summary_serializer_class
        if self.action == "mine":
            return self.own_serializer_class
        if self.action in {"create", "update", "partial_update"}:
            return self.input_serializer_class
        return self.detail_serializer_class

    # What each kind of content fills in from its selectors.
    def select_list(self, filters):
        raise NotImplementedError

    def get_for_user(self, user, slug):
        raise NotImplementedError

    def own_items(self):
        raise NotImplementedError

    def prefetch_detail(self, item) -> None:
        prefetch_related_objects([item], "areas")

    def get_object(self):
        slug = _check_slug(self.kwargs[self.lookup_field])
        return self.get_for_user(self.request.user, slug)

    def list(self, request):
        rows = self.select_list(valid_filters(self.filterset_class, request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug):
        return self._detail(self.get_object())

    def create(self, request):
        data, submit = self._incoming(request)
        item = services.content_create(
            model=self.model, author=request.user, data=data, submit=submit
        )
        return self._detail(item, status_code=status.HTTP_201_CREATED)

    def update(self, request, slug, *, partial=False):
        item = self.get_object()
        if item.author_id != request.user.pk and not permissions.can_edit_item(request.user, item):
            raise Http404
        data, submit = self._incoming(request, partial=partial)
        saved = services.content_update(item=item, actor=request.user, data=data, submit=submit)
        return self._detail(saved)

    def partial_update(self, request, slug):
        return self.update(request, slug, partial=True)

    @action(detail=False, methods=["get"])
    def mine(self, request):
        page = self.paginate_queryset(self.own_items().order_by("-updated_at", "-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _incoming(self, request, *, partial=False) -> tuple[dict, bool]:
        incoming = self.get_serializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        return data, data.pop("submit", False)

    def _detail(self, item, *, status_code=status.HTTP_200_OK) -> Response:
        self.prefetch_detail(item)
        serializer = self.detail_serializer_class(item, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


def _moderated_schema(noun: str, *, summary, own, detail, incoming):
    revision_note = (
        "An edit to a published item becomes a pending revision, which is returned; the "
        "published version stays as it is until a curator approves the edit."
    )
    return extend_schema_view(
        list=_list_schema(f"Published {noun}, filtered and searched as on the pages", summary),
        retrieve=extend_schema(
            summary=f"One of the {noun} by slug",
            description="Published ones for everyone; drafts and pending edits for their "
            "author and curators only.",
        ),
        create=extend_schema(
            summary="Contribute a draft, or submit it for review at once (`submit: true`)",
            request=incoming,
            responses={201: detail},
        ),
        update=extend_schema(
            summary="Replace one of your own submissions",
            description=revision_note,
            request=incoming,
            responses=detail,
        ),
        partial_update=extend_schema(
            summary="Change one of your own submissions",
            description=revision_note,
            request=incoming,
            responses=detail,
        ),
        mine=_list_schema(f"Your own {noun}, in every state", own, filters=False),
    )


@_moderated_schema(
    "solutions",
    summary=SolutionSummarySerializer,
    own=SolutionOwnSerializer,
    detail=SolutionDetailSerializer,
    incoming=SolutionInputSerializer,
)
class SolutionViewSet(ModeratedContentViewSet):
    model = Solution
    filterset_class = SolutionFilter
    pagination_class = CountedPagination
    summary_serializer_class = SolutionSummarySerializer
    own_serializer_class = SolutionOwnSerializer
    detail_serializer_class = SolutionDetailSerializer
    input_serializer_class = SolutionInputSerializer

    def get_queryset(self):
        return selectors.published_solutions()

    def list(self, request):
        # The search counted its results already (for the facets): no COUNT query again.
        result = selectors.solution_search(filters=valid_filters(SolutionFilter, request))
        page = self.paginator.paginate_counted(result.solutions, result.total, request, self)
        prefetch_related_objects(page, "areas")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_for_user(self, user, slug):
        return selectors.get_solution_for_user(user, slug)

    def own_items(self):
        return (
            selectors.own_submissions(user=self.request.user)["solutions"]
            .select_related("provider")
            .prefetch_related("areas")
        )

    def prefetch_detail(self, item) -> None:
        prefetch_related_objects(
            [item],
            "areas",
            "tags",
            Prefetch("cities", queryset=City.objects.only("name", "slug", "country")),
            Prefetch("projects", queryset=ReferenceProject.objects.only("name", "acronym", "slug")),
        )


@_moderated_schema(
    "knowledge items",
    summary=KnowledgeSummarySerializer,
    own=KnowledgeOwnSerializer,
    detail=KnowledgeDetailSerializer,
    incoming=KnowledgeInputSerializer,
)
class KnowledgeViewSet(ModeratedContentViewSet):
    model = KnowledgeItem
    filterset_class = KnowledgeFilter
    summary_serializer_class = KnowledgeSummarySerializer
    own_serializer_class = KnowledgeOwnSerializer
    detail_serializer_class = KnowledgeDetailSerializer
    input_serializer_class = KnowledgeInputSerializer

    def get_queryset(self):
        return selectors.published_knowledge()

    def select_list(self, filters):
        return selectors.knowledge_list(filters=filters)

    def get_for_user(self, user, slug):
        return selectors.get_knowledge_for_user(user, slug)

    def own_items(self):
        return selectors.own_submissions(user=self.request.user)["knowledge"].prefetch_related(
            "areas"
        )


router = SimpleRouter()
router.register("solutions", SolutionViewSet, basename="solution")
router.register("projects", ProjectViewSet, basename="project")
router.register("cities", CityViewSet, basename="city")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("knowledge", KnowledgeViewSet, basename="knowledge")
