import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts import selectors, services
from accounts.models import Notification, NotificationKind, Organisation, User
from marketplace.api import StrictBooleanField, StrictCharField, StrictPagination


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


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", label="Only unread ones")
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="The signed-in member's notifications, newest first"),
    retrieve=extend_schema(summary="One of the signed-in member's notifications"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Only ever the caller's own notifications; anyone else's id is a 404."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

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
