"""Investor profiles and matches in the API.

Profiles: the list holds what the caller may see (members: profiles open to members and
those matched with their plans; a fund's own investors: their profile; curators: all). A
fund's confirmed investors create and change its profile here. Matches are read-only and
scoped like the pages: investors see their fund's, promoters their plans', curators all.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api import OrganisationSummarySerializer
from deal import permissions, selectors
from deal.models import InvestorKind, InvestorProfile, Match
from deal.services import matches as services
from explore.api import LOOKUP_VALUE_REGEX, PAGE_NOT_FOUND, StrictSlugRelatedField
from explore.models import Area
from marketplace.api import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictPagination,
    whole_id,
)
from marketplace.errors import StateConflict
from shape.models import MAX_AMOUNT_EUR, Instrument, ProjectPlan, Stage

ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


# --- Investor profiles ----------------------------------------------------------------------


class InvestorProfileSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    instruments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices), read_only=True
    )

    class Meta:
        model = InvestorProfile
        fields = [
            "id",
            "organisation",
            "kind",
            "ticket_min_eur",
            "ticket_max_eur",
            "instruments",
            "areas",
            "eu_wide",
            "countries",
            "stages",
            "min_bankability",
            "exclusions",
            "visibility",
            "is_active",
            "updated_at",
        ]
        read_only_fields = fields


class InvestorProfileInputSerializer(serializers.Serializer):
    """A profile's fields: instruments by code, areas by slug, countries as ISO codes."""

    kind = serializers.ChoiceField(choices=InvestorKind.choices)
    ticket_min_eur = StrictIntegerField(min_value=0, max_value=MAX_AMOUNT_EUR)
    ticket_max_eur = StrictIntegerField(
        min_value=0, max_value=MAX_AMOUNT_EUR, help_text=_("At least the smallest ticket")
    )
    instruments = StrictSlugRelatedField(
        slug_field="code", queryset=Instrument.objects.all(), many=True, required=False
    )
    areas = StrictSlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    eu_wide = StrictBooleanField(required=False)
    countries = serializers.ListField(
        child=serializers.ChoiceField(choices=list(countries)),
        required=False,
        max_length=300,
        help_text=_("Needed unless eu_wide is true"),
    )
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices), min_length=1, max_length=10
    )
    min_bankability = StrictIntegerField(min_value=0, max_value=100, required=False)
    exclusions = StrictCharField(required=False, allow_blank=True, max_length=5000)
    visibility = serializers.ChoiceField(choices=InvestorProfile.Visibility.choices, required=False)
    is_active = StrictBooleanField(required=False)

    def validate(self, attrs):
        low, high = attrs.get("ticket_min_eur"), attrs.get("ticket_max_eur")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {"ticket_max_eur": [_("The largest ticket cannot be below the smallest.")]}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary="The investor profiles you may see",
        responses={200: InvestorProfileSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One investor profile",
        parameters=[ID_PARAMETER],
        responses=InvestorProfileSerializer,
    ),
    create=extend_schema(
        summary="Create your organisation's profile (its confirmed investors)",
        request=InvestorProfileInputSerializer,
        responses={
            201: InvestorProfileSerializer,
            409: OpenApiResponse(
                inline_serializer("ProfileExists", {"detail": serializers.CharField()}),
                description="The organisation has a profile already: change it instead",
            ),
        },
    ),
    partial_update=extend_schema(
        summary="Change your organisation's profile (its confirmed investors)",
        parameters=[ID_PARAMETER],
        request=InvestorProfileInputSerializer,
        responses={200: InvestorProfileSerializer},
    ),
)
class InvestorProfileViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    lookup_value_regex = LOOKUP_VALUE_REGEX
    serializer_class = InvestorProfileSerializer
    queryset = InvestorProfile.objects.none()  # every action selects its own rows
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return InvestorProfileInputSerializer
        return InvestorProfileSerializer

    def list(self, request):
        page = self.paginate_queryset(selectors.profiles_visible_to(request.user))
        return self.get_paginated_response(InvestorProfileSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        return self._detail(selectors.get_profile_for_user(request.user, whole_id(pk)))

    def create(self, request):
        organisation = request.user.organisation
        # Refuse before reading the body: what a non-investor sends does not matter.
        if organisation is None or not permissions.can_keep_investor_profile(
            request.user, organisation
        ):
            raise PermissionDenied
        if InvestorProfile.objects.filter(organisation=organisation).exists():
            raise StateConflict(_("Your organisation has a profile already: change it instead."))
        data = self._incoming(request)
        profile = services.investor_profile_save(
            organisation=organisation, actor=request.user, data=data
        )
        return self._detail(profile, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        profile = selectors.get_profile_for_user(request.user, whole_id(pk))
        if not permissions.can_keep_investor_profile(request.user, profile.organisation):
            raise PermissionDenied
        data = self._incoming(request, partial=True)
        low = data.get("ticket_min_eur", profile.ticket_min_eur)
        high = data.get("ticket_max_eur", profile.ticket_max_eur)
        if high < low:
            raise serializers.ValidationError(
                {"ticket_max_eur": [_("The largest ticket cannot be below the smallest.")]}
            )
        profile = services.investor_profile_save(
            organisation=profile.organisation, actor=request.user, data=data
        )
        return self._detail(profile)

    def _incoming(self, request, *, partial=False) -> dict:
        incoming = InvestorProfileInputSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        return dict(incoming.validated_data)

    def _detail(self, profile, *, status_code=status.HTTP_200_OK) -> Response:
        profile = selectors.profiles_visible_to(self.request.user).get(pk=profile.pk)
        return Response(InvestorProfileSerializer(profile).data, status=status_code)


# --- Matches --------------------------------------------------------------------------------


class MatchPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectPlan
        fields = ["id", "title", "stage", "funding_sought_eur", "bankability_score"]


class MatchProfileSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = InvestorProfile
        fields = ["id", "organisation", "kind"]


class MatchSerializer(serializers.ModelSerializer):
    plan = MatchPlanSerializer(read_only=True)
    profile = MatchProfileSerializer(read_only=True)
    score = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, read_only=True
    )
    parts = serializers.DictField(
        child=serializers.FloatField(),
        read_only=True,
        help_text=_(
            "How well each criterion fits, 0-1: areas, geography, ticket, instruments, "
            "stage, bankability"
        ),
    )
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Match
        fields = ["id", "plan", "profile", "score", "parts", "reasons", "computed_at"]
        read_only_fields = fields


class MatchQuerySerializer(serializers.Serializer):
    """The filters of the match list; the pages' "Plans for you" filters are the same."""

    plan = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    profile = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    area = serializers.SlugField(required=False, max_length=120, help_text=_("An area's slug"))
    country = serializers.ChoiceField(choices=list(countries), required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    instrument = serializers.SlugField(
        required=False, max_length=40, help_text=_("An instrument's code")
    )
    min_score = serializers.DecimalField(
        required=False, max_digits=4, decimal_places=1, min_value=0, max_value=100
    )


@extend_schema_view(
    list=extend_schema(
        summary="Matches you may see: your fund's, your plans', or (curators) all",
        parameters=[MatchQuerySerializer],
        responses={200: MatchSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One match with the parts of its score and why",
        parameters=[ID_PARAMETER],
        responses=MatchSerializer,
    ),
)
class MatchViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = StrictPagination
    lookup_value_regex = LOOKUP_VALUE_REGEX
    serializer_class = MatchSerializer
    queryset = Match.objects.none()

    def list(self, request):
        # A plain dict, so that an empty value is refused as the schema says (DRF reads an
        # empty form value as "not given").
        query = MatchQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        rows = selectors.matches_filtered(
            selectors.matches_visible_to(request.user), query.validated_data
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MatchSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        match = selectors.matches_visible_to(request.user).filter(pk=whole_id(pk)).first()
        if match is None:
            raise Http404
        return Response(MatchSerializer(match).data)
