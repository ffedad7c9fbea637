"""What every app's API shares: pagination and how domain errors become responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.errors import DomainError, NotAllowed, StateConflict


class DefaultPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(error, context):
    if isinstance(error, DomainError):
        return Response(_error_body(error), status=_domain_status(error))
    if isinstance(error, DjangoValidationError):
        return Response({"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)
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
