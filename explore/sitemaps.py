"""Explore's public pages for search engines: every published solution and knowledge item,
every project, city and indicator, and the lists. Drafts and pending items never appear.

Each section is read by primary key, only the slug (and the time of the last change);
Django splits a section into pages of 50,000 under the index."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from explore.models import City, Indicator, ReferenceProject, Tag
from explore.selectors import published_knowledge, published_solutions

LIST_PAGES = [
    "explore:index",
    "explore:solution-list",
    "explore:project-list",
    "explore:city-list",
    "explore:indicator-list",
    "explore:knowledge-list",
    "explore:map",
]


class ListPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return LIST_PAGES

    def location(self, item):
        return reverse(item)


class Changing:
    """For rows that keep the time of their last change: search engines revisit those first."""

    limit = 10_000  # entries per sitemap page: a page stays quick to build at any scale

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate instead of Django's reading every row's time.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class SolutionSitemap(Changing, Sitemap):
    def items(self):
        return published_solutions().only("slug", "updated_at").order_by("pk")


class KnowledgeSitemap(Changing, Sitemap):
    def items(self):
        return published_knowledge().only("slug", "updated_at").order_by("pk")


class ProjectSitemap(Changing, Sitemap):
    def items(self):
        return ReferenceProject.objects.only("slug", "updated_at").order_by("pk")


class TagSitemap(Sitemap):
    def items(self):
        # A tag page lists published solutions only; a tag on none of them leads nowhere.
        tagged = Tag.objects.filter(solutions__in=published_solutions()).distinct()
        return tagged.only("slug").order_by("pk")


class CitySitemap(Sitemap):
    def items(self):
        return City.objects.only("slug").order_by("pk")


class IndicatorSitemap(Sitemap):
    def items(self):
        return Indicator.objects.only("slug").order_by("pk")


SITEMAPS = {
    "explore": ListPagesSitemap,
    "solutions": SolutionSitemap,
    "projects": ProjectSitemap,
    "cities": CitySitemap,
    "indicators": IndicatorSitemap,
    "knowledge": KnowledgeSitemap,
    "tags": TagSitemap,
}
