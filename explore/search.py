"""Full-text search behind one interface: ranked PostgreSQL search, or a portable fallback.

On PostgreSQL each searchable row carries a weighted `search_vector` (title A, summary B,
body C) kept by a trigger, indexed with GIN; trigram word similarity on the title catches
misspellings. Elsewhere every word must appear in the title, summary or body.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When

SEARCH_CONFIG = "english"  # the same configuration as the trigger in migration 0004


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Rows matching `text`, annotated with `rank` (higher is better)."""
    if not text:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if uses_postgres():
        return _postgres_search(queryset, text)
    return _portable_search(queryset, text)


def _postgres_search(queryset: QuerySet, text: str) -> QuerySet:
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.filter(Q(search_vector=query) | Q(title__trigram_word_similar=text)).annotate(
        rank=SearchRank(F("search_vector"), query) + TrigramWordSimilarity(text, "title")
    )


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
