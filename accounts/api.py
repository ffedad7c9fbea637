from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts import selectors, services
from accounts.models import Notification, NotificationKind, Organisation, User
from marketplace.api import (
    LOOKUP_VALUE_REGEX,
    PAGE_NOT_FOUND,
    StrictBooleanField,
    StrictCharField,
    StrictPagination,
    whole_id,
)


class OrganisationSummarySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "country", "verified"]


class MeOutputSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(allow_null=True)
    roles = serializers.SerializerMethodField()
    areas_of_interest = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "organisation",
            "organisation_confirmed",
            "roles",
            "areas_of_interest",
            "listed_in_directories",
        ]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)


class MeInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=150, required=False, allow_blank=False)
    listed_in_directories = StrictBooleanField(required=False)


@extend_schema(
    methods=["GET"], responses=MeOutputSerializer, summary="The signed-in member's profile"
)
@extend_schema(
    methods=["PATCH"],
    request=MeInputSerializer,
    responses=MeOutputSerializer,
    summary="Change the signed-in member's name or directory listing",
)
@api_view(["GET", "PATCH"])
@permission_classes([IsAuthenticated])
def me(request: Request) -> Response:
    user = selectors.user_with_roles(user_id=request.user.pk)
    if request.method == "PATCH":
        incoming = MeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.profile_update(
            user=user,
            name=incoming.validated_data.get("name", user.name),
            listed_in_directories=incoming.validated_data.get(
                "listed_in_directories", user.listed_in_directories
            ),
            roles=list(user.roles),
        )
    return Response(MeOutputSerializer(user).data)


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class NotificationQuerySerializer(serializers.Serializer):
    """The list's filters; an empty or unknown value is a 400, never silently ignored."""

    unread = serializers.ChoiceField(
        choices=["true", "false"],
        required=False,
        help_text="true: only unread notifications; false: only read ones",
    )
    kind = serializers.ChoiceField(choices=NotificationKind.choices, required=False)


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="The signed-in member's notifications, newest first",
        parameters=[NotificationQuerySerializer],
        responses={200: NotificationSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(summary="One of the signed-in member's notifications"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Only ever the caller's own notifications; anyone else's id is a 404."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    queryset = Notification.objects.none()

    lookup_value_regex = LOOKUP_VALUE_REGEX

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        query = NotificationQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        if "unread" in query.validated_data:
            queryset = queryset.filter(read_at__isnull=query.validated_data["unread"] == "true")
        if "kind" in query.validated_data:
            queryset = queryset.filter(kind=query.validated_data["kind"])
        return queryset

    def get_object(self) -> Notification:
        notification = self.get_queryset().filter(pk=whole_id(self.kwargs["pk"])).first()
        if notification is None:
            raise Http404
        return notification

    @extend_schema(request=None, responses=NotificationSerializer, summary="Mark one as read")
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk=None) -> Response:
        notification = self.get_object()
        services.notifications_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedReadSerializer, summary="Mark all as read")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = services.notifications_mark_read(user=request.user)
        return Response({"marked_read": marked})


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
