"""Clusters' API: clusters and initiatives (public where public), joining and leaving,
member lists scoped to the caller, and coordinators' decisions on membership requests.

Members-only discussions and documents are not exposed here at all.
"""

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api import OrganisationSummarySerializer
from clusters import permissions, selectors
from clusters.models import ActionCluster, Initiative, InitiativeStatus, Membership
from clusters.services import initiatives as initiative_services
from clusters.services import memberships as membership_services
from explore.api import (
    LOOKUP_VALUE_REGEX,
    PAGE_NOT_FOUND,
    AreaSummarySerializer,
    PageUrlField,
    ProjectSummarySerializer,
    SolutionLinkSerializer,
    StrictSlugRelatedField,
)
from explore.selectors import published_solutions
from marketplace.api import StrictCharField, StrictPagination

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,220}")
REQUEST_ID = re.compile(r"[0-9]{1,18}")


def _slug(raw: str) -> str:
    if not SLUG.fullmatch(raw):
        raise Http404
    return raw


# --- Output ---------------------------------------------------------------------------------


class ClusterSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = ActionCluster
        fields = ["slug", "name", "url"]


class ClusterSerializer(serializers.ModelSerializer):
    areas = AreaSummarySerializer(many=True, read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    initiative_count = serializers.IntegerField(
        read_only=True, help_text=_("Active initiatives it leads")
    )
    url = PageUrlField()

    class Meta:
        model = ActionCluster
        fields = [
            "slug",
            "name",
            "summary",
            "description",
            "areas",
            "join_policy",
            "member_count",
            "initiative_count",
            "url",
        ]


class InitiativeSerializer(serializers.ModelSerializer):
    lead_cluster = ClusterSummarySerializer(read_only=True)
    lead_organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)
    url = PageUrlField()

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "name",
            "status",
            "lead_cluster",
            "lead_organisation",
            "description",
            "goals",
            "join_policy",
            "member_count",
            "created_at",
            "url",
        ]


class InitiativeDetailSerializer(InitiativeSerializer):
    solutions = serializers.SerializerMethodField()
    reference_projects = ProjectSummarySerializer(many=True, read_only=True)

    class Meta(InitiativeSerializer.Meta):
        fields = [*InitiativeSerializer.Meta.fields, "solutions", "reference_projects"]

    @staticmethod
    def _published(initiative):
        return published_solutions().filter(pk__in=initiative.solutions.values("pk"))

    @extend_schema_field(SolutionLinkSerializer(many=True))
    def get_solutions(self, initiative):
        rows = self._published(initiative).only("slug", "title")
        return SolutionLinkSerializer(rows, many=True, context=self.context).data


class DirectoryEntrySerializer(serializers.Serializer):
    name = serializers.CharField(source="user.__str__")
    organisation = OrganisationSummarySerializer(source="user.organisation", allow_null=True)
    role = serializers.ChoiceField(choices=Membership._meta.get_field("role").choices)


class MembershipSerializer(serializers.ModelSerializer):
    group = serializers.SerializerMethodField()
    person = serializers.CharField(source="user.__str__", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "group",
            "person",
            "email",
            "role",
            "status",
            "message",
            "requested_at",
            "decided_at",
            "decision_reason",
        ]

    def get_group(self, membership) -> str:
        return membership.group.slug


# --- Input ----------------------------------------------------------------------------------


class JoinInputSerializer(serializers.Serializer):
    message = StrictCharField(required=False, allow_blank=True, max_length=500)


class DecisionInputSerializer(serializers.Serializer):
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Needed to reject; sent to the person"),
    )


class ProposalInputSerializer(serializers.Serializer):
    lead_cluster = StrictSlugRelatedField(slug_field="slug", queryset=ActionCluster.objects.all())
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, max_length=10_000)
    goals = StrictCharField(required=False, allow_blank=True, max_length=10_000)


# --- Views ----------------------------------------------------------------------------------

REFUSED = OpenApiResponse(
    inline_serializer("ClusterStateConflict", {"detail": serializers.CharField()}),
    description="Decided already, or a member already",
)
SLUG_PARAMETER = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class GroupActions:
    """Join, leave and the member lists, shared by clusters and initiatives."""

    def _incoming(self, request, serializer_class) -> dict:
        incoming = serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        return dict(incoming.validated_data)

    def _join(self, request, group):
        message = self._incoming(request, JoinInputSerializer).get("message", "")
        membership = membership_services.membership_request(
            group=group, user=request.user, message=message
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def _leave(self, request, group):
        membership = membership_services.membership_leave(group=group, user=request.user)
        return Response(MembershipSerializer(membership).data)

    def _members(self, group):
        page = self.paginate_queryset(selectors.member_directory(group=group))
        return self.get_paginated_response(DirectoryEntrySerializer(page, many=True).data)

    def _memberships(self, request, group):
        """Coordinators and curators see every row; anyone else only their own."""
        if permissions.can_manage_members(request.user, group):
            rows = selectors.memberships_of_group(group=group, user=request.user)
        else:
            rows = Membership.objects.filter(
                user=request.user, **membership_services.group_filter(group)
            )
        rows = rows.select_related("user", "cluster", "initiative").order_by("-requested_at", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)


def _group_action_schemas(kind: str):
    return {
        "join": extend_schema(
            summary=f"Join the {kind}, or ask to where a coordinator approves members",
            parameters=[SLUG_PARAMETER],
            request=JoinInputSerializer,
            responses={201: MembershipSerializer, 409: REFUSED},
        ),
        "leave": extend_schema(
            summary=f"Leave the {kind}, or withdraw a pending request",
            parameters=[SLUG_PARAMETER],
            request=None,
            responses={200: MembershipSerializer, 409: REFUSED},
        ),
        "members": extend_schema(
            summary=f"The {kind}'s member directory: those who chose to be listed",
            parameters=[SLUG_PARAMETER],
            responses={200: DirectoryEntrySerializer(many=True), 404: PAGE_NOT_FOUND},
        ),
        "memberships": extend_schema(
            summary=f"Membership rows of the {kind}: all for its coordinators and curators, "
            "your own for anyone else",
            parameters=[SLUG_PARAMETER],
            responses={200: MembershipSerializer(many=True), 404: PAGE_NOT_FOUND},
        ),
    }


@extend_schema_view(
    list=extend_schema(
        summary="The action clusters",
        responses={200: ClusterSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(summary="One action cluster", parameters=[SLUG_PARAMETER]),
    **_group_action_schemas("cluster"),
)
class ClusterViewSet(GroupActions, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = StrictPagination
    serializer_class = ClusterSerializer
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_VALUE_REGEX
    queryset = ActionCluster.objects.none()

    def get_permissions(self):
        if self.action == "memberships":
            return [IsAuthenticated()]
        return super().get_permissions()

    def _cluster(self) -> ActionCluster:
        return selectors.get_cluster(_slug(self.kwargs["slug"]))

    def list(self, request):
        page = self.paginate_queryset(selectors.cluster_list())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug):
        cluster = selectors.cluster_list().filter(slug=_slug(slug)).first()
        if cluster is None:
            raise Http404
        return Response(self.get_serializer(cluster).data)

    @action(detail=True, methods=["post"])
    def join(self, request, slug):
        return self._join(request, self._cluster())

    @action(detail=True, methods=["post"])
    def leave(self, request, slug):
        return self._leave(request, self._cluster())

    @action(detail=True, methods=["get"])
    def members(self, request, slug):
        return self._members(self._cluster())

    @action(detail=True, methods=["get"])
    def memberships(self, request, slug):
        return self._memberships(request, self._cluster())


@extend_schema_view(
    list=extend_schema(
        summary="Initiatives: active and closed ones, and the proposals you may see",
        parameters=[
            OpenApiParameter("cluster", OpenApiTypes.STR, description="A lead cluster's slug"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=InitiativeStatus.values),
        ],
        responses={200: InitiativeSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One initiative",
        parameters=[SLUG_PARAMETER],
        responses=InitiativeDetailSerializer,
    ),
    create=extend_schema(
        summary="Propose an initiative (members); a curator accepts or declines it",
        request=ProposalInputSerializer,
        responses={201: InitiativeDetailSerializer},
    ),
    **_group_action_schemas("initiative"),
)
class InitiativeViewSet(GroupActions, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = StrictPagination
    serializer_class = InitiativeSerializer
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_VALUE_REGEX
    queryset = Initiative.objects.none()

    def get_permissions(self):
        if self.action == "memberships":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action == "create":
            return ProposalInputSerializer
        if self.action == "retrieve":
            return InitiativeDetailSerializer
        return InitiativeSerializer

    def _initiative(self) -> Initiative:
        return selectors.get_initiative_for_user(self.request.user, _slug(self.kwargs["slug"]))

    def list(self, request):
        rows = selectors.initiative_list(user=request.user)
        cluster = request.query_params.get("cluster")
        if cluster is not None:
            valid = SLUG.fullmatch(cluster)
            rows = rows.filter(lead_cluster__slug=cluster) if valid else rows.none()
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in InitiativeStatus.values:
                raise serializers.ValidationError({"status": [_("Not a known status.")]})
            rows = rows.filter(status=wanted)
        page = self.paginate_queryset(rows.order_by("name", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug):
        return self._detail(self._initiative())

    def create(self, request):
        if not permissions.can_propose_initiative(request.user):
            raise PermissionDenied
        incoming = self._incoming(request, ProposalInputSerializer)
        initiative = initiative_services.initiative_propose(actor=request.user, **incoming)
        return self._detail(initiative, status_code=status.HTTP_201_CREATED)

    def _detail(self, initiative, *, status_code=status.HTTP_200_OK) -> Response:
        initiative = (
            selectors.initiative_list(user=self.request.user)
            .prefetch_related("reference_projects")
            .get(pk=initiative.pk)
        )
        body = InitiativeDetailSerializer(initiative, context=self.get_serializer_context()).data
        return Response(body, status=status_code)

    @action(detail=True, methods=["post"])
    def join(self, request, slug):
        return self._join(request, self._initiative())

    @action(detail=True, methods=["post"])
    def leave(self, request, slug):
        return self._leave(request, self._initiative())

    @action(detail=True, methods=["get"])
    def members(self, request, slug):
        return self._members(self._initiative())

    @action(detail=True, methods=["get"])
    def memberships(self, request, slug):
        return self._memberships(request, self._initiative())


@extend_schema_view(
    list=extend_schema(
        summary="Membership requests you may decide on (coordinators and curators)",
        responses={200: MembershipSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(summary="One membership request", parameters=[ID_PARAMETER]),
    approve=extend_schema(
        summary="Approve a request (the group's coordinators and curators)",
        parameters=[ID_PARAMETER],
        request=DecisionInputSerializer,
        responses={200: MembershipSerializer, 409: REFUSED},
    ),
    reject=extend_schema(
        summary="Reject a request, saying why (the group's coordinators and curators)",
        parameters=[ID_PARAMETER],
        request=DecisionInputSerializer,
        responses={200: MembershipSerializer, 409: REFUSED},
    ),
)
class MembershipRequestViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    serializer_class = MembershipSerializer
    lookup_value_regex = LOOKUP_VALUE_REGEX
    queryset = Membership.objects.none()

    def get_serializer_class(self):
        if self.action in ("approve", "reject"):
            return DecisionInputSerializer
        return MembershipSerializer

    def _request(self) -> Membership:
        raw = self.kwargs["pk"]
        if not REQUEST_ID.fullmatch(raw):
            raise Http404
        return selectors.get_request_for_user(self.request.user, int(raw))

    def list(self, request):
        page = self.paginate_queryset(selectors.pending_requests(user=request.user))
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(MembershipSerializer(self._request()).data)

    def _reason(self, request) -> str:
        incoming = DecisionInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return incoming.validated_data.get("reason", "")

    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        membership = self._request()
        decided = membership_services.membership_approve(
            membership=membership, actor=request.user, reason=self._reason(request)
        )
        return Response(MembershipSerializer(decided).data)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        membership = self._request()
        decided = membership_services.membership_reject(
            membership=membership, actor=request.user, reason=self._reason(request)
        )
        return Response(MembershipSerializer(decided).data)


router = SimpleRouter()
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("membership-requests", MembershipRequestViewSet, basename="membership-request")
