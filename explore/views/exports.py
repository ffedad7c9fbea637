"""Bulk downloads of Explore's lists as CSV or JSON, filtered exactly like the list pages.

Rows are streamed from a database iterator, a chunk at a time, so an export of the whole
catalogue never sits in memory. The filters are checked before the first byte is sent:
after that, a status code can no longer change. Rows that belong to a row (an indicator's
measurements) are nested in JSON; CSV, being flat, gives each its own line.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries.fields import Country
from django_filters import FilterSet

from explore import selectors
from explore.filters import (
    CityFilter,
    IndicatorFilter,
    KnowledgeFilter,
    ProjectFilter,
    SolutionFilter,
)
from explore.models import ActualValue, Area, City

CHUNK_SIZE = 500  # rows per database round trip (and per prefetch of their relations)
# A spreadsheet runs a cell that starts with one of these as a formula: text from members
# must stay text (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Link = Callable[[str], str]  # a path on this site → its absolute address
Columns = Callable[[Link], dict[str, Callable[[Any], Any]]]  # name → how to read it off a row


@dataclass(frozen=True)
class Children:
    """What each exported row holds: a list under `name` in JSON, a line each in CSV.

    In CSV the row's columns are repeated on each of its children's lines, and a row
    without children still gets one line, its children's columns left empty.
    """

    name: str
    of: Callable[[Any], Iterable]  # a row → its children, prefetched with the rows
    columns: Columns


@dataclass(frozen=True)
class Export:
    name: str
    filter_class: type[FilterSet]
    rows: Callable[[FilterSet], QuerySet]
    columns: Columns
    children: Children | None = None


def _names(related) -> list[str]:
    return [str(obj) for obj in related.all()]


def _solution_rows(filters) -> QuerySet:
    # Rows only: an export needs no facet counts.
    solutions = selectors.solutions_found(filters=filters)
    return solutions.prefetch_related(
        Prefetch("areas", queryset=Area.objects.only("name")),
        Prefetch("cities", queryset=City.objects.only("name", "slug", "country")),
    )


def _solution_columns(link: Link) -> dict:
    return {
        "title": lambda s: s.title,
        "url": lambda s: link(s.get_absolute_url()),
        "summary": lambda s: s.summary,
        "maturity": lambda s: s.maturity,
        "cost_min_eur": lambda s: s.cost_min_eur,
        "cost_max_eur": lambda s: s.cost_max_eur,
        "provider": lambda s: s.provider.name if s.provider else None,
        "provider_country": lambda s: s.provider_country,
        "areas": lambda s: _names(s.areas),
        "cities": lambda s: _names(s.cities),
        "published_at": lambda s: s.published_at,
    }


def _project_columns(link: Link) -> dict:
    return {
        "acronym": lambda p: p.acronym,
        "name": lambda p: p.name,
        "url": lambda p: link(p.get_absolute_url()),
        "programme": lambda p: p.programme,
        "start_year": lambda p: p.start_year,
        "end_year": lambda p: p.end_year,
        "total_budget_eur": lambda p: p.total_budget_eur,
        "eu_contribution_eur": lambda p: p.eu_contribution_eur,
        "website": lambda p: p.website,
        "cities": lambda p: _names(p.cities),
        "countries": lambda p: sorted({city.country.code for city in p.cities.all()}),
    }


def _city_columns(link: Link) -> dict:
    return {
        "name": lambda c: c.name,
        "url": lambda c: link(c.get_absolute_url()),
        "country": lambda c: c.country,
        "latitude": lambda c: c.latitude,
        "longitude": lambda c: c.longitude,
        "population": lambda c: c.population,
        "population_year": lambda c: c.population_year,
        "project_count": lambda c: c.project_count,
    }


def _indicator_columns(link: Link) -> dict:
    return {
        "code": lambda i: i.code,
        "name": lambda i: i.name,
        "url": lambda i: link(i.get_absolute_url()),
        "unit": lambda i: i.unit,
        "direction": lambda i: i.direction,
        "area": lambda i: i.area.name,
        "measurement_count": lambda i: i.measurement_count,
        "definition": lambda i: i.definition,
    }


def _measurement_columns(link: Link) -> dict:
    # Whom it measures: exactly one of a city, a project or a country (a national figure).
    return {
        "city": lambda m: m.city.name if m.city else None,
        "project": lambda m: m.project.acronym if m.project else None,
        "country": lambda m: m.country,
        "baseline_value": lambda m: m.baseline_value,
        "baseline_year": lambda m: m.baseline_year,
        "target_value": lambda m: m.target_value,
        "target_year": lambda m: m.target_year,
        "actuals": lambda m: list(m.actuals.all()),
        "source": lambda m: m.source,
    }


def _knowledge_columns(link: Link) -> dict:
    return {
        "title": lambda k: k.title,
        "url": lambda k: link(k.get_absolute_url()),
        "kind": lambda k: k.kind,
        "summary": lambda k: k.summary,
        "areas": lambda k: _names(k.areas),
        "source_url": lambda k: k.source_url,
        "event_start": lambda k: k.event_start,
        "event_end": lambda k: k.event_end,
        "event_place": lambda k: k.event_place,
        "event_online_url": lambda k: k.event_online_url,
        "published_at": lambda k: k.published_at,
    }


SOLUTIONS = Export("solutions", SolutionFilter, _solution_rows, _solution_columns)
PROJECTS = Export(
    "projects", ProjectFilter, lambda f: selectors.project_list(filters=f), _project_columns
)
CITIES = Export("cities", CityFilter, lambda f: selectors.city_list(filters=f), _city_columns)
INDICATORS = Export(
    "indicators",
    IndicatorFilter,
    lambda f: selectors.indicators_with_measurements(filters=f),
    _indicator_columns,
    Children("measurements", lambda i: i.measurements.all(), _measurement_columns),
)
KNOWLEDGE = Export(
    "knowledge", KnowledgeFilter, lambda f: selectors.knowledge_list(filters=f), _knowledge_columns
)


def _plain(value):
    """One value as JSON has it: text, number, list or null."""
    if isinstance(value, Country):
        return value.code or None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact, as the API gives it
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, ActualValue):
        return {"year": value.year, "value": _plain(value.value), "note": value.note}
    return value


def _cell(value) -> str:
    """One value as a CSV cell; members' text is kept from being read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, ActualValue):
        return f"{value.year}: {_plain(value.value)}"  # compact; the note is left to JSON
    plain = _plain(value)
    return "" if plain is None else str(plain)


def _values(obj, columns: dict) -> list:
    return [value_of(obj) for value_of in columns.values()]


def _records(
    rows: QuerySet, columns: dict, lines: Callable[[Any], list[list]] | None
) -> Iterator[list]:
    """A record per row, or with `lines` (a row → the tails of its lines) one per line."""
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        record = _values(row, columns)
        if lines is None:
            yield record
        else:
            for tail in lines(row):
                yield record + tail


def _table(export: Export, link: Link, *, flat: bool):
    """A row's columns, how it spreads over lines in a flat format, and the header."""
    columns = export.columns(link)
    children = export.children
    if children is None:
        return columns, None, list(columns)
    child_columns = children.columns(link)
    if not flat:
        columns[children.name] = lambda row: [
            dict(zip(child_columns, _values(child, child_columns), strict=True))
            for child in children.of(row)
        ]
        return columns, None, list(columns)

    def lines(row) -> list[list]:
        tails = [_values(child, child_columns) for child in children.of(row)]
        return tails or [[None] * len(child_columns)]

    return columns, lines, [*columns, *child_columns]


class _Echo:
    """A file-like object that hands back what is written, for csv.writer to format a row."""

    def write(self, value):
        return value


def _csv_lines(records: Iterable[list], header: list[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for record in records:
        yield writer.writerow([_cell(value) for value in record])


def _json_text(records: Iterable[list], header: list[str]) -> Iterator[str]:
    # An array written piece by piece: the whole is valid JSON once the stream ends.
    yield "["
    separator = "\n"
    for record in records:
        item = {name: _plain(value) for name, value in zip(header, record, strict=True)}
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


FORMATS = {  # writer, content type, and whether it is flat (a line per nested row)
    "csv": (_csv_lines, "text/csv; charset=utf-8", True),
    "json": (_json_text, "application/json", False),
}


def _export(request: HttpRequest, export: Export, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    filters = export.filter_class(request.GET)
    if not filters.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filters.errors.items()
        )
        return HttpResponse(
            f"{_('Invalid filter values.')} {problems}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    write, content_type, flat = FORMATS[fmt]
    columns, lines, header = _table(export, request.build_absolute_uri, flat=flat)
    stream = write(_records(export.rows(filters), columns, lines), header)
    response = StreamingHttpResponse(stream, content_type=content_type)
    filename = f"smart-cities-{export.name}-{timezone.now():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


EXPORTS = {export.name: export for export in (SOLUTIONS, PROJECTS, CITIES, INDICATORS, KNOWLEDGE)}


@require_safe
def list_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """`kind` comes from the URL pattern (one per list), `fmt` from the address."""
    return _export(request, EXPORTS[kind], fmt)
