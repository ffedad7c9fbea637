"""Searches with few matches, answered by one statement (PostgreSQL).

A rare word matches a handful of solutions. Rather than one statement counting the facets
and another reading each page, one statement reads every match, up to FEW_MATCHES_AT_MOST,
with its facet values and its place in each sort order; the counts and the pages are then
taken from those rows in Python. A search with more matches gets None and the usual
statements run.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection

from explore.bitmaps import EVERY_WORD_TRACKED
from explore.facets import SCALAR_FACETS, bits_of, chosen_facet_values
from explore.search import SEARCH_CONFIG, all_words_required

FEW_MATCHES_AT_MOST = 300
# The orders of the usual path (selectors._ranked and _solution_page), so that a search
# lists the same solutions in the same order whichever way it was answered.
SORT_ORDERS = {
    "relevance": "rank DESC, published_at DESC, solution_id DESC",
    "newest": "published_at DESC, solution_id DESC",
    "title": "title, solution_id",
}


@dataclass(frozen=True, slots=True)
class Match:
    solution_id: int
    # Per facet, the values this solution has, as text: one at most, several areas (bits).
    values: dict[str, tuple[str, ...]]
    title_hit: bool
    places: tuple[int, ...]  # its place in each of SORT_ORDERS

    def failed_choices(self, chosen: dict[str, list[str]]) -> list[str]:
        """The facets whose choice this solution has none of."""
        return [name for name, values in chosen.items() if not self.offers_any(name, values)]

    def offers_any(self, name: str, values: list[str]) -> bool:
        return any(value in values for value in self.values[name])


def few_matches(text: str) -> list[Match] | None:
    """Every solution matching `text`, when there are FEW_MATCHES_AT_MOST or fewer.

    None as well, without reading any match, when the bitmaps can count the search (all its
    words are tracked): such words are common, and the statement would read its limit of
    matches only to give up.
    """
    query = "websearch_to_tsquery(%(config)s::regconfig, %(text)s)"
    columns = ", ".join(SCALAR_FACETS.values())
    places = ", ".join(f"row_number() OVER (ORDER BY {order})" for order in SORT_ORDERS.values())
    # The gate is a constant of the statement, so PostgreSQL decides it before the scan and
    # skips the scan when the bitmaps will count.
    sql = (
        "WITH words AS (SELECT lexeme FROM unnest(to_tsvector(%(config)s::regconfig, %(text)s))), "  # noqa: S608 - our names
        f"gate AS (SELECT %(plain)s AND {EVERY_WORD_TRACKED} AS for_bitmaps), "
        f"matches AS (SELECT solution_id, {columns}, area_mask, "
        f"title_vector @@ {query} AS title_hit, ts_rank(search_vector, {query}) AS rank, "
        f"published_at, title FROM explore_solutionsearchentry "
        f"WHERE search_vector @@ {query} AND NOT (SELECT for_bitmaps FROM gate) "
        f"LIMIT %(limit)s) "
        f"SELECT gate.for_bitmaps, found.* FROM gate LEFT JOIN "
        f"(SELECT solution_id, {columns}, area_mask, title_hit, {places} FROM matches) AS found "
        "ON true"
    )
    params = {
        "config": SEARCH_CONFIG,
        "text": text,
        "plain": all_words_required(text),
        "limit": FEW_MATCHES_AT_MOST + 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for_bitmaps = rows[0][0]
    found = [row[1:] for row in rows if row[1] is not None]  # none: one row of NULLs
    if for_bitmaps or len(found) > FEW_MATCHES_AT_MOST:
        return None
    return [_match(row) for row in found]


def _match(row) -> Match:
    facet_count = len(SCALAR_FACETS)
    scalars, area_mask = row[1 : 1 + facet_count], row[1 + facet_count]
    values = {
        name: (value,) if value else () for name, value in zip(SCALAR_FACETS, scalars, strict=True)
    }
    values["area"] = tuple(str(bit) for bit in bits_of(area_mask))
    return Match(
        solution_id=row[0],
        values=values,
        title_hit=row[2 + facet_count],
        places=tuple(row[3 + facet_count :]),
    )


def facet_rows_of(matches: list[Match], data: dict) -> list[tuple[str, str, int]]:
    """The rows the other ways of counting give: (facet, value, count) per facet value, the
    total, the title matches, and ("without", facet, count) per facet with a choice.

    Each facet's counts ignore its own choice, so a solution that fails one choice counts
    only in that facet, and one that fails two counts nowhere.
    """
    chosen = chosen_facet_values(data)
    counts = Counter()
    for match in matches:
        failed = match.failed_choices(chosen)
        if len(failed) > 1:
            continue
        for name in failed or [*SCALAR_FACETS, "area"]:
            for value in match.values[name]:
                counts[name, value] += 1
        for name in failed or chosen:
            counts["without", name] += 1
        if not failed:
            counts["total", ""] += 1
            counts["title", ""] += match.title_hit
    counts["total", ""] += 0  # the total is stated even when nothing passes
    counts["title", ""] += 0
    return [(facet, value, count) for (facet, value), count in counts.items()]


def ordered_ids(matches: list[Match], data: dict, sort: str | None) -> list[int]:
    """The ids of the matches that pass every choice, in the order `sort` names."""
    chosen = chosen_facet_values(data)
    place = list(SORT_ORDERS).index(sort if sort in SORT_ORDERS else "relevance")
    passing = [match for match in matches if not match.failed_choices(chosen)]
    return [match.solution_id for match in sorted(passing, key=lambda m: m.places[place])]
