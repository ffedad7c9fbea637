"""Read queries shared by Explore's pages, exports and API."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Organisation
from accounts.permissions import is_curator
from explore import permissions
from explore.filters import SolutionFilter
from explore.models import (
    ActualValue,
    Area,
    City,
    CostBand,
    Indicator,
    KnowledgeItem,
    Maturity,
    Measurement,
    ProjectCity,
    PublicationStatus,
    ReferenceProject,
    Solution,
)
from explore.search import search

# Facets counted from one grouped query over these columns of Solution.
SCALAR_FACETS = {
    "country": "provider_country",
    "maturity": "maturity",
    "provider_kind": "provider_kind",
    "cost": "cost_band",
}
FACET_LABELS = {
    "maturity": dict(Maturity.choices),
    "provider_kind": dict(Organisation.Kind.choices),
    "cost": dict(CostBand.choices),
    "country": dict(countries),
}


def area_list() -> QuerySet[Area]:
    return Area.objects.all()


def areas_chosen_by(*, user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.areas_of_interest.values_list("pk", flat=True))


def published_solutions() -> QuerySet[Solution]:
    return Solution.objects.filter(status=PublicationStatus.PUBLISHED, revision_of__isnull=True)


def published_knowledge() -> QuerySet[KnowledgeItem]:
    return KnowledgeItem.objects.filter(
        status=PublicationStatus.PUBLISHED, revision_of__isnull=True
    )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


FACET_TITLES = {
    "area": _("Area"),
    "country": _("Provider country"),
    "maturity": _("Maturity"),
    "provider_kind": _("Provider kind"),
    "cost": _("Typical cost"),
}


@dataclass
class Facet:
    name: str
    values: list[FacetValue]
    # How many results there would be with this facet's choice dropped (None: no choice).
    count_without: int | None = None

    @property
    def title(self):
        return FACET_TITLES[self.name]


@dataclass
class SolutionSearchResult:
    solutions: QuerySet
    total: int
    facets: list[Facet] = field(default_factory=list)

    @property
    def relaxations(self) -> list[Facet]:
        return [facet for facet in self.facets if facet.count_without]


def solution_search(*, filters: SolutionFilter) -> SolutionSearchResult:
    """Published solutions matching a valid filter set, ranked, with counts per facet.

    Facets work as usual in shops: values within one facet are alternatives (any of
    them), facets combine with each other, and each facet's counts ignore its own choice
    so that the alternatives stay visible. Two queries give every count.
    """
    data = filters.form.cleaned_data
    text = data.get("q") or ""
    selected_areas = list(data.get("area") or [])
    scalar_choices = {name: set(data.get(name) or []) for name in SCALAR_FACETS}

    matching = search(published_solutions(), text)
    if selected_areas:
        matching = filters.filter_areas(matching, "area", selected_areas)

    groups = list(matching.order_by().values(*SCALAR_FACETS.values()).annotate(rows=Count("pk")))
    facets = _scalar_facets(groups, scalar_choices)
    total = _count_groups(groups, scalar_choices)

    narrowed = matching
    for name, column in SCALAR_FACETS.items():
        if scalar_choices[name]:
            narrowed = narrowed.filter(**{f"{column}__in": scalar_choices[name]})
    facets.insert(
        0, _area_facet(search(published_solutions(), text), scalar_choices, selected_areas)
    )

    ordered = narrowed.select_related("provider").prefetch_related(
        Prefetch("areas", queryset=Area.objects.only("name", "slug"))
    )
    return SolutionSearchResult(
        solutions=ordered.order_by(*_solution_order(data.get("sort"), text)),
        total=total,
        facets=facets,
    )


def _solution_order(sort: str | None, text: str) -> list[str]:
    if sort == "title":
        return ["title", "id"]
    if sort == "newest" or not text:
        return ["-published_at", "-id"]
    return ["-rank", "-published_at", "-id"]


def _matches(group: dict, choices: dict[str, set], *, ignore: str | None = None) -> bool:
    return all(
        not chosen or group[SCALAR_FACETS[name]] in chosen
        for name, chosen in choices.items()
        if name != ignore
    )


def _count_groups(groups, choices, *, ignore=None) -> int:
    return sum(group["rows"] for group in groups if _matches(group, choices, ignore=ignore))


def _scalar_facets(groups, choices) -> list[Facet]:
    facets = []
    for name, column in SCALAR_FACETS.items():
        counts = Counter()
        for group in groups:
            if _matches(group, choices, ignore=name) and group[column]:
                counts[group[column]] += group["rows"]
        labels = FACET_LABELS[name]
        values = [
            FacetValue(value, str(labels.get(value, value)), count, value in choices[name])
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        without = _count_groups(groups, choices, ignore=name) if choices[name] else None
        facets.append(Facet(name, values, without))
    return facets


def _area_facet(searched, scalar_choices, selected_areas) -> Facet:
    """Counts per area among results filtered by everything but the area choice."""
    base = searched
    for name, column in SCALAR_FACETS.items():
        if scalar_choices[name]:
            base = base.filter(**{f"{column}__in": scalar_choices[name]})
    rows = (
        Solution.areas.through.objects.filter(solution__in=base.values("pk"))
        .values("area__slug", "area__name", "area__position")
        .annotate(rows=Count("solution_id"))
        .order_by("area__position")
    )
    chosen = {area.slug for area in selected_areas}
    values = [
        FacetValue(row["area__slug"], row["area__name"], row["rows"], row["area__slug"] in chosen)
        for row in rows
    ]
    return Facet("area", values, base.count() if selected_areas else None)


def get_solution_for_user(user, slug: str) -> Solution:
    """The solution if the user may see it; 404 otherwise, whether or not it exists."""
    solution = get_object_or_404(
        Solution.objects.select_related("provider", "revision_of"), slug=slug
    )
    if not permissions.can_view_item(user, solution):
        raise Http404
    return solution


def solution_detail(*, solution: Solution) -> dict:
    """What a solution page shows besides the solution: where it runs and what is related."""
    projects = list(solution.projects.only("name", "acronym", "slug"))
    cities = list(solution.cities.only("name", "slug", "country"))
    areas = list(solution.areas.all())
    related = list(
        published_solutions()
        .filter(areas__in=areas)
        .exclude(pk=solution.pk)
        .annotate(shared=Count("areas"))
        .order_by("-shared", "-published_at")
        .only("title", "slug", "summary")[:5]
    )
    return {"projects": projects, "cities": cities, "areas": areas, "related": related}


def project_list(*, filters) -> QuerySet[ReferenceProject]:
    return filters.qs.order_by("acronym").prefetch_related(
        Prefetch("cities", queryset=City.objects.only("name", "slug", "country"))
    )


def project_detail(*, slug: str) -> ReferenceProject:
    return get_object_or_404(
        ReferenceProject.objects.prefetch_related(
            Prefetch("city_roles", queryset=ProjectCity.objects.select_related("city")),
            Prefetch("solutions", queryset=published_solutions().only("title", "slug", "summary")),
            Prefetch("measurements", queryset=_measurements()),
            "areas",
        ),
        slug=slug,
    )


def city_list(*, filters) -> QuerySet[City]:
    return filters.qs.annotate(project_count=Count("projects", distinct=True)).order_by("name")


def city_detail(*, slug: str) -> City:
    return get_object_or_404(
        City.objects.prefetch_related(
            Prefetch("project_roles", queryset=ProjectCity.objects.select_related("project")),
            Prefetch("solutions", queryset=published_solutions().only("title", "slug", "summary")),
            Prefetch("measurements", queryset=_measurements()),
        ),
        slug=slug,
    )


def _measurements() -> QuerySet[Measurement]:
    return Measurement.objects.select_related("indicator", "city", "project").prefetch_related(
        Prefetch("actuals", queryset=ActualValue.objects.order_by("year"))
    )


def indicator_list(*, filters) -> QuerySet[Indicator]:
    return (
        filters.qs.select_related("area")
        .annotate(measurement_count=Count("measurements"))
        .order_by("code")
    )


def indicator_detail(*, slug: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("area").prefetch_related(
            Prefetch("measurements", queryset=_measurements())
        ),
        slug=slug,
    )


def knowledge_list(*, filters) -> QuerySet[KnowledgeItem]:
    text = filters.form.cleaned_data.get("q") or ""
    items = search(filters.qs.filter(pk__in=published_knowledge().values("pk")), text)
    order = ["-rank", "-published_at", "-id"] if text else ["-published_at", "-id"]
    return items.prefetch_related("areas").order_by(*order)


def get_knowledge_for_user(user, slug: str) -> KnowledgeItem:
    item = get_object_or_404(KnowledgeItem, slug=slug)
    if not permissions.can_view_item(user, item):
        raise Http404
    return item


def own_submissions(*, user) -> dict:
    return {
        "solutions": Solution.objects.filter(author=user).select_related("revision_of"),
        "knowledge": KnowledgeItem.objects.filter(author=user).select_related("revision_of"),
    }


def moderation_queue(*, user) -> dict:
    if not is_curator(user):
        return {"solutions": Solution.objects.none(), "knowledge": KnowledgeItem.objects.none()}
    pending = {"status": PublicationStatus.PENDING}
    return {
        "solutions": Solution.objects.filter(**pending).select_related("author", "revision_of"),
        "knowledge": KnowledgeItem.objects.filter(**pending).select_related(
            "author", "revision_of"
        ),
    }


SITE_SEARCH_LIMIT = 5


def site_search(*, text: str) -> dict:
    """A few of the best hits of every kind of content, for the site-wide search page."""
    if not text:
        return {}
    solutions = search(published_solutions(), text).order_by("-rank", "-id")
    knowledge = search(published_knowledge(), text).order_by("-rank", "-id")
    projects = ReferenceProject.objects.filter(
        Q(name__icontains=text) | Q(acronym__icontains=text) | Q(description__icontains=text)
    )
    cities = City.objects.filter(name__icontains=text)
    indicators = Indicator.objects.filter(Q(name__icontains=text) | Q(code__icontains=text))
    return {
        "solutions": list(solutions.only("title", "slug", "summary")[:SITE_SEARCH_LIMIT]),
        "projects": list(projects.only("name", "acronym", "slug")[:SITE_SEARCH_LIMIT]),
        "cities": list(cities.only("name", "slug", "country")[:SITE_SEARCH_LIMIT]),
        "indicators": list(indicators.only("code", "name", "slug")[:SITE_SEARCH_LIMIT]),
        "knowledge": list(knowledge.only("title", "slug", "summary", "kind")[:SITE_SEARCH_LIMIT]),
    }
