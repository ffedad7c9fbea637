"""Deal rooms in the API: the caller's rooms and each room's message thread.

A room the caller is not a party to (nor a curator) answers 404, like a room that does not
exist; posting to a room whose outcome is recorded answers 409.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from deal import selectors
from deal.models import DealRoom, RoomMessage
from deal.services import rooms as services
from explore.api import LOOKUP_VALUE_REGEX, PAGE_NOT_FOUND, StrictPagination
from marketplace.api import StrictCharField, whole_id
from shape.models import ProjectPlan


class RoomPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectPlan
        fields = ["id", "title"]


class DealRoomSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id", read_only=True)
    plan = RoomPlanSerializer(source="request.plan", read_only=True)
    investor = serializers.CharField(
        source="request.profile.organisation.name",
        read_only=True,
        help_text="The financing organisation on the other side of the plan's team",
    )
    outcome = serializers.ChoiceField(choices=DealRoom.Outcome.choices, read_only=True)
    closed_instrument = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = DealRoom
        fields = [
            "id",
            "request",
            "plan",
            "investor",
            "outcome",
            "closed_amount_eur",
            "closed_instrument",
            "closed_on",
            "not_pursued_reason",
            "outcome_recorded_at",
            "created_at",
        ]
        read_only_fields = fields


class RoomMessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = RoomMessage
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = fields


class RoomMessageInputSerializer(serializers.Serializer):
    body = StrictCharField(max_length=services.MAX_MESSAGE_LENGTH)


ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
ROOM_CLOSED = OpenApiResponse(
    inline_serializer("DealRoomClosed", {"detail": serializers.CharField()}),
    description="The outcome of the deal is recorded: the room takes no new messages",
)


@extend_schema_view(
    list=extend_schema(
        summary="The deal rooms you are a party to (curators: all)",
        responses={200: DealRoomSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One deal room", parameters=[ID_PARAMETER], responses=DealRoomSerializer
    ),
)
class DealRoomViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    lookup_value_regex = LOOKUP_VALUE_REGEX
    serializer_class = DealRoomSerializer
    queryset = DealRoom.objects.none()  # every action selects the caller's own rows

    def get_serializer_class(self):
        if self.action == "messages" and self.request.method == "POST":
            return RoomMessageInputSerializer
        if self.action == "messages":
            return RoomMessageSerializer
        return DealRoomSerializer

    def get_object(self) -> DealRoom:
        return selectors.get_room_for_user(self.request.user, whole_id(self.kwargs["pk"]))

    def list(self, request):
        page = self.paginate_queryset(selectors.rooms_for_user(request.user))
        return self.get_paginated_response(DealRoomSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(DealRoomSerializer(self.get_object()).data)

    @extend_schema(
        methods=["GET"],
        summary="The room's messages, oldest first",
        parameters=[ID_PARAMETER],
        responses={200: RoomMessageSerializer(many=True), 404: PAGE_NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a message to the room (its two parties)",
        parameters=[ID_PARAMETER],
        request=RoomMessageInputSerializer,
        responses={201: RoomMessageSerializer, 409: ROOM_CLOSED},
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk):
        room = self.get_object()
        if request.method == "POST":
            incoming = RoomMessageInputSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            message = services.room_message_post(
                room=room, author=request.user, body=incoming.validated_data["body"]
            )
            return Response(RoomMessageSerializer(message).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.room_messages(room))
        return self.get_paginated_response(RoomMessageSerializer(page, many=True).data)
