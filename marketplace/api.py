"""What every app's API shares: pagination and how domain errors become responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.errors import DomainError, NotAllowed, StateConflict


class DefaultPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


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
    """A ModelSerializer whose generated fields accept only the JSON types the schema shows."""

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
