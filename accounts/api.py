from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import Organisation, User
from marketplace.api import StrictBooleanField, StrictCharField


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
