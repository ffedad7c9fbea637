"""Indicator charts drawn on the server as SVG (pygal), fit for `<img>` under a strict CSP.

Every chart has an HTML table twin on its page (see the `_measurement_charts` and
`_indicator_comparison` partials); both format numbers with `format_value`, so the
chart and its table show the same figures.
"""

from dataclasses import dataclass
from decimal import Decimal

import pygal
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pygal.style import Style

from explore.models import ActualValue, Indicator, Measurement

WIDTH = 800
HEIGHT = 400

# Site colours (static/css/site.css), drawn opaque so that bars and lines keep at least 3:1
# contrast against the white background (pygal's default translucency would lose it).
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4a5560",
    colors=("#0b5394", "#a34700", "#1d7a3a", "#6b3fa0"),
    opacity="1",
    opacity_hover="1",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    stroke_width="3",
    stroke_width_hover="3",
    guide_stroke_color="#8a96a3",
    major_guide_stroke_color="#8a96a3",
    transition="0ms",
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
    title_font_size=20,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=15,
    value_font_size=14,
    tooltip_font_size=14,
)


def format_value(value) -> str:
    """A figure as the templates print `{{ decimal.normalize }}`: no exponent, localised."""
    if value is None:
        return "—"
    return number_format(Decimal(str(value)).normalize())


def _without_scripts(root):
    # pygal always writes an inline <script> with its tooltip config, even with `js=[]`;
    # the charts are shown through <img>, where no script runs, so it is dead weight that
    # a CSP would only report.
    for defs in root.iter("defs"):
        for script in defs.findall("script"):
            defs.remove(script)
    return root


def render_chart(chart) -> str:
    chart.add_xml_filter(_without_scripts)
    return chart.render(is_unicode=True)


def chart_config(**options) -> dict:
    return {
        "style": STYLE,
        "width": WIDTH,
        "height": HEIGHT,
        "explicit_size": True,
        "js": [],  # pygal's default loads its tooltip script from a CDN
        "value_formatter": format_value,
        "no_data_text": _("No data"),
        "truncate_legend": -1,
        **options,
    }


def direction_note(indicator: Indicator) -> str:
    return (
        _("lower is better")
        if indicator.direction == Indicator.Direction.LOWER
        else _("higher is better")
    )


def measurement_for_chart(*, pk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.select_related("indicator", "city", "project").prefetch_related(
            Prefetch("actuals", queryset=ActualValue.objects.order_by("year"))
        ),
        pk=pk,
    )


def measurement_chart(measurement: Measurement) -> str:
    """Baseline, then the actual values year by year; the target path dashed beside them."""
    indicator = measurement.indicator
    chart = pygal.XY(
        **chart_config(
            title=f"{indicator.name} · {measurement.subject} ({direction_note(indicator)})",
            x_title=_("Year"),
            y_title=indicator.unit,
            x_value_formatter=lambda year: str(int(year)),
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            dots_size=5,
        )
    )
    recorded = [(measurement.baseline_year, float(measurement.baseline_value))]
    recorded += [(actual.year, float(actual.value)) for actual in measurement.actuals.all()]
    years = {year for year, _value in recorded}
    chart.add(_("Baseline and actual values"), recorded)
    if measurement.target_value is not None and measurement.target_year:
        chart.add(
            _("Target %(value)s by %(year)s")
            % {"value": format_value(measurement.target_value), "year": measurement.target_year},
            [
                # The path starts at the baseline, whose dot the first series already draws.
                {
                    "value": (measurement.baseline_year, float(measurement.baseline_value)),
                    "node": {"r": 0},
                },
                (measurement.target_year, float(measurement.target_value)),
            ],
            stroke_style={"dasharray": "10, 6"},
            dots_size=8,
        )
        years.add(measurement.target_year)
    chart.x_labels = sorted(years)
    return render_chart(chart)


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    baseline: Decimal
    baseline_year: int
    latest: Decimal | None
    latest_year: int | None


def comparison_rows(indicator: Indicator) -> list[ComparisonRow]:
    """One row per measurement, in the order of the page's table; uses the prefetch if any."""
    rows = []
    for measurement in indicator.measurements.all():
        actuals = list(measurement.actuals.all())
        latest = max(actuals, key=lambda actual: actual.year) if actuals else None
        rows.append(
            ComparisonRow(
                label=str(measurement.subject),
                baseline=measurement.baseline_value,
                baseline_year=measurement.baseline_year,
                latest=latest.value if latest else None,
                latest_year=latest.year if latest else None,
            )
        )
    return rows


def comparison_chart_height(row_count: int) -> int:
    """The comparison chart's height: each city or project gets room for its two bars."""
    return max(HEIGHT, 120 + 60 * row_count)


def indicator_comparison_chart(indicator: Indicator) -> str:
    """Baseline beside the latest actual value, one group of bars per city or project."""
    rows = comparison_rows(indicator)
    chart = pygal.HorizontalBar(
        **chart_config(
            title=f"{indicator.name} ({direction_note(indicator)})",
            x_title=indicator.unit,
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            # Long city and project names stay readable instead of being cut short.
            truncate_label=-1,
            height=comparison_chart_height(len(rows)),
        )
    )
    # Horizontal bars are drawn bottom-up: reversed, they read top-down like the table.
    rows.reverse()
    chart.x_labels = [row.label for row in rows]
    chart.add(_("Baseline"), [float(row.baseline) for row in rows])
    chart.add(
        _("Latest actual value"),
        [float(row.latest) if row.latest is not None else None for row in rows],
    )
    return render_chart(chart)
