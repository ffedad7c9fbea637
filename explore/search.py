"""Full-text search behind one interface: ranked PostgreSQL search, or a portable fallback.

On PostgreSQL each searchable row carries a weighted `search_vector` (title A, summary B,
body C) kept by a trigger and indexed with GIN. When no row contains the words, trigram
word similarity on the title (also GIN-indexed) catches misspellings. Elsewhere every word
must appear in the title, summary or body, and misspellings are caught by comparing the
title's words in Python.
"""

import re
from difflib import SequenceMatcher

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When

SEARCH_CONFIG = "english"  # the same configuration as the trigger in migration 0004

PORTABLE_WORDS_AT_MOST = 10

# difflib's ratio (2 * letters in common / letters in both) from which two words count as one
# misspelt: it takes one letter missing or added in words of four letters or more, one letter
# wrong or swapped from seven letters; it refuses one wrong letter in five or six letters,
# as often another word ("solar"/"polar", "water"/"waste").
SIMILAR_WORD_RATIO = 0.85


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
    exact search found nothing, so the slower comparison of words runs only then.
    """
    if not text:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if not uses_postgres():
        return _portable_fuzzy_search(queryset, text) if fuzzy else _portable_search(queryset, text)
    if fuzzy:
        return queryset.filter(title__trigram_word_similar=text).annotate(
            rank=TrigramWordSimilarity(text, "title")
        )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


def _portable_search(queryset: QuerySet, text: str) -> QuerySet:
    words = text.split()[:PORTABLE_WORDS_AT_MOST]
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


def _portable_fuzzy_search(queryset: QuerySet, text: str) -> QuerySet:
    """Rows whose title has, for every word of `text`, a similar word; ranked by similarity."""
    words = _words_of(text)[:PORTABLE_WORDS_AT_MOST]
    # Off PostgreSQL the catalogue is the small demo database: reading every title, and a
    # CASE branch per match, stay cheap.
    titles = queryset.order_by().values_list("pk", "title")
    similarities = {pk: _title_similarity(words, title) for pk, title in titles}
    ranks = {pk: similarity for pk, similarity in similarities.items() if similarity}
    ranked = queryset.annotate(
        rank=Case(
            *(When(pk=pk, then=Value(rank)) for pk, rank in ranks.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
    # Not `pk__in=ranks`: with no similar title its empty IN cannot be compiled into the
    # statement that counts the facets.
    return ranked.filter(rank__gt=0)


def _title_similarity(words: list[str], title: str) -> float:
    """The mean similarity of `words` to their closest title words; 0 unless each has one."""
    title_words = set(_words_of(title))
    closest = [
        max((_similarity(word, other) for other in title_words), default=0.0) for word in words
    ]
    if not closest or min(closest) < SIMILAR_WORD_RATIO:
        return 0.0
    return sum(closest) / len(closest)


def _similarity(word: str, other: str) -> float:
    return SequenceMatcher(None, word, other).ratio()


def _words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
