"""Platform statistics for curators: the figures, as tables, and their charts.

Every figure is a `Table` computed by one or two aggregate queries whatever the number of
rows behind it; the page, its CSV exports and its SVG charts all read the same tables, so
a chart, its table and its export never disagree.
"""

import copy
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pygal
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from accounts.models import Role, User
from clusters.models import ActionCluster
from deal.models import DealRequest, DealRoom
from explore.charts import STYLE, chart_config, render_chart
from explore.models import Area, PublicationStatus
from shape.models import PlanEvent, PlanStatus, ProjectPlan, Stage

# Sign-ups per country are drawn for the largest countries; the rest share one column.
TOP_COUNTRIES = 6
# The period a curator may ask for: wide enough for any real question, and it keeps the
# month-by-month tables (and date arithmetic) bounded.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)


class StatisticsFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not EARLIEST_DAY <= day <= LATEST_DAY:
                self.add_error(
                    name,
                    _("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
                )
                cleaned.pop(name, None)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot come before its start."))
        return cleaned

    def filters(self) -> "Filters":
        data = self.cleaned_data
        return Filters(start=data["start"], end=data["end"], country=data["country"])


@dataclass(frozen=True)
class Filters:
    """The period (both ends included) and the country the figures are limited to."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    country: str = ""

    def period(self, field: str) -> Q:
        """Rows whose datetime `field` falls in the period (days in the site's time zone)."""
        condition = Q()
        if self.start:
            condition &= Q(**{f"{field}__gte": _day_start(self.start)})
        if self.end:
            condition &= Q(**{f"{field}__lt": _day_start(self.end + datetime.timedelta(days=1))})
        return condition


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Row:
    label: str
    values: list[int]


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    label_heading: str
    columns: list[str]
    rows: list[Row]
    # "line" for figures over time, "bars" for figures per group.
    chart: str = "bars"

    @property
    def is_empty(self) -> bool:
        return not any(any(row.values) for row in self.rows)


# --- Members over time ----------------------------------------------------------------------


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.replace(day=1)


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _signups_by_month(filters: Filters, group_by: str) -> dict[tuple[datetime.date, str], int]:
    """Sign-ups per month and group, from the first sign-up until the end of the period.

    Months before the period are read too: the running totals start from them.
    """
    users = User.objects.filter(is_active=True)
    if filters.country:
        users = users.filter(organisation__country=filters.country)
    if filters.end:
        users = users.filter(Filters(end=filters.end).period("date_joined"))
    grouped = (
        users.annotate(month=TruncMonth("date_joined"))
        .order_by()
        .values("month", group_by)
        .annotate(people=Count("id", distinct=True))
    )
    return {(_month(row["month"]), row[group_by] or ""): row["people"] for row in grouped}


def _running_totals(
    counts: dict[tuple[datetime.date, str], int], groups: list[str], filters: Filters
) -> list[Row]:
    if not counts:
        return []
    first = min(month for month, _group in counts)
    today = timezone.localdate()
    last = _month(min(filters.end, today) if filters.end else today)
    # Months before the first sign-up or after today would only repeat zeros or totals.
    shown_from = max(_month(filters.start), first) if filters.start else first
    totals = Counter()
    rows = []
    for month in _months_between(first, last):
        for group in groups:
            totals[group] += counts.get((month, group), 0)
        if month >= shown_from:
            rows.append(Row(month.strftime("%Y-%m"), [totals[group] for group in groups]))
    return rows


def members_by_role(filters: Filters) -> Table:
    """Members holding each role, cumulative by month of sign-up."""
    counts = _signups_by_month(filters, "role_grants__role")
    roles = list(Role)
    return Table(
        slug="members-by-role",
        title=_("Members by role over time (cumulative)"),
        label_heading=_("Month"),
        columns=[str(role.label) for role in roles],
        rows=_running_totals(counts, [role.value for role in roles], filters),
        chart="line",
    )


def members_by_country(filters: Filters) -> Table:
    """Members by their organisation's country, cumulative; small countries share a column."""
    counts = _signups_by_month(filters, "organisation__country")
    per_country = Counter()
    for (_month_start, country), people in counts.items():
        per_country[country] += people
    top = [code for code, _people in per_country.most_common() if code][:TOP_COUNTRIES]
    other = "other"
    merged = Counter()
    for (month, country), people in counts.items():
        merged[(month, country if country in top else other)] += people
    groups = top + ([other] if set(per_country) - set(top) else [])
    names = {code: str(countries.name(code)) for code in top}
    names[other] = _("Other or none")
    return Table(
        slug="members-by-country",
        title=_("Members by country over time (cumulative)"),
        label_heading=_("Month"),
        columns=[names[group] for group in groups],
        rows=_running_totals(dict(merged), groups, filters),
        chart="line",
    )


# --- Explore and Shape ------------------------------------------------------------------------


def solutions_by_area(filters: Filters) -> Table:
    published = Q(solutions__status=PublicationStatus.PUBLISHED) & filters.period(
        "solutions__published_at"
    )
    if filters.country:
        published &= Q(solutions__provider_country=filters.country)
    areas = Area.objects.annotate(published=Count("solutions", filter=published))
    return Table(
        slug="solutions-by-area",
        title=_("Published solutions by area"),
        label_heading=_("Area"),
        columns=[_("Published solutions")],
        rows=[Row(area.name, [area.published]) for area in areas],
    )


def _plans(filters: Filters):
    plans = ProjectPlan.objects.filter(filters.period("created_at"))
    if filters.country:
        plans = plans.filter(city__country=filters.country)
    return plans


# A plan was submitted once it has a submission date or left the draft state for review.
SUBMITTED = Q(submitted_at__isnull=False) | ~Q(status__in=[PlanStatus.DRAFT, PlanStatus.WITHDRAWN])


def plans_by_stage(filters: Filters) -> Table:
    grouped = {
        row["stage"]: row
        for row in _plans(filters)
        .order_by()
        .values("stage")
        .annotate(
            plans=Count("id"),
            submitted=Count("id", filter=SUBMITTED),
            bankable=Count("id", filter=Q(status=PlanStatus.BANKABLE)),
        )
    }
    empty = {"plans": 0, "submitted": 0, "bankable": 0}
    return Table(
        slug="plans-by-stage",
        title=_("Project plans by stage"),
        label_heading=_("Stage"),
        columns=[_("All plans"), _("Submitted"), _("Bankable now")],
        rows=[
            Row(str(stage.label), [grouped.get(stage.value, empty)[key] for key in empty])
            for stage in Stage
        ],
    )


# --- The Explore → Shape → Deal funnel --------------------------------------------------------

FUNNEL_STEPS = ("submitted", "bankable", "requested", "accepted", "closed")


def _funnel_columns() -> list[str]:
    return [
        _("Plans submitted"),
        _("Bankable"),
        _("Deal requested"),
        _("Request accepted"),
        _("Deal closed"),
    ]


def _funnel_plans(filters: Filters):
    """Plans flagged with each funnel step they reached, ready to be grouped and counted."""
    requests = DealRequest.objects.filter(plan=OuterRef("pk"))
    return _plans(filters).annotate(
        was_bankable=Exists(
            PlanEvent.objects.filter(plan=OuterRef("pk"), to_status=PlanStatus.BANKABLE)
        ),
        was_requested=Exists(requests),
        was_accepted=Exists(requests.filter(status=DealRequest.Status.ACCEPTED)),
        was_closed=Exists(
            DealRoom.objects.filter(request__plan=OuterRef("pk"), outcome=DealRoom.Outcome.CLOSED)
        ),
    )


def _funnel_counts(*, distinct: bool) -> dict[str, Count]:
    # Grouping through a many-to-many (areas, clusters) may meet one plan twice per group.
    steps = {
        "submitted": SUBMITTED,
        "bankable": Q(status=PlanStatus.BANKABLE) | Q(was_bankable=True),
        "requested": Q(was_requested=True),
        "accepted": Q(was_accepted=True),
        "closed": Q(was_closed=True),
    }
    return {
        step: Count("id", filter=condition, distinct=distinct) for step, condition in steps.items()
    }


def _funnel_rows(grouped, key: str, labels: dict, *, keep_empty: bool = False) -> list[Row]:
    """Rows in the order of `labels` (every label when `keep_empty`), then any other group."""
    found = {row[key]: [row[step] for step in FUNNEL_STEPS] for row in grouped}
    ordered = list(labels) + [group for group in found if group not in labels]
    return [
        Row(labels.get(group) or _("None"), found.get(group, [0] * len(FUNNEL_STEPS)))
        for group in ordered
        if keep_empty or group in found
    ]


def funnel_total(filters: Filters) -> Table:
    totals = _funnel_plans(filters).aggregate(**_funnel_counts(distinct=False))
    return Table(
        slug="funnel",
        title=_("From plan to deal: the whole platform"),
        label_heading=_("Plans"),
        columns=_funnel_columns(),
        rows=[Row(_("All plans"), [totals[step] for step in FUNNEL_STEPS])],
    )


def funnel_by_country(filters: Filters) -> Table:
    grouped = (
        _funnel_plans(filters)
        .order_by()
        .values("city__country")
        .annotate(**_funnel_counts(distinct=False))
    )
    grouped = list(grouped)
    codes = {row["city__country"] for row in grouped}
    labels = {code: str(countries.name(code)) if code else _("No city") for code in codes}
    rows = sorted(_funnel_rows(grouped, "city__country", labels), key=lambda row: row.label)
    return Table(
        slug="funnel-by-country",
        title=_("From plan to deal, by country of the plan's city"),
        label_heading=_("Country"),
        columns=_funnel_columns(),
        rows=rows,
    )


def funnel_by_area(filters: Filters) -> Table:
    grouped = (
        _funnel_plans(filters)
        .filter(areas__isnull=False)
        .order_by()
        .values("areas")
        .annotate(**_funnel_counts(distinct=True))
    )
    labels = dict(Area.objects.values_list("pk", "name"))
    return Table(
        slug="funnel-by-area",
        title=_("From plan to deal, by area"),
        label_heading=_("Area"),
        columns=_funnel_columns(),
        rows=_funnel_rows(grouped, "areas", labels, keep_empty=True),
    )


def funnel_by_cluster(filters: Filters) -> Table:
    """A plan counts for every cluster that shares at least one of its areas."""
    grouped = (
        _funnel_plans(filters)
        .filter(areas__clusters__isnull=False)
        .order_by()
        .values("areas__clusters")
        .annotate(**_funnel_counts(distinct=True))
    )
    labels = dict(ActionCluster.objects.values_list("pk", "name"))
    return Table(
        slug="funnel-by-cluster",
        title=_("From plan to deal, by action cluster"),
        label_heading=_("Action cluster"),
        columns=_funnel_columns(),
        rows=_funnel_rows(grouped, "areas__clusters", labels, keep_empty=True),
    )


TABLES: dict[str, Callable[[Filters], Table]] = {
    "members-by-role": members_by_role,
    "members-by-country": members_by_country,
    "solutions-by-area": solutions_by_area,
    "plans-by-stage": plans_by_stage,
    "funnel": funnel_total,
    "funnel-by-country": funnel_by_country,
    "funnel-by-area": funnel_by_area,
    "funnel-by-cluster": funnel_by_cluster,
}


def statistics_tables(filters: Filters) -> list[Table]:
    return [compute(filters) for compute in TABLES.values()]


# --- Charts -----------------------------------------------------------------------------------

# Explore's chart style with more opaque colours (each at least 3:1 against white): the
# funnel has five series and the countries seven.
CHART_STYLE = copy.copy(STYLE)
CHART_STYLE.colors = (
    "#0b5394",
    "#a34700",
    "#1d7a3a",
    "#6b3fa0",
    "#b3124e",
    "#00707a",
    "#5c5c00",
)


def table_chart(table: Table) -> str:
    """The table drawn as SVG: lines over the months, or one group of bars per row."""
    if table.chart == "line":
        chart = pygal.Line(
            **chart_config(
                style=CHART_STYLE,
                title=table.title,
                legend_at_bottom=True,
                legend_at_bottom_columns=3,
                x_label_rotation=45,
                show_minor_x_labels=False,
                x_labels_major_every=max(1, len(table.rows) // 12),
                dots_size=3,
            )
        )
        chart.x_labels = [row.label for row in table.rows]
        for index, column in enumerate(table.columns):
            chart.add(column, [row.values[index] for row in table.rows])
        return render_chart(chart)
    rows = list(reversed(table.rows))  # horizontal bars are drawn bottom-up
    chart = pygal.HorizontalBar(
        **chart_config(
            style=CHART_STYLE,
            title=table.title,
            legend_at_bottom=True,
            legend_at_bottom_columns=3,
            truncate_label=-1,
            height=max(400, 160 + 22 * len(rows) * len(table.columns)),
        )
    )
    chart.x_labels = [row.label for row in rows]
    for index, column in enumerate(table.columns):
        chart.add(column, [row.values[index] for row in rows])
    return render_chart(chart)
