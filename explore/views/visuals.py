"""Explore's visual pages: the map of cities and projects, and the indicator charts (SVG)."""

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from explore import charts, maps, selectors

# The charts need one thing the site policy refuses: the <style> element pygal writes into
# the SVG. This policy applies to the SVG responses only; they hold no script, so every
# other fetch is shut off. (Inside an <img> nothing loads or runs anyway; this matters when
# someone opens the chart's address directly.)
SVG_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "script-src": None,
    "img-src": None,
    "font-src": None,
    "connect-src": None,
    "form-action": [NONE],
}

# Charts follow the data a curator may edit, and their titles the visitor's language.
chart_cache = cache_control(private=True, max_age=300)


def _svg(content: str) -> HttpResponse:
    return HttpResponse(content, content_type="image/svg+xml; charset=utf-8")


@require_safe
def explore_map(request: HttpRequest) -> HttpResponse:
    form = maps.MapFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "explore/map.html", {"form": form}, status=400)
    selection = maps.map_selection(
        country=form.cleaned_data["country"], project=form.cleaned_data["project"]
    )
    context = {
        "form": form,
        "filtered": bool(form.cleaned_data["country"] or form.cleaned_data["project"]),
        "cities": selection.cities,
        "projects": selection.projects,
        "markers": maps.city_markers(selection.cities),
    }
    return render(request, "explore/map.html", context)


@require_safe
@chart_cache
@csp_replace(SVG_POLICY)
def measurement_chart(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = charts.measurement_for_chart(pk=pk)
    return _svg(charts.measurement_chart(measurement))


@require_safe
@chart_cache
@csp_replace(SVG_POLICY)
def indicator_comparison_chart(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = selectors.indicator_detail(slug=slug)
    return _svg(charts.indicator_comparison_chart(indicator))
