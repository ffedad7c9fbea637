"""The curators' platform statistics: one page of charts and tables, each table as CSV."""

import csv
import io

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from clusters import statistics
from clusters.permissions import can_see_statistics
from explore.views.exports import FORMULA_PREFIXES
from explore.views.visuals import SVG_POLICY
from marketplace.permissions import require


def _filters_or_none(request: HttpRequest):
    form = statistics.StatisticsFilterForm(request.GET)
    return form, (form.filters() if form.is_valid() else None)


def _invalid_filters(form) -> HttpResponse:
    problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
    return HttpResponse(
        f"{_('Invalid filter values.')} {problems}\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _text_cell(label: str) -> str:
    # Area and cluster names are typed by people: keep spreadsheets from running them.
    return "'" + label if label.startswith(FORMULA_PREFIXES) else label


def _table_or_404(slug: str):
    compute = statistics.TABLES.get(slug)
    if compute is None:
        raise Http404
    return compute


@require_safe
@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    require(can_see_statistics(request.user))
    form, filters = _filters_or_none(request)
    if filters is None:
        return render(request, "clusters/statistics.html", {"form": form}, status=400)
    context = {
        "form": form,
        "tables": statistics.statistics_tables(filters),
        "query": request.GET.urlencode(),
        "filtered": bool(filters.start or filters.end or filters.country),
    }
    return render(request, "clusters/statistics.html", context)


@require_safe
@login_required
@cache_control(private=True, max_age=300)
@csp_replace(SVG_POLICY)
def statistics_chart(request: HttpRequest, table: str) -> HttpResponse:
    require(can_see_statistics(request.user))
    compute = _table_or_404(table)
    form, filters = _filters_or_none(request)
    if filters is None:
        return _invalid_filters(form)
    return HttpResponse(
        statistics.table_chart(compute(filters)), content_type="image/svg+xml; charset=utf-8"
    )


@require_safe
@login_required
def statistics_export(request: HttpRequest, table: str) -> HttpResponse:
    require(can_see_statistics(request.user))
    compute = _table_or_404(table)
    form, filters = _filters_or_none(request)
    if filters is None:
        return _invalid_filters(form)
    figures = compute(filters)
    # A handful of rows at most (months, areas, countries): no need to stream.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([figures.label_heading, *figures.columns])
    for row in figures.rows:
        writer.writerow([_text_cell(row.label), *row.values])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"smart-cities-{figures.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
