"""What Explore's API endpoints share, and what other apps' APIs build on.

Small nested summaries that link to the HTML pages, relations named by slug, the slug
check every lookup passes, and the list schema with its past-the-end 404.
"""

import re

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS

from explore.models import (
    ActualValue,
    Area,
    City,
    Indicator,
    Measurement,
    ReferenceProject,
    Solution,
    Tag,
)
from marketplace.api import PAGE_NOT_FOUND

# LOOKUP_VALUE_REGEX lets any text reach the views; they refuse anything but a slug before
# it reaches the database (PostgreSQL rejects NUL characters with an error, not a miss).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def check_slug(slug: str) -> str:
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


# --- Relations named by slug --------------------------------------------------------------


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


def list_schema(summary: str, serializer, **kwargs):
    return extend_schema(
        summary=summary,
        responses={200: serializer(many=True), 404: PAGE_NOT_FOUND},
        **kwargs,
    )
