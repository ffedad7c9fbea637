"""The pages' FilterSets in the API: documented as query parameters, applied by selectors.

Lists take the same filters as the pages (the FilterSets of `explore.filters`, applied by
the same selectors), and an unknown filter value is a 400 naming the parameter, never a
silently wider result.
"""

from django_filters import ChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import follow_field_source


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
