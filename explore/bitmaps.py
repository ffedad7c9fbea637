"""Facet counts from bitmaps, on PostgreSQL (migration 0007 builds and keeps them).

Each facet value, the whole catalogue and each common word has a bit string with one bit
per listed solution, so counting a facet value among the matches is one AND and one
bit_count, however many solutions match. The bitmaps are kept exact by a trigger in the
same transaction as every change, so a count from them is the count from the rows.

They answer the browse page (no words) and a search for one common word; anything else
(several words, a word that is not tracked, no bitmaps built) returns None and is counted
from the rows.
"""

from django.db import connection

from explore.facets import chosen_facet_values
from explore.search import SEARCH_CONFIG, uses_postgres

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
    if not uses_postgres() or (text and not text.isalpha()):
        return None
    chosen = _chosen_keys(data)
    sql, params = _counts_sql(chosen, with_word=bool(text))
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


# Bitmaps of facet values: not the words' ("term:", "title:") and not "all".
FACET_VALUE_KEYS = "key NOT LIKE 'term:%%' AND key NOT LIKE 'title:%%'"


def _counts_sql(chosen: dict[str, list[str]], *, with_word: bool) -> tuple[str, list]:
    """One statement: every facet value's count, ignoring its own facet's choice.

    Names and SQL come from this module; the user's values travel as parameters.
    """
    names = list(chosen)
    base_key = "(SELECT 'term:' || lexeme FROM word)" if with_word else "'all'"
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
        "WITH word AS (SELECT lexeme FROM unnest(to_tsvector(%s::regconfig, %s)) LIMIT 1), "
        # Read no bitmap at all when the base is missing (a word that is not tracked).
        f"bitmaps AS (SELECT key, bits FROM explore_facetbitmap WHERE EXISTS "
        f"(SELECT FROM explore_facetbitmap WHERE key = {base_key}) AND ({FACET_VALUE_KEYS} "
        "OR key IN (SELECT prefix || lexeme FROM word, unnest(ARRAY['term:', 'title:']) prefix))), "
        f"base AS (SELECT bits FROM bitmaps WHERE key = {base_key}), {choices}"
        f"scope AS (SELECT {', '.join(scopes)} FROM {', '.join(sources)}) "
        f"SELECT {facet_of_key}, substr(key, strpos(key, ':') + 1), "
        f"bit_count(bits & {scope_of_facet}) FROM bitmaps, scope "
        f"WHERE {FACET_VALUE_KEYS} AND key <> 'all' "
        "UNION ALL SELECT 'total', '', bit_count(scope.everything) FROM scope "
        "UNION ALL SELECT 'title', '', bit_count(bits & scope.everything) FROM bitmaps, scope "
        f"WHERE key LIKE 'title:%%'{withouts}"
    )
    return sql, [chosen[name] for name in names]
