"""Full-text search behind one interface: ranked PostgreSQL search, or a portable fallback.

On PostgreSQL each searchable row carries a weighted `search_vector` (title A, summary B,
body C) kept by a trigger and indexed with GIN. When no row contains the words, trigram
word similarity on the title (also GIN-indexed) catches misspellings. Elsewhere every word
must appear in the title, summary or body.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When

SEARCH_CONFIG = "english"  # the same configuration as the trigger in migration 0004


def is_one_word(text: str) -> bool:
    """Letters only: web search syntax makes at most one lexeme of it (no hyphenated parts,
    no operators)."""
    return text.isalpha()


def all_words_required(text: str) -> bool:
    """Whether web search syntax reads `text` as plain words that must all occur.

    Letters only, so no quotes, no minus and no hyphenated parts; and no "or", which it reads
    as an alternative.
    """
    return all(is_one_word(word) and word.lower() != "or" for word in text.split())


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search(queryset: QuerySet, text: str, *, fuzzy: bool = False) -> QuerySet:
    """Rows matching `text`, annotated with `rank` (higher is better).

    `fuzzy=True` asks for misspelling-tolerant matching instead: callers use it when the
    exact search found nothing, so the slower trigram comparison runs only then.
    """
    if not text:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if not uses_postgres():
        return _portable_search(queryset, text)
    if fuzzy:
        return queryset.filter(title__trigram_word_similar=text).annotate(
            rank=TrigramWordSimilarity(text, "title")
        )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


def _portable_search(queryset: QuerySet, text: str) -> QuerySet:
    words = text.split()[:10]
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    first = words[0]
    return queryset.annotate(
        rank=Case(
            When(title__icontains=first, then=Value(3)),
            When(summary__icontains=first, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
