"""Explore's public pages: lists with search and facets, detail pages, site-wide search."""

import hashlib
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from explore import selectors
from explore.filters import (
    MAX_QUERY_LENGTH,
    CityFilter,
    IndicatorFilter,
    KnowledgeFilter,
    ProjectFilter,
    SiteSearchForm,
    SolutionFilter,
)
from marketplace.pagination import KnownCountPaginator

PAGE_SIZE = 20


def page_of(request: HttpRequest, items, *, count: int | None = None):
    """The requested page; 404 for a page past the end or a page that is not a number."""
    paginator = (
        KnownCountPaginator(items, PAGE_SIZE, count=count)
        if count is not None
        else Paginator(items, PAGE_SIZE)
    )
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None


def query_was_shortened(request: HttpRequest) -> bool:
    return len(request.GET.get("q", "")) > MAX_QUERY_LENGTH


def index(request: HttpRequest) -> HttpResponse:
    context = {
        "areas": selectors.area_list(),
        "latest_solutions": selectors.with_area_names(
            selectors.published_solutions().select_related("provider").order_by("-published_at")[:6]
        ),
        "latest_knowledge": selectors.published_knowledge().order_by("-published_at")[:4],
        "upcoming_events": selectors.upcoming_events(limit=3),
    }
    return render(request, "explore/index.html", context)


def site_search(request: HttpRequest) -> HttpResponse:
    template = "explore/search.html"
    form = SiteSearchForm(request.GET)
    context = {"form": form, "shortened": query_was_shortened(request)}
    if not form.is_valid():
        return render(request, template, context, status=400)
    text = form.cleaned_data["q"]
    found = selectors.site_search(text=text)
    sections = [
        FoundSection(
            kind, heading, reverse(list_name), more % {"total": found[kind].total}, found[kind]
        )
        for kind, heading, list_name, more in SITE_SEARCH_SECTIONS
        if found.get(kind) and found[kind].total
    ]
    context |= {"query": text, "sections": sections}
    return render(request, template, context)


@dataclass(frozen=True)
class FoundSection:
    kind: str
    heading: str
    list_url: str
    more: str  # the link to the list, when it holds more than the section shows
    found: selectors.SiteSearchSection

    @property
    def has_more(self) -> bool:
        return self.found.total > len(self.found.rows)


# Each kind of content: its heading, its list, and the link to all its matches.
SITE_SEARCH_SECTIONS = [
    (
        "solutions",
        _("Solutions"),
        "explore:solution-list",
        ngettext_lazy(
            "All %(total)s matching solution", "All %(total)s matching solutions", "total"
        ),
    ),
    (
        "projects",
        _("Reference projects"),
        "explore:project-list",
        ngettext_lazy("All %(total)s matching project", "All %(total)s matching projects", "total"),
    ),
    (
        "cities",
        _("Cities"),
        "explore:city-list",
        ngettext_lazy("All %(total)s matching city", "All %(total)s matching cities", "total"),
    ),
    (
        "indicators",
        _("Indicators"),
        "explore:indicator-list",
        ngettext_lazy(
            "All %(total)s matching indicator", "All %(total)s matching indicators", "total"
        ),
    ),
    (
        "knowledge",
        _("Knowledge"),
        "explore:knowledge-list",
        ngettext_lazy(
            "All %(total)s matching knowledge item",
            "All %(total)s matching knowledge items",
            "total",
        ),
    ),
]


def solution_list(request: HttpRequest) -> HttpResponse:
    template = "explore/solution_list.html"
    context = {"shortened": query_was_shortened(request)}
    version = selectors.catalogue_version()
    key = version and f"explore:solution-list:{version}:{_page_variant(request)}"
    # Only a valid search is ever cached, so a cached one needs no validating again.
    fragments = cache.get(key) if key else None
    if fragments is None:
        filters = SolutionFilter(request.GET)
        context["filters"] = filters
        if not filters.is_valid():
            context["search_fragments"] = _search_fragments(request, context)
            return render(request, template, context, status=400)
        result = selectors.solution_search(filters=filters, version=version)
        page = page_of(request, result.solutions, count=result.total)
        page.object_list = selectors.with_area_names(page.object_list, areas=result.areas)
        search_context = {**context, "result": result, "page": page, "querystring": request.GET}
        fragments = _search_fragments(request, search_context)
        if key:
            cache.set(key, fragments, CACHED_HTML_SECONDS)
    return render(request, template, {**context, "search_fragments": fragments})


def _search_fragments(request: HttpRequest, context: dict) -> dict[str, str]:
    """The facets and the results as HTML: the same for everyone making the same search."""
    return {
        part: render_to_string(f"explore/partials/_solution_{part}.html", context, request)
        for part in ("facets", "results")
    }


def solution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    template = "explore/solution_detail.html"
    page_key = _visitor_page_key(request)
    if page_key and (html := cache.get(page_key)) is not None:
        return _with_own_csrf_token(request, html)
    solution = selectors.get_solution_for_user(request.user, slug)
    context = {"solution": solution, "detail": selectors.solution_detail(solution=solution)}
    if page_key is None:
        return render(request, template, context)
    html = render_to_string(template, context, request=request)
    cache.set(page_key, CSRF_TOKEN_INPUT.sub(csrf_input("csrf-token"), html), CACHED_HTML_SECONDS)
    return HttpResponse(html)


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_detail(slug=slug)
    page = page_of(request, selectors.solutions_tagged(tag=tag))
    page.object_list = selectors.with_area_names(page.object_list)
    return render(request, "explore/tag_detail.html", {"tag": tag, "page": page})


# Rendered HTML is filed under the catalogue version, which any change to a published
# solution renews; names shown from other tables (providers, cities, projects, areas) may
# lag by this long, as the detail page's fragment cache always allowed.
CACHED_HTML_SECONDS = 600
# What Django's {% csrf_token %} renders: the cached page keeps a placeholder instead of
# the first visitor's token, and each visitor gets their own token put back in.
CSRF_TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def csrf_input(token: str) -> str:
    return f'name="csrfmiddlewaretoken" value="{token}"'


def _visitor_page_key(request: HttpRequest) -> str | None:
    """A cache key for this page as any signed-out visitor sees it; None when not cacheable.

    Not for signed-in users (their name, links and notifications are on the page), not
    while a message waits to be shown, and not where the catalogue version is unknown.
    """
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    version = selectors.catalogue_version()
    if version is None:
        return None
    return f"explore:visitor-page:{version}:{_page_variant(request)}"


def _page_variant(request: HttpRequest) -> str:
    """The language and the full path: what makes one rendering differ from another."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{translation.get_language()}:{path}"


def _with_own_csrf_token(request: HttpRequest, html: str) -> HttpResponse:
    # get_token also makes the CSRF middleware set the cookie that this token matches.
    token = get_token(request)
    return HttpResponse(html.replace(csrf_input("csrf-token"), csrf_input(token)))


def _filtered_list(request, filter_class, select, template):
    filters = filter_class(request.GET)
    if not filters.is_valid():
        return render(request, template, {"filters": filters}, status=400)
    page = page_of(request, select(filters=filters))
    return render(request, template, {"filters": filters, "page": page})


def project_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request, ProjectFilter, selectors.project_list, "explore/project_list.html"
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_detail(slug=slug)
    return render(request, "explore/project_detail.html", {"project": project})


def city_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(request, CityFilter, selectors.city_list, "explore/city_list.html")


def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    city = selectors.city_detail(slug=slug)
    return render(request, "explore/city_detail.html", {"city": city})


def indicator_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request, IndicatorFilter, selectors.indicator_list, "explore/indicator_list.html"
    )


def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = selectors.indicator_detail(slug=slug)
    return render(request, "explore/indicator_detail.html", {"indicator": indicator})


def knowledge_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request, KnowledgeFilter, selectors.knowledge_list, "explore/knowledge_list.html"
    )


def knowledge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.get_knowledge_for_user(request.user, slug)
    context = {
        "item": item,
        "areas": list(item.areas.all()),
        "related": selectors.related_knowledge(item=item),
    }
    return render(request, "explore/knowledge_detail.html", context)
