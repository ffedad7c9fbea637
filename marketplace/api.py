"""What every app's API shares: pagination and how domain errors become responses."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.errors import DomainError, NotAllowed, StateConflict

# Any text up to the next slash reaches the views, so a malformed id gets the API's JSON 404
# rather than the site's HTML one; whole_id() then refuses it before the database sees it.
LOOKUP_VALUE_REGEX = "[^/]+"
WHOLE_ID = re.compile(r"[0-9]{1,18}")


def whole_id(raw: str) -> int:
    """An id from a URL: a whole number the database can hold, or a 404."""
    if not WHOLE_ID.fullmatch(str(raw)):
        raise Http404
    return int(raw)


PAGE_NOT_FOUND = OpenApiResponse(
    inline_serializer("PageNotFound", {"detail": serializers.CharField()}),
    description="A page number past the end",
)


class DefaultPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class StrictPagination(DefaultPagination):
    """`page` and `page_size` must be whole numbers: anything else is a 400, not ignored.

    (DRF reads an empty or unreadable `page_size` as the default, and `page=last` as the
    last page; the schema promises integers, so the API keeps to that.)
    """

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch("[0-9]{1,3}", raw) or not 1 <= int(raw) <= self.max_page_size:
            message = _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise serializers.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not re.fullmatch("[0-9]+", raw):
            message = _("A whole number from 1.")
            raise serializers.ValidationError({self.page_query_param: [message]})
        # Past the end all the same (a 404), without parsing a thousand digits.
        return int(raw) if len(raw) < 19 else 10**18

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true and false: 0, 1 or "yes" are errors, as the schema promises."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    """Only JSON strings: a number is an error, not quietly turned into text."""

    default_error_messages = {"invalid": _("Must be a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The schema's maxLength counts what was sent; DRF would count it after trimming.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """Only JSON whole numbers: "12" and 12.0 are errors."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated fields accept only the JSON types the schema shows,
    and that refuses fields it does not take (such as `status`): a client that thinks it set
    one hears otherwise, instead of seeing it dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                refused = _("This field cannot be set here.")
                raise serializers.ValidationError({name: [refused] for name in unknown})
        return super().to_internal_value(data)

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictCharField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
    }


def exception_handler(error, context):
    if isinstance(error, DomainError):
        return Response(_error_body(error), status=_domain_status(error))
    if isinstance(error, DjangoValidationError):
        body = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(error, context)


def _domain_status(error: DomainError) -> int:
    if isinstance(error, StateConflict):
        return status.HTTP_409_CONFLICT
    if isinstance(error, NotAllowed):
        return status.HTTP_403_FORBIDDEN
    return status.HTTP_400_BAD_REQUEST


def _error_body(error: DomainError) -> dict:
    if error.field:
        return {error.field: [error.message]}
    return {"detail": error.message}
