"""The latest published knowledge as an Atom feed, for feed readers."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from explore.models import Area
from explore.selectors import published_knowledge

FEED_ITEMS = 30


class KnowledgeFeed(Feed):
    feed_type = Atom1Feed
    title = _("Smart Cities Marketplace: news, insights, stories, guidance and events")
    subtitle = _("The latest knowledge published in Explore.")
    link = reverse_lazy("explore:knowledge-list")

    def items(self):
        areas = Prefetch("areas", queryset=Area.objects.only("name"))
        latest = published_knowledge().prefetch_related(areas).order_by("-published_at", "-pk")
        return latest[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display(), *(area.name for area in item.areas.all())]
