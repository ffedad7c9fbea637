"""Explore's public pages: lists with search and facets, detail pages, site-wide search."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from explore import selectors
from explore.filters import (
    MAX_QUERY_LENGTH,
    CityFilter,
    IndicatorFilter,
    KnowledgeFilter,
    ProjectFilter,
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
    }
    return render(request, "explore/index.html", context)


def site_search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {
        "query": text,
        "results": selectors.site_search(text=text),
        "shortened": query_was_shortened(request),
    }
    return render(request, "explore/search.html", context)


def solution_list(request: HttpRequest) -> HttpResponse:
    filters = SolutionFilter(request.GET)
    context = {"filters": filters, "shortened": query_was_shortened(request)}
    if not filters.is_valid():
        return render(request, "explore/solution_list.html", context, status=400)
    result = selectors.solution_search(filters=filters)
    page = page_of(request, result.solutions, count=result.total)
    page.object_list = selectors.with_area_names(page.object_list)
    context.update(
        result=result,
        page=page,
        querystring=request.GET.copy(),
    )
    return render(request, "explore/solution_list.html", context)


def solution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    solution = selectors.get_solution_for_user(request.user, slug)
    context = {"solution": solution, "detail": selectors.solution_detail(solution=solution)}
    return render(request, "explore/solution_detail.html", context)


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
    return render(request, "explore/knowledge_detail.html", {"item": item})
