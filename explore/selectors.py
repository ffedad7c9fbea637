"""Read queries shared by Explore's pages, exports and API."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Organisation
from accounts.permissions import is_curator
from explore import permissions
from explore.bitmaps import facet_rows_from_bitmaps
from explore.facets import SCALAR_FACETS, bits_of, chosen_facet_values
from explore.few_matches import Match, facet_rows_of, few_matches, ordered_ids
from explore.filters import (
    CITY_TEXT_FIELDS,
    INDICATOR_TEXT_FIELDS,
    PROJECT_TEXT_FIELDS,
    SolutionFilter,
    every_word_in,
)
from explore.models import (
    ActualValue,
    Area,
    CatalogueVersion,
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
    SolutionSearchEntry,
    Tag,
    events_on_at,
)
from explore.search import SEARCH_CONFIG, is_one_word, search, uses_postgres

FACET_LABELS = {
    "maturity": dict(Maturity.choices),
    "provider_kind": dict(Organisation.Kind.choices),
    "cost": dict(CostBand.choices),
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

    # Values listed at first, the most frequent; the others are one click away.
    shown = 15

    @property
    def more_count(self) -> int:
        return max(len(self.values) - self.shown, 0)

    @property
    def chosen_among_more(self) -> bool:
        """Whether a value past the first `shown` is chosen: the rest then opens."""
        return any(value.selected for value in self.values[self.shown :])


@dataclass
class SolutionSearchResult:
    solutions: "QuerySet[Solution] | SearchPage | SolutionsInOrder"
    total: int
    facets: list[Facet] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    # No solution holds the words; these are titles with similar words (misspellings).
    approximate: bool = False

    @property
    def relaxations(self) -> list[Facet]:
        return [facet for facet in self.facets if facet.count_without]


@dataclass(frozen=True)
class MatchCounts:
    """What one grouped statement counted: (facet, value, count) rows, and how it matched."""

    rows: list[tuple[str, str, int]]
    fuzzy: bool
    few: "list[Match] | None" = None  # every match, when there are few (explore.few_matches)


VERSION_UNREAD = object()


def solution_search(*, filters: SolutionFilter, version=VERSION_UNREAD) -> SolutionSearchResult:
    """Published solutions matching a valid filter set, ranked, with counts per facet.

    Facets work as usual in shops: values within one facet are alternatives (any of
    them), facets combine with each other, and each facet's counts ignore its own choice
    so that the alternatives stay visible. One query counts every facet, and its result is
    cached under the catalogue version, so it is counted again only after the published
    catalogue changed. When the words match nothing, the search is tried again forgiving
    misspellings. `version`: the catalogue version, when the caller has read it already.
    """
    data = filters.form.cleaned_data
    if version is VERSION_UNREAD:
        version = catalogue_version()
    cache_key = _search_cache_key(data, version)
    counts = _cached(cache_key and f"{cache_key}:counts", lambda: _count_matches(data))
    areas = list(area_list())
    facets, totals = _facets_from_rows(counts.rows, data, areas)
    return SolutionSearchResult(
        solutions=_solution_page(filters, counts, totals, cache_key=cache_key),
        total=totals["total"],
        facets=facets,
        areas=areas,
        approximate=counts.fuzzy,
    )


SEARCH_CACHE_SECONDS = 24 * 3600  # a new catalogue version makes entries unreachable anyway


def catalogue_version() -> int | None:
    """The published catalogue's current version; None when it is not tracked (not PostgreSQL)."""
    if not uses_postgres():
        return None
    # Read by every list and detail request, cached or not: a plain statement spares the
    # ORM's compiling, which took longer than the read itself.
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


CATALOGUE_VERSION_SQL = f"SELECT version FROM {CatalogueVersion._meta.db_table} WHERE id = 1"  # noqa: S608


def _search_cache_key(data: dict, version: int | None) -> str | None:
    """A key naming this search (words and facet choices) in this catalogue version.

    None when the catalogue version is unknown: then nothing is cached.
    """
    if version is None:
        return None
    choices = {name: sorted(values) for name, values in chosen_facet_values(data).items()}
    described = json.dumps([data.get("q") or "", choices], sort_keys=True)
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"explore:solution-search:{version}:{digest}"


def _cached(key: str | None, compute):
    if key is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SEARCH_CACHE_SECONDS)
    return value


def _count_matches(data: dict) -> MatchCounts:
    if _uses_search_table(data, fuzzy=False):
        few = few_matches(data["q"])
        if few == []:  # the words are in no solution: perhaps they are misspelt
            return MatchCounts(solution_facet_rows(data=data, fuzzy=True), fuzzy=True)
        if few is not None:
            return MatchCounts(facet_rows_of(few, data), fuzzy=False, few=few)
    rows = facet_rows_from_bitmaps(data)
    if rows is None:
        rows = solution_facet_rows(data=data)
    if _portable_words_in_no_solution(data, rows):
        return MatchCounts(solution_facet_rows(data=data, fuzzy=True), fuzzy=True)
    return MatchCounts(rows, fuzzy=False)


def _portable_words_in_no_solution(data: dict, rows: list[tuple[str, str, int]]) -> bool:
    """Whether no published solution holds the words, whatever the facet choices; off
    PostgreSQL only (there `few_matches` tells). Read only when nothing matched the choices."""
    text = data.get("q")
    if not text or uses_postgres():
        return False
    total = sum(count for facet, _value, count in rows if facet == "total")
    return total == 0 and words_in_no_solution(text)


def words_in_no_solution(text: str) -> bool:
    """Whether no published solution holds these words as written: perhaps they are misspelt."""
    return not search(published_solutions(), text).exists()


def _uses_search_table(data: dict, fuzzy: bool) -> bool:
    return bool(data.get("q")) and uses_postgres() and not fuzzy


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def _facet_filtered(queryset: QuerySet, filters: SolutionFilter) -> QuerySet:
    data = filters.form.cleaned_data
    for name, column in SCALAR_FACETS.items():
        if data.get(name):
            queryset = queryset.filter(**{f"{column}__in": data[name]})
    return filters.filter_areas(queryset, "area", data.get("area"))


def _solution_page(
    filters: SolutionFilter, counts: MatchCounts, totals: dict, *, cache_key: str | None
):
    data = filters.form.cleaned_data
    if counts.few is not None:
        return SolutionsInOrder(ordered_ids(counts.few, data, data.get("sort")))
    if not _uses_search_table(data, counts.fuzzy):
        return solution_matches(filters=filters, fuzzy=counts.fuzzy)
    text = data["q"]
    query = _search_query(text)
    entries = _page_entries(filters, search_vector=query)
    sort = data.get("sort")
    page = partial(SearchPage, total=totals["total"], cache_key=cache_key and f"{cache_key}:{sort}")
    if sort == "title":
        return page(entries.order_by("title", "solution_id"))
    if sort == "newest":
        return page(entries.order_by("-published_at", "-solution_id"))
    if not is_one_word(text):
        return page(_ranked(entries, query))
    # For one word, ts_rank puts every row with the word in its title (weight A: a rank of
    # at least 1/1.64) above every row without it (at most 0.4), so pages within the title
    # matches need to rank only those. (A title match is a match of the whole vector.)
    title_matches = _ranked(_page_entries(filters, title_vector=query), query)
    return page(_ranked(entries, query), first=title_matches, first_total=totals["title"])


def _page_entries(filters: SolutionFilter, **match) -> QuerySet[SolutionSearchEntry]:
    """Search table rows matching `match` and the facet choices."""
    entries = SolutionSearchEntry.objects.filter(**match)
    choices = _facet_tokens_query(filters.form.cleaned_data)
    if choices:
        entries = entries.filter(
            RawSQL(f"{FACET_VECTOR} @@ %s::tsquery", [choices], output_field=BooleanField())  # noqa: S611
        )
    return _facet_filtered(entries, filters)


FACET_VECTOR = '"explore_solutionsearchentry"."facet_vector"'


def _facet_tokens_query(data: dict) -> str:
    """The facet choices as a tsquery over the tokens of `facet_vector` (migration 0008).

    Any value of a facet, every facet: "('maturity=idea' | 'maturity=pilot') & 'area=3'".
    The values are validated choices; quotes are doubled all the same.
    """
    tokens = {
        name: [f"{name}={value}" for value in values]
        for name, values in chosen_facet_values(data).items()
    }
    alternatives = [
        "(" + " | ".join("'" + token.replace("'", "''") + "'" for token in chosen) + ")"
        for chosen in tokens.values()
    ]
    return " & ".join(alternatives)


def _ranked(entries: QuerySet, query: SearchQuery) -> QuerySet:
    ranked = entries.annotate(rank=SearchRank(F("search_vector"), query))
    return ranked.order_by("-rank", "-published_at", "-solution_id")


class SearchPage:
    """Matching solutions in display order, read a slice at a time from the search table.

    Paginators only need its length and slices. A slice orders the narrow search table
    alone to find its ids (a top-N sort of small rows), then reads those solutions by
    primary key. `first`, when given, is the same order restricted to a leading group of
    `first_total` rows; a slice within that group reads only the group. With a `cache_key`
    (which names the catalogue version), the ids of a slice are cached.
    """

    def __init__(
        self,
        entries: QuerySet[SolutionSearchEntry],
        *,
        total: int,
        cache_key: str | None = None,
        first: QuerySet[SolutionSearchEntry] | None = None,
        first_total: int = 0,
    ):
        self.entries = entries
        self.total = total
        self.cache_key = cache_key
        self.first = first
        self.first_total = first_total

    def __len__(self) -> int:
        return self.total

    def count(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self[0 : self.total])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.total)
        if stop <= start:
            return []
        key = self.cache_key and f"{self.cache_key}:{start}:{stop}"
        ids = cache.get(key) if key else None
        if ids is None:
            ids = self._ids(start, stop)
            if key:
                cache.set(key, ids, SEARCH_CACHE_SECONDS)
        return solutions_by_id(ids)

    def _ids(self, start: int, stop: int) -> list[int]:
        source = self.entries
        if self.first is not None and stop <= self.first_total:
            source = self.first
        return list(source.values_list("solution_id", flat=True)[start:stop])


class SolutionsInOrder:
    """Solutions known by their ids in display order; a slice reads only its own rows."""

    def __init__(self, ids: list[int]):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return solutions_by_id([self.ids[index]])[0]
        return solutions_by_id(self.ids[index])


def solutions_by_id(ids: list[int]) -> list[Solution]:
    """The published ones among these solutions, in the order of `ids`, with what a list shows."""
    if not ids:
        return []
    found = published_solutions().filter(pk__in=ids).select_related("provider").order_by()
    by_id = {s.pk: s for s in found.defer("body", "replication_notes", "search_vector")}
    return [by_id[pk] for pk in ids if pk in by_id]


def solution_matches(*, filters: SolutionFilter, fuzzy: bool = False) -> QuerySet[Solution]:
    """The matching solutions in display order, with what a list shows and no more."""
    data = filters.form.cleaned_data
    text = data.get("q") or ""
    matching = _facet_filtered(search(published_solutions(), text, fuzzy=fuzzy), filters)
    return (
        matching.select_related("provider")
        .defer("body", "replication_notes", "search_vector")
        .order_by(*_content_order(data.get("sort"), text))
    )


def solutions_found(*, filters: SolutionFilter) -> QuerySet[Solution]:
    """What the list page finds, without its facet counts (for exports): when no published
    solution holds the words, the titles with similar words."""
    text = filters.form.cleaned_data.get("q")
    misspelt = bool(text) and words_in_no_solution(text)
    return solution_matches(filters=filters, fuzzy=misspelt)


FACET_GROUPINGS = [*SCALAR_FACETS.items(), ("area", "area_mask")]


def solution_facet_rows(*, data: dict, fuzzy: bool = False) -> list[tuple[str, str, int]]:
    """(facet, value, count) for every facet value, the total and the title matches.

    One SQL statement. Each count's FILTER clause applies every choice but its own facet's.
    PostgreSQL groups the matches by every facet in one pass (GROUPING SETS), over the
    narrow search table for words, or the covering facet index without; elsewhere one
    grouped SELECT per facet over a common table expression gives the same rows.
    """
    text = data.get("q") or ""
    if _uses_search_table(data, fuzzy):
        query = _search_query(text)
        matches = SolutionSearchEntry.objects.filter(search_vector=query).annotate(
            title_hit=ExpressionWrapper(Q(title_vector=query), output_field=BooleanField())
        )
    else:
        matches = search(published_solutions(), text, fuzzy=fuzzy).annotate(title_hit=Value(False))
    matches = matches.order_by().values(*SCALAR_FACETS.values(), "area_mask", "title_hit")
    matches_sql, matches_params = matches.query.sql_with_params()
    conditions = _facet_conditions(data)
    build = _grouping_sets_sql if uses_postgres() else _union_sql
    sql, params = build(matches_sql, list(matches_params), conditions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if build is _grouping_sets_sql:
        rows = _facet_rows_from_grouping_sets(rows)
    return _like_bitmap_rows(rows, data)


def _like_bitmap_rows(rows, data: dict) -> list[tuple[str, str, int]]:
    """Rows grouped by area mask, given as the bitmaps give them: areas per bit, and
    ("without", facet, count) for each facet with a choice. That is the sum of the facet's
    counts, as each solution has one value of each facet (and one area mask)."""
    chosen = chosen_facet_values(data)
    withouts = Counter()
    by_bit = []
    for facet, value, count in rows:
        withouts[facet] += count
        if facet == "area":
            by_bit += [(facet, str(bit), count) for bit in bits_of(int(value or 0))]
        else:
            by_bit.append((facet, value, count))
    return by_bit + [("without", name, withouts[name]) for name in chosen]


def _grouping_sets_sql(matches_sql: str, matches_params: list, conditions: dict):
    """One pass over the matches: a row per facet value, tagged with its facet's name."""
    counts, label_cases, params = [], [], []
    for name, _column in [*FACET_GROUPINGS, ("total", None)]:
        where, where_params = _all_conditions_but(conditions, None if name == "total" else name)
        counts.append(f"COUNT(*) FILTER (WHERE {where})")
        params += where_params
    counts.append(f"COUNT(*) FILTER (WHERE {where} AND title_hit)")  # `where` of the total
    params += where_params
    params += matches_params  # the subquery comes after the counts in the statement
    contributing, contributing_params = _fails_at_most_one(conditions)
    params += contributing_params
    select_counts = ", ".join(counts)
    for name, column in FACET_GROUPINGS:
        label_cases.append(f"WHEN GROUPING({column}) = 0 THEN '{name}'")
    columns = ", ".join(column for _name, column in FACET_GROUPINGS)
    sets = ", ".join(f"({column})" for _name, column in FACET_GROUPINGS)
    # Names and conditions are ours; the user's values travel as parameters.
    sql = (
        f"SELECT CASE {' '.join(label_cases)} ELSE 'total' END, {columns}, {select_counts} "  # noqa: S608
        f"FROM ({matches_sql}) AS matches{contributing} GROUP BY GROUPING SETS ({sets}, ())"
    )
    return sql, params


def _fails_at_most_one(conditions: dict) -> tuple[str, list]:
    """A WHERE clause keeping the rows that some count includes; ("", []) if all do.

    Every count applies all choices but at most one, so a row that fails two choices
    counts nowhere: dropping it early spares the grouping its work.
    """
    if len(conditions) < 2:
        return "", []
    passed = " + ".join(f"CAST(({sql}) AS INTEGER)" for sql, _params in conditions.values())
    params = [param for _sql, condition_params in conditions.values() for param in condition_params]
    return f" WHERE {passed} >= %s", [*params, len(conditions) - 1]


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
            facet_rows.append(("total", "", counts[len(names)]))
            facet_rows.append(("title", "", counts[len(names) + 1]))
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


def _facets_from_rows(rows, data: dict, areas: list[Area]) -> tuple[list[Facet], dict]:
    """The facets, and the totals: all matches ("total") and the title matches ("title").

    `rows` count areas per bit and state, for each facet with a choice, how many match with
    that choice dropped ("without").
    """
    counts = {name: Counter() for name in [*SCALAR_FACETS, "area", "total", "title", "without"]}
    for facet, value, count in rows:
        counts[facet][value] += count
    totals = {"total": counts["total"][""], "title": counts["title"][""]}
    without = counts["without"]
    facets = [_area_facet(counts["area"], data, areas, without.get("area"))]
    for name in SCALAR_FACETS:
        chosen = set(data.get(name) or [])
        values = [
            FacetValue(value, _facet_label(name, value), count, value in chosen)
            for value, count in sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
            if value and count
        ]
        facets.append(Facet(name, values, without.get(name)))
    return facets, totals


def _facet_label(name: str, value: str) -> str:
    """The value's name in the visitor's language (country names are translated when asked)."""
    if name == "country":
        return countries.name(value) or value
    return str(FACET_LABELS[name].get(value, value))


def _area_facet(
    counts_by_bit: Counter, data: dict, areas: list[Area], count_without: int | None
) -> Facet:
    chosen = {area.pk for area in data.get("area") or []}
    values = [
        FacetValue(area.slug, area.name, counts_by_bit[str(area.bit)], area.pk in chosen)
        for area in areas
        if counts_by_bit[str(area.bit)]
    ]
    return Facet("area", values, count_without)


def with_area_names(solutions, *, areas=None) -> list[Solution]:
    """Attach `listed_areas` to each solution from its area bits, without a query per row."""
    solutions = list(solutions)
    by_bit = {area.bit: area for area in (area_list() if areas is None else areas)}
    for solution in solutions:
        listed = [by_bit.get(bit) for bit in bits_of(solution.area_mask)]
        solution.listed_areas = [area for area in listed if area]
    return solutions


# What solutions and knowledge are ordered by for each `sort` choice (CONTENT_SORTS).
CONTENT_ORDERS = {
    "relevance": ["-rank", "-published_at", "-id"],
    "newest": ["-published_at", "-id"],
    "title": ["title", "id"],
}


def _content_order(sort: str | None, text: str) -> list:
    """The chosen order, relevance when none; without words there is nothing to rank by,
    so relevance is newest first."""
    chosen = sort or "relevance"
    return CONTENT_ORDERS["newest" if chosen == "relevance" and not text else chosen]


class TagNames(Aggregate):
    """Tags as "slug<RS>name", joined by the unit separator: a solution's tags come with the
    solution's own row, so that the detail page stays within its query budget."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, CHR(31))"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, CHAR(31))",
            **extra_context,
        )


def _tag_names_of_solution():
    tags = Tag.objects.filter(solutions=OuterRef("pk")).order_by().values("solutions")
    slug_and_name = Concat("slug", Value(TAG_SLUG_END), "name", output_field=CharField())
    return Subquery(tags.annotate(names=TagNames(slug_and_name)).values("names"))


TAG_SLUG_END = "\x1e"


def get_solution_for_user(user, slug: str) -> Solution:
    """The solution if the user may see it; 404 otherwise, whether or not it exists."""
    solution = get_object_or_404(
        Solution.objects.select_related("provider", "revision_of").annotate(
            tag_names=_tag_names_of_solution()
        ),
        slug=slug,
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
    def tags(self) -> list[Tag]:
        joined = getattr(self.solution, "tag_names", None)
        if not joined:
            return []
        pairs = (entry.split(TAG_SLUG_END, 1) for entry in joined.split("\x1f"))
        return sorted((Tag(slug=slug, name=name) for slug, name in pairs), key=lambda t: t.name)

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


def related_knowledge(*, item: KnowledgeItem, limit: int = 3) -> list[KnowledgeItem]:
    """The newest other published knowledge on any of the item's areas."""
    same_areas = KnowledgeItem.areas.through.objects.filter(
        knowledgeitem_id=OuterRef("pk"), area_id__in=item.areas.values("pk")
    )
    related = published_knowledge().filter(Exists(same_areas)).exclude(pk=item.pk)
    return list(related.only("title", "slug", "kind").order_by("-published_at", "-pk")[:limit])


def tag_detail(*, slug: str) -> Tag:
    return get_object_or_404(Tag, slug=slug)


def solutions_tagged(*, tag: Tag) -> QuerySet[Solution]:
    """The published solutions carrying `tag`, newest first, with what a list card shows."""
    return (
        published_solutions()
        .filter(tags=tag)
        .select_related("provider")
        .defer("body", "replication_notes", "search_vector")
        .order_by("-published_at", "-id")
    )


def project_list(*, filters) -> QuerySet[ReferenceProject]:
    projects = _in_chosen_order(filters.qs, filters=filters, orders=PROJECT_ORDERS)
    return projects.prefetch_related(
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
    cities = filters.qs.annotate(project_count=Count("projects", distinct=True))
    return _in_chosen_order(cities, filters=filters, orders=CITY_ORDERS)


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
    indicators = filters.qs.select_related("area").annotate(measurement_count=Count("measurements"))
    return _in_chosen_order(indicators, filters=filters, orders=INDICATOR_ORDERS)


def indicators_with_measurements(*, filters) -> QuerySet[Indicator]:
    """The indicator list with each one's measurements and their actuals, for the API and
    the exports: one query for a page's measurements and one for their actuals."""
    measurements = _measurements().order_by("baseline_year", "pk")
    return indicator_list(filters=filters).prefetch_related(
        Prefetch("measurements", queryset=measurements)
    )


def indicator_detail(*, slug: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("area").prefetch_related(
            Prefetch("measurements", queryset=_measurements())
        ),
        slug=slug,
    )


def knowledge_list(*, filters) -> QuerySet[KnowledgeItem]:
    data = filters.form.cleaned_data
    text = data.get("q") or ""
    items = search(filters.qs.filter(pk__in=published_knowledge().values("pk")), text)
    return items.prefetch_related("areas").order_by(*_knowledge_order(data, text))


def _knowledge_order(data: dict, text: str) -> list[str]:
    """The visitor's choice of order, else upcoming events soonest first, past ones latest
    first, and anything else by relevance or date."""
    sort = data.get("sort")
    by_event = KNOWLEDGE_EVENT_ORDERS.get(data.get("events"))
    # Without words there is nothing to rank by, so relevance is the list's own order. It
    # is also the select's first choice, which the form sends with every other filter: an
    # events filter chosen through the form must keep the events in date order.
    if by_event and (not sort or (sort == "relevance" and not text)):
        return by_event
    return _content_order(sort, text)


# What each choice of the lists' `sort` filter (explore.filters) orders by, the default
# first. Each ends with the primary key, so that pages neither repeat nor skip a row.
PROJECT_ORDERS = {
    "acronym": ["acronym", "id"],
    "newest": ["-start_year", "acronym", "id"],
    "eu_contribution": [F("eu_contribution_eur").desc(nulls_last=True), "acronym", "id"],
    "name": ["name", "id"],
}
CITY_ORDERS = {
    "name": ["name", "id"],
    "population": [F("population").desc(nulls_last=True), "name", "id"],
    "projects": ["-project_count", "name", "id"],
}
INDICATOR_ORDERS = {
    "code": ["code", "id"],
    "name": ["name", "id"],
    "measurements": ["-measurement_count", "code", "id"],
}
KNOWLEDGE_EVENT_ORDERS = {"upcoming": ["event_start", "id"], "past": ["-event_start", "-id"]}


def _in_chosen_order(rows: QuerySet, *, filters, orders: dict[str, list]) -> QuerySet:
    """`rows` ordered as the `sort` filter chose: by `orders[choice]`, the first when none."""
    sort = filters.form.cleaned_data.get("sort") or next(iter(orders))
    return rows.order_by(*orders[sort])


# Calendar apps drop an event from a feed once it is gone from it; a month keeps recent ones.
EVENT_FEED_PAST_DAYS = 30


def events_for_calendar() -> QuerySet[KnowledgeItem]:
    """Published events still to come, and those of the last month, the soonest first."""
    since = timezone.now() - timedelta(days=EVENT_FEED_PAST_DAYS)
    return _published_events().filter(events_on_at(since)).order_by("event_start", "pk")


def upcoming_events(*, limit: int) -> QuerySet[KnowledgeItem]:
    """The next published events that have not ended, the soonest first."""
    on = _published_events().filter(events_on_at(timezone.now()))
    return on.order_by("event_start", "pk")[:limit]


def _published_events() -> QuerySet[KnowledgeItem]:
    return published_knowledge().filter(kind=KnowledgeItem.Kind.EVENT, event_start__isnull=False)


def get_event_for_user(user, slug: str) -> KnowledgeItem:
    """An event the user may see, with a start; 404 for anything else."""
    item = get_knowledge_for_user(user, slug)
    if item.kind != KnowledgeItem.Kind.EVENT or item.event_start is None:
        raise Http404
    return item


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


@dataclass(frozen=True)
class Change:
    """One field a pending edit changes, as the published version and the edit show it."""

    label: str
    published: str
    proposed: str


def moderation_queue_with_changes(*, user) -> dict:
    """The moderation queue, each pending edit carrying `changes`: what it would change in
    its published original. Relations of both come in one query each, for the whole queue."""
    queue = moderation_queue(user=user)
    lists = {}
    for kind, items in queue.items():
        relations = items.model.EDITABLE_RELATIONS
        if kind == "solutions":
            items = items.select_related("provider", "revision_of__provider")
        lists[kind] = list(
            items.prefetch_related(*relations, *(f"revision_of__{name}" for name in relations))
        )
        for item in lists[kind]:
            item.changes = edit_changes(item) if item.revision_of else []
    return lists


def edit_changes(edit) -> list[Change]:
    """The editable fields and relations whose value differs between an edit and its original."""
    original, model = edit.revision_of, type(edit)
    readings = [(name, _field_text) for name in model.EDITABLE_FIELDS]
    readings += [(name, _related_names) for name in model.EDITABLE_RELATIONS]
    changes = []
    for name, text_of in readings:
        published, proposed = text_of(original, name), text_of(edit, name)
        if published != proposed:
            label = model._meta.get_field(name).verbose_name
            changes.append(Change(str(label), published, proposed))
    return changes


def _field_text(item, name: str) -> str:
    field = item._meta.get_field(name)
    value = getattr(item, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(item, f"get_{name}_display")())
    return str(value)


def _related_names(item, name: str) -> str:
    return ", ".join(sorted(str(related) for related in getattr(item, name).all()))


SITE_SEARCH_LIMIT = 5


@dataclass
class SiteSearchSection:
    """The first few rows of one kind of content, and how many match in all."""

    rows: list
    total: int


def _first_rows(matches: QuerySet) -> SiteSearchSection:
    # The total rides along on every row as a count over all the matches (a window), so a
    # section costs one query however many match.
    rows = list(matches.annotate(matching=Window(Count("pk")))[:SITE_SEARCH_LIMIT])
    return SiteSearchSection(rows, rows[0].matching if rows else 0)


def _best_solutions(text: str) -> SiteSearchSection:
    """The first solutions the solution list shows for these words, through the same search
    (and the same cache): at scale it ranks only what its first page needs."""
    filters = SolutionFilter({"q": text})
    if not filters.is_valid():
        return SiteSearchSection([], 0)
    result = solution_search(filters=filters)
    return SiteSearchSection(list(result.solutions[:SITE_SEARCH_LIMIT]), result.total)


def site_search(*, text: str) -> dict[str, SiteSearchSection]:
    """A few of the best hits of every kind of content, for the site-wide search page."""
    if not text:
        return {}
    knowledge = search(published_knowledge(), text).order_by("-rank", "-id")
    # The words as the project, city and indicator lists read them, so both find the same.
    projects = ReferenceProject.objects.filter(every_word_in(PROJECT_TEXT_FIELDS, text))
    cities = City.objects.filter(every_word_in(CITY_TEXT_FIELDS, text))
    indicators = Indicator.objects.filter(every_word_in(INDICATOR_TEXT_FIELDS, text))
    return {
        "solutions": _best_solutions(text),
        "projects": _first_rows(projects.only("name", "acronym", "slug")),
        "cities": _first_rows(cities.only("name", "slug", "country")),
        "indicators": _first_rows(indicators.only("code", "name", "slug")),
        "knowledge": _first_rows(knowledge.only("title", "slug", "summary", "kind")),
    }
