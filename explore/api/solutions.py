"""Solutions in the API: the published catalogue, searched as on the pages, and members' own."""

import functools

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api import OrganisationSummarySerializer
from accounts.models import Organisation
from accounts.permissions import is_curator
from explore import selectors
from explore.api.common import (
    AreaSummarySerializer,
    CitySummarySerializer,
    PageUrlField,
    ProjectSummarySerializer,
    StrictSlugRelatedField,
    TagSummarySerializer,
)
from explore.api.filtering import valid_filters
from explore.api.moderated import ModeratedContentViewSet, moderated_schema
from explore.filters import SolutionFilter
from explore.models import Area, City, ReferenceProject, Solution, Tag
from marketplace.api import StrictBooleanField, StrictModelSerializer, StrictPagination
from marketplace.pagination import KnownCountPaginator


class SolutionSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    provider = OrganisationSummarySerializer(read_only=True, allow_null=True)
    areas = AreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Solution
        fields = [
            "slug",
            "url",
            "title",
            "summary",
            "maturity",
            "cost_min_eur",
            "cost_max_eur",
            "cost_band",
            "provider",
            "areas",
            "published_at",
        ]


class SolutionOwnSerializer(SolutionSummarySerializer):
    """A submission as its author follows it: where it stands in moderation."""

    revision_of = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta(SolutionSummarySerializer.Meta):
        fields = [*SolutionSummarySerializer.Meta.fields, "status", "revision_of", "updated_at"]


class SolutionDetailSerializer(SolutionOwnSerializer):
    tags = TagSummarySerializer(many=True, read_only=True)
    provider_country = serializers.CharField(source="provider_country.code")
    image = serializers.ImageField(read_only=True, allow_null=True)
    projects = ProjectSummarySerializer(many=True, read_only=True, help_text=_("Deployed in"))
    cities = CitySummarySerializer(many=True, read_only=True, help_text=_("Deployed in"))

    class Meta(SolutionOwnSerializer.Meta):
        fields = [
            *SolutionOwnSerializer.Meta.fields,
            "body",
            "tags",
            "provider_kind",
            "provider_country",
            "replication_notes",
            "contact_name",
            "contact_email",
            "image",
            "projects",
            "cities",
        ]


class SolutionInputSerializer(StrictModelSerializer):
    """A member's solution; relations are named by slug, the provider by organisation slug."""

    provider = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Your own organisation's slug"),
    )
    areas = StrictSlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    tags = StrictSlugRelatedField(
        slug_field="slug", queryset=Tag.objects.all(), many=True, required=False
    )
    cities = StrictSlugRelatedField(
        slug_field="slug", queryset=City.objects.all(), many=True, required=False
    )
    submit = StrictBooleanField(
        required=False, write_only=True, help_text=_("Send it for review at once")
    )

    class Meta:
        model = Solution
        fields = [
            "title",
            "summary",
            "body",
            "maturity",
            "provider",
            "cost_min_eur",
            "cost_max_eur",
            "replication_notes",
            "contact_name",
            "contact_email",
            "areas",
            "tags",
            "cities",
            "submit",
        ]

    def validate_provider(self, organisation):
        # Members speak for their own organisation only; curators fix attributions.
        user = self.context["request"].user
        if organisation and organisation.pk != user.organisation_id and not is_curator(user):
            raise serializers.ValidationError(_("Name your own organisation as the provider."))
        return organisation


class CountedPagination(StrictPagination):
    """Pages a queryset whose total the selector has counted already: one query fewer."""

    def paginate_counted(self, queryset, total: int, request, view=None):
        self.django_paginator_class = functools.partial(KnownCountPaginator, count=total)
        return self.paginate_queryset(queryset, request, view)


@moderated_schema(
    "solutions",
    summary=SolutionSummarySerializer,
    own=SolutionOwnSerializer,
    detail=SolutionDetailSerializer,
    incoming=SolutionInputSerializer,
)
class SolutionViewSet(ModeratedContentViewSet):
    model = Solution
    filterset_class = SolutionFilter
    pagination_class = CountedPagination
    summary_serializer_class = SolutionSummarySerializer
    own_serializer_class = SolutionOwnSerializer
    detail_serializer_class = SolutionDetailSerializer
    input_serializer_class = SolutionInputSerializer

    def get_queryset(self):
        return selectors.published_solutions()

    def list(self, request):
        # The search counted its results already (for the facets): no COUNT query again.
        result = selectors.solution_search(filters=valid_filters(SolutionFilter, request))
        page = self.paginator.paginate_counted(result.solutions, result.total, request, self)
        prefetch_related_objects(page, "areas")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_for_user(self, user, slug):
        return selectors.get_solution_for_user(user, slug)

    def own_items(self):
        return (
            selectors.own_submissions(user=self.request.user)["solutions"]
            .select_related("provider")
            .prefetch_related("areas")
        )

    def prefetch_detail(self, item) -> None:
        prefetch_related_objects(
            [item],
            "areas",
            "tags",
            Prefetch("cities", queryset=City.objects.only("name", "slug", "country")),
            Prefetch("projects", queryset=ReferenceProject.objects.only("name", "acronym", "slug")),
        )
