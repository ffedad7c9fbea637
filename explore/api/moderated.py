"""The viewset that solutions and knowledge items share: members submit, curators review.

`api/solutions.py` and `api/knowledge.py` fill in its selectors and serializers, and
describe it with `moderated_schema()`.
"""

from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from explore import permissions, services
from explore.api.common import check_slug, list_schema
from explore.api.filtering import FilterSetParameters, valid_filters
from marketplace.api import LOOKUP_VALUE_REGEX, StrictPagination


class CanContribute(BasePermission):
    """Members only; an anonymous caller gets 401 (DRF asks for credentials first)."""

    def has_permission(self, request, view):
        return permissions.can_submit_content(request.user)


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
        slug = check_slug(self.kwargs[self.lookup_field])
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


def moderated_schema(noun: str, *, summary, own, detail, incoming):
    revision_note = (
        "An edit to a published item becomes a pending revision, which is returned; the "
        "published version stays as it is until a curator approves the edit."
    )
    return extend_schema_view(
        list=list_schema(f"Published {noun}, filtered and searched as on the pages", summary),
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
        mine=list_schema(f"Your own {noun}, in every state", own, filters=False),
    )
