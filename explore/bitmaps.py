"""Facet counts from bitmaps, on PostgreSQL (migration 0007 builds and keeps them).

Each facet value, the whole catalogue and each common word has a bit string with one bit
per listed solution, so counting a facet value among the matches is one AND and one
bit_count, however many solutions match. The bitmaps are kept exact by a trigger in the
same transaction as every change, so a count from them is the count from the rows.

They answer the browse page (no words) and a search whose words are all common (the AND
of their bitmaps); anything else (a word that is not tracked, search operators, no bitmaps
built) returns None and is counted from the rows.
"""

from django.db import connection

from explore.facets import chosen_facet_values
from explore.search import SEARCH_CONFIG, all_words_required, uses_postgres

# A word is tracked when this share of the listed solutions, and at least
# TRACKED_WORD_MINIMUM of them, contain it; rarer words are quick to count from the rows.
TRACKED_WORD_SHARE = 0.02
TRACKED_WORD_MINIMUM = 1000
TRACKED_WORDS_AT_MOST = 500


def facet_bitmaps_rebuild(*, minimum_solutions: int | None = None) -> None:
    """Build every bitmap afresh, choosing again which words are common."""
    if not uses_postgres():
        return
    with connection.cursor() as cursor:
        if minimum_solutions is None:
            cursor.execute("SELECT count(*) FROM explore_solutionsearchentry")
            listed = cursor.fetchone()[0]
            minimum_solutions = max(TRACKED_WORD_MINIMUM, int(listed * TRACKED_WORD_SHARE))
        cursor.execute(
            "SELECT explore_facet_bitmaps_rebuild(%s, %s)",
            [minimum_solutions, TRACKED_WORDS_AT_MOST],
        )


def facet_bitmaps_drop() -> None:
    """Empty the bitmaps, so that a bulk load does not keep them row by row."""
    if uses_postgres():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM explore_facetbitmap")


def facet_rows_from_bitmaps(data: dict) -> list[tuple[str, str, int]] | None:
    """The rows `solution_facet_rows` gives; None when the bitmaps cannot answer this search."""
    text = data.get("q") or ""
    if not uses_postgres() or (text and not all_words_required(text)):
        return None
    chosen = _chosen_keys(data)
    sql, params = _counts_sql(chosen, with_words=bool(text))
    with connection.cursor() as cursor:
        cursor.execute(sql, [SEARCH_CONFIG, text, *params])
        rows = cursor.fetchall()
    if not rows:
        return None
    return rows


def _chosen_keys(data: dict) -> dict[str, list[str]]:
    return {
        name: [f"{name}:{value}" for value in values]
        for name, values in chosen_facet_values(data).items()
    }


# Whether every word of a search (the lexemes in a common table expression `words`) has a
# bitmap, so that the bitmaps can count its matches.
EVERY_WORD_TRACKED = (
    "EXISTS (SELECT FROM words) AND (SELECT count(*) FROM words) = (SELECT count(*) "
    "FROM explore_facetbitmap WHERE key IN (SELECT 'term:' || lexeme FROM words))"
)

# Bitmaps of facet values: not the words' ("term:", "title:") and not "all".
FACET_VALUE_KEYS = "key NOT LIKE 'term:%%' AND key NOT LIKE 'title:%%'"


def _counts_sql(chosen: dict[str, list[str]], *, with_words: bool) -> tuple[str, list]:
    """One statement: every facet value's count, ignoring its own facet's choice.

    The matches are the whole catalogue, or the solutions holding every word of the search:
    the AND of the words' bitmaps. Names and SQL come from this module; the user's values
    travel as parameters.
    """
    names = list(chosen)
    if with_words:
        answerable = EVERY_WORD_TRACKED
        base = (
            "SELECT bit_and(bits) AS bits FROM bitmaps WHERE key LIKE 'term:%%' HAVING count(*) > 0"
        )
    else:
        answerable = "EXISTS (SELECT FROM explore_facetbitmap WHERE key = 'all')"
        base = "SELECT bits FROM bitmaps WHERE key = 'all'"
    # A chosen value nobody has gives an empty bitmap (x # x), not NULL.
    choices = "".join(
        f"chosen_{i} AS (SELECT coalesce(bit_or(bits), (SELECT bits # bits FROM base)) AS bits "
        "FROM bitmaps WHERE key = ANY(%s)), "
        for i in range(len(names))
    )

    def matching(*, ignoring: str | None = None) -> str:
        kept = [f"chosen_{i}.bits" for i, name in enumerate(names) if name != ignoring]
        return " & ".join(["base.bits", *kept])

    scopes = [f"{matching()} AS everything"]
    scopes += [f"{matching(ignoring=name)} AS without_{i}" for i, name in enumerate(names)]
    sources = ["base", *(f"chosen_{i}" for i in range(len(names)))]
    facet_of_key = "split_part(key, ':', 1)"
    scope_of_facet = "scope.everything"
    if names:
        cases = " ".join(f"WHEN '{name}' THEN scope.without_{i}" for i, name in enumerate(names))
        scope_of_facet = f"CASE {facet_of_key} {cases} ELSE scope.everything END"
    withouts = "".join(
        f" UNION ALL SELECT 'without', '{name}', bit_count(scope.without_{i}) FROM scope"
        for i, name in enumerate(names)
    )
    sql = (
        "WITH words AS (SELECT lexeme FROM unnest(to_tsvector(%s::regconfig, %s))), "
        # Read no bitmap at all unless all can be answered (every word is tracked).
        f"bitmaps AS (SELECT key, bits FROM explore_facetbitmap WHERE {answerable} AND "
        f"({FACET_VALUE_KEYS} OR key IN "
        "(SELECT prefix || lexeme FROM words, unnest(ARRAY['term:', 'title:']) prefix))), "
        f"base AS ({base}), {choices}"
        f"scope AS (SELECT {', '.join(scopes)} FROM {', '.join(sources)}) "
        f"SELECT {facet_of_key}, substr(key, strpos(key, ':') + 1), "
        f"bit_count(bits & {scope_of_facet}) FROM bitmaps, scope "
        f"WHERE {FACET_VALUE_KEYS} AND key <> 'all' "
        "UNION ALL SELECT 'total', '', bit_count(scope.everything) FROM scope "
        # Solutions with every word in the title (one word: the matches ranked first).
        "UNION ALL SELECT 'title', '', bit_count(title.bits & scope.everything) FROM scope, "
        "(SELECT bit_and(bits) AS bits FROM bitmaps WHERE key LIKE 'title:%%' HAVING count(*) > 0) "
        f"AS title{withouts}"
    )
    return sql, [chosen[name] for name in names]
