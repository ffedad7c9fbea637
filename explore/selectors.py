"""Read queries shared by Explore's pages, exports and API."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
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
from explore.search import search, uses_postgres

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
    so that the alternatives stay visible. One query counts every facet. When the words
    match nothing, the search is tried again forgiving misspellings.
    """
    facets, total = solution_facets(filters=filters)
    fuzzy = False
    if total == 0 and filters.form.cleaned_data.get("q") and uses_postgres():
        fuzzy = True
        facets, total = solution_facets(filters=filters, fuzzy=True)
    return SolutionSearchResult(
        solutions=solution_matches(filters=filters, fuzzy=fuzzy),
        total=total,
        facets=facets,
    )


def solution_matches(*, filters: SolutionFilter, fuzzy: bool = False) -> QuerySet[Solution]:
    """The matching solutions in display order, with what a list shows and no more."""
    data = filters.form.cleaned_data
    text = data.get("q") or ""
    matching = search(published_solutions(), text, fuzzy=fuzzy)
    for name, column in SCALAR_FACETS.items():
        if data.get(name):
            matching = matching.filter(**{f"{column}__in": data[name]})
    matching = filters.filter_areas(matching, "area", data.get("area"))
    return (
        matching.select_related("provider")
        .defer("body", "replication_notes", "search_vector")
        .order_by(*_solution_order(data.get("sort"), text))
    )


FACET_GROUPINGS = [*SCALAR_FACETS.items(), ("area", "area_mask")]


def solution_facets(*, filters: SolutionFilter, fuzzy: bool = False) -> tuple[list[Facet], int]:
    """Counts for every facet value and the total, from one SQL statement.

    Each count's FILTER clause applies every choice but its own facet's. PostgreSQL
    groups the matches by every facet in one pass (GROUPING SETS, served from the covering
    facet index when there are no search words); elsewhere one grouped SELECT per facet
    over a common table expression gives the same rows.
    """
    data = filters.form.cleaned_data
    matches = (
        search(published_solutions(), data.get("q") or "", fuzzy=fuzzy)
        .order_by()
        .values(*SCALAR_FACETS.values(), "area_mask")
    )
    matches_sql, matches_params = matches.query.sql_with_params()
    conditions = _facet_conditions(data)
    build = _grouping_sets_sql if uses_postgres() else _union_sql
    sql, params = build(matches_sql, list(matches_params), conditions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if build is _grouping_sets_sql:
        rows = _facet_rows_from_grouping_sets(rows)
    return _facets_from_rows(rows, data)


def _grouping_sets_sql(matches_sql: str, matches_params: list, conditions: dict):
    """One pass over the matches: a row per facet value, tagged with its facet's name."""
    counts, label_cases, params = [], [], []
    for name, _column in [*FACET_GROUPINGS, ("total", None)]:
        where, where_params = _all_conditions_but(conditions, None if name == "total" else name)
        counts.append(f"COUNT(*) FILTER (WHERE {where})")
        params += where_params
    params += matches_params  # the subquery comes after the counts in the statement
    select_counts = ", ".join(counts)
    for name, column in FACET_GROUPINGS:
        label_cases.append(f"WHEN GROUPING({column}) = 0 THEN '{name}'")
    columns = ", ".join(column for _name, column in FACET_GROUPINGS)
    sets = ", ".join(f"({column})" for _name, column in FACET_GROUPINGS)
    # Names and conditions are ours; the user's values travel as parameters.
    sql = (
        f"SELECT CASE {' '.join(label_cases)} ELSE 'total' END, {columns}, {select_counts} "  # noqa: S608
        f"FROM ({matches_sql}) AS matches GROUP BY GROUPING SETS ({sets}, ())"
    )
    return sql, params


def _union_sql(matches_sql: str, params: list, conditions: dict):
    selects = []
    for name, column in [*FACET_GROUPINGS, ("total", None)]:
        where, where_params = _all_conditions_but(conditions, None if name == "total" else name)
        selects.append(_count_select(column, where))
        params += [name, *where_params]
    sql = f"WITH matches AS ({matches_sql}) " + " UNION ALL ".join(selects)  # noqa: S608
    return sql, params


def _facet_rows_from_grouping_sets(rows) -> list[tuple[str, str, int]]:
    """(facet, value, count) from the wide rows of the GROUPING SETS statement."""
    names = [name for name, _column in FACET_GROUPINGS]
    facet_rows = []
    for row in rows:
        facet, values, counts = row[0], row[1 : 1 + len(names)], row[1 + len(names) :]
        if facet == "total":
            facet_rows.append(("total", "", counts[-1]))
        else:
            index = names.index(facet)
            value = values[index]
            facet_rows.append((facet, "" if value is None else str(value), counts[index]))
    return facet_rows


def _count_select(column: str | None, where: str) -> str:
    # Column names come from SCALAR_FACETS and conditions from _facet_conditions: only
    # placeholders carry the user's values.
    value = f"CAST({column} AS TEXT)" if column else "''"
    group = f" GROUP BY {column}" if column else ""
    return f"SELECT %s, {value}, COUNT(*) FILTER (WHERE {where}) FROM matches{group}"  # noqa: S608


def _facet_conditions(data: dict) -> dict[str, tuple[str, list]]:
    """SQL for each facet that has a choice: the column must hold one of the chosen values."""
    conditions = {}
    for name, column in SCALAR_FACETS.items():
        chosen = list(data.get(name) or [])
        if chosen:
            placeholders = ", ".join(["%s"] * len(chosen))
            conditions[name] = (f"{column} IN ({placeholders})", chosen)
    if data.get("area"):
        conditions["area"] = ("(area_mask & %s) <> 0", [Area.mask_of(data["area"])])
    return conditions


def _all_conditions_but(conditions: dict, facet: str | None) -> tuple[str, list]:
    kept = [condition for name, condition in conditions.items() if name != facet]
    if not kept:
        return "1 = 1", []
    return " AND ".join(sql for sql, _params in kept), [p for _sql, ps in kept for p in ps]


def _facets_from_rows(rows, data: dict) -> tuple[list[Facet], int]:
    counts = {name: Counter() for name in [*SCALAR_FACETS, "area", "total"]}
    for facet, value, count in rows:
        counts[facet][value] += count
    total = counts["total"][""]
    facets = [_area_facet(counts["area"], data)]
    for name in SCALAR_FACETS:
        chosen = set(data.get(name) or [])
        labels = FACET_LABELS[name]
        values = [
            FacetValue(value, str(labels.get(value, value)), count, value in chosen)
            for value, count in sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
            if value and count
        ]
        facets.append(Facet(name, values, sum(counts[name].values()) if chosen else None))
    return facets, total


def _area_facet(counts_by_mask: Counter, data: dict) -> Facet:
    chosen = {area.pk for area in data.get("area") or []}
    per_area = Counter()
    for mask, count in counts_by_mask.items():
        for bit in _bits(int(mask)):
            per_area[bit] += count
    values = [
        FacetValue(area.slug, area.name, per_area[area.bit], area.pk in chosen)
        for area in area_list()
        if per_area[area.bit]
    ]
    return Facet("area", values, sum(counts_by_mask.values()) if chosen else None)


def _bits(mask: int):
    bit = 0
    while mask:
        if mask & 1:
            yield bit
        mask >>= 1
        bit += 1


def with_area_names(solutions) -> list[Solution]:
    """Attach `listed_areas` to each solution from its area bits, without a query per row."""
    solutions = list(solutions)
    by_bit = {area.bit: area for area in area_list()}
    for solution in solutions:
        solution.listed_areas = [by_bit[bit] for bit in _bits(solution.area_mask) if bit in by_bit]
    return solutions


def _solution_order(sort: str | None, text: str) -> list[str]:
    if sort == "title":
        return ["title", "id"]
    if sort == "newest" or not text:
        return ["-published_at", "-id"]
    return ["-rank", "-published_at", "-id"]


def get_solution_for_user(user, slug: str) -> Solution:
    """The solution if the user may see it; 404 otherwise, whether or not it exists."""
    solution = get_object_or_404(
        Solution.objects.select_related("provider", "revision_of"), slug=slug
    )
    if not permissions.can_view_item(user, solution):
        raise Http404
    return solution


RELATED_CANDIDATES = 50


class SolutionPage:
    """What a solution page shows besides the solution, loaded only when first used.

    The page caches its rendered body, so on a cache hit none of these queries run.
    """

    def __init__(self, solution: Solution):
        self.solution = solution

    @cached_property
    def projects(self):
        return list(self.solution.projects.only("name", "acronym", "slug"))

    @cached_property
    def cities(self):
        return list(self.solution.cities.only("name", "slug", "country"))

    @cached_property
    def areas(self):
        return with_area_names([self.solution])[0].listed_areas

    @cached_property
    def related(self):
        return related_solutions(solution=self.solution)


def solution_detail(*, solution: Solution) -> SolutionPage:
    return SolutionPage(solution)


def related_solutions(*, solution: Solution, limit: int = 5) -> list[Solution]:
    """Recent solutions sharing the most areas with this one.

    Only the newest candidates that share any area are compared, so the page stays fast
    however many thousands of solutions share a popular area.
    """
    if not solution.area_mask:
        return []
    candidates = list(
        published_solutions()
        .alias(shared=F("area_mask").bitand(solution.area_mask))
        .filter(shared__gt=0)
        .exclude(pk=solution.pk)
        .order_by("-published_at", "-id")
        .only("title", "slug", "summary", "area_mask", "published_at")[:RELATED_CANDIDATES]
    )
    candidates.sort(key=lambda other: -(other.area_mask & solution.area_mask).bit_count())
    return candidates[:limit]


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
