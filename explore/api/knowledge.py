"""Knowledge items in the API: publications, guides and events that members contribute."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from explore import selectors
from explore.api.common import AreaSummarySerializer, PageUrlField, StrictSlugRelatedField
from explore.api.moderated import ModeratedContentViewSet, moderated_schema
from explore.filters import KnowledgeFilter
from explore.models import Area, KnowledgeItem
from marketplace.api import StrictBooleanField, StrictModelSerializer


class KnowledgeSummarySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    areas = AreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = KnowledgeItem
        fields = [
            "slug",
            "url",
            "kind",
            "title",
            "summary",
            "areas",
            "source_url",
            "event_start",
            "event_end",
            "event_place",
            "event_online_url",
            "published_at",
        ]


class KnowledgeOwnSerializer(KnowledgeSummarySerializer):
    revision_of = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta(KnowledgeSummarySerializer.Meta):
        fields = [*KnowledgeSummarySerializer.Meta.fields, "status", "revision_of", "updated_at"]


class KnowledgeDetailSerializer(KnowledgeOwnSerializer):
    class Meta(KnowledgeOwnSerializer.Meta):
        fields = [*KnowledgeOwnSerializer.Meta.fields, "body"]


class KnowledgeInputSerializer(StrictModelSerializer):
    """A member's knowledge item; an event needs a start and a place or an online link."""

    areas = StrictSlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    submit = StrictBooleanField(
        required=False, write_only=True, help_text=_("Send it for review at once")
    )

    class Meta:
        model = KnowledgeItem
        fields = [
            "kind",
            "title",
            "summary",
            "body",
            "areas",
            "source_url",
            "event_start",
            "event_end",
            "event_place",
            "event_online_url",
            "submit",
        ]


@moderated_schema(
    "knowledge items",
    summary=KnowledgeSummarySerializer,
    own=KnowledgeOwnSerializer,
    detail=KnowledgeDetailSerializer,
    incoming=KnowledgeInputSerializer,
)
class KnowledgeViewSet(ModeratedContentViewSet):
    model = KnowledgeItem
    filterset_class = KnowledgeFilter
    summary_serializer_class = KnowledgeSummarySerializer
    own_serializer_class = KnowledgeOwnSerializer
    detail_serializer_class = KnowledgeDetailSerializer
    input_serializer_class = KnowledgeInputSerializer

    def get_queryset(self):
        return selectors.published_knowledge()

    def select_list(self, filters):
        return selectors.knowledge_list(filters=filters)

    def get_for_user(self, user, slug):
        return selectors.get_knowledge_for_user(user, slug)

    def own_items(self):
        return selectors.own_submissions(user=self.request.user)["knowledge"].prefetch_related(
            "areas"
        )
