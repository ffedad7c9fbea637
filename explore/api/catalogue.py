"""Reference data in the API: projects, cities and indicators, public as a whole."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from explore import selectors
from explore.api.common import (
    AreaSummarySerializer,
    CitySummarySerializer,
    MeasurementSerializer,
    PageUrlField,
    ProjectSummarySerializer,
    SolutionLinkSerializer,
    check_slug,
    list_schema,
)
from explore.api.filtering import FilterSetParameters, valid_filters
from explore.filters import CityFilter, IndicatorFilter, ProjectFilter
from explore.models import City, Indicator, ProjectCity, ReferenceProject
from marketplace.api import LOOKUP_VALUE_REGEX, StrictPagination


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
    # Older than `measurements`, and kept for the clients that read it.
    measurement_count = serializers.IntegerField(read_only=True)
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
            "measurement_count",
            "measurements",
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
        return Response(self.get_serializer(self.select_detail(check_slug(slug))).data)


@extend_schema_view(
    list=list_schema("Reference projects, filtered as on the pages", ProjectListSerializer),
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
    list=list_schema("Cities, filtered as on the pages", CityListSerializer),
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
    list=list_schema(
        "Indicators (KPIs) with their measurements, filtered as on the pages",
        IndicatorListSerializer,
    ),
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
        return selectors.indicators_with_measurements(filters=filters)

    def select_detail(self, slug):
        return selectors.indicator_detail(slug=slug)
