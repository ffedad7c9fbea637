"""The filters of the catalogue's lists, shared by the pages, the exports and the API."""

from functools import partial, reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Organisation
from explore.models import (
    Area,
    City,
    CostBand,
    Indicator,
    KnowledgeItem,
    Maturity,
    ReferenceProject,
    Solution,
    events_on_at,
)

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10  # as many as the portable full-text search (explore.search) reads

# What a search finds each of these by: its lists, its API and the site search alike.
PROJECT_TEXT_FIELDS = ("name", "acronym", "description")
CITY_TEXT_FIELDS = ("name",)
INDICATOR_TEXT_FIELDS = ("name", "code")


def country_choices():
    # A callable, not a list: forms deep-copy their fields on every request, and copying
    # some 250 translated country names cost more than running the search.
    return list(countries)


class SearchQueryField(forms.CharField):
    """Free text, trimmed and cut to a length that search can handle quickly."""

    def to_python(self, value):
        return super().to_python(value).strip()[:MAX_QUERY_LENGTH]


def every_word_in(fields: tuple[str, ...], text: str) -> Q:
    """Rows where each word of `text` occurs in at least one of `fields`, ignoring case.

    Words, not the whole text: "road fatalities" finds "Road traffic fatalities", and a
    city's name with a word from the description finds a project. No words: every row.
    """
    condition = Q()
    for word in text.split()[:MAX_QUERY_WORDS]:
        condition &= reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))
    return condition


class SiteSearchForm(forms.Form):
    q = SearchQueryField(label=_("Search"), required=False)


class WordsFilter(django_filters.CharFilter):
    """The query's words, each in one of `fields` (see every_word_in)."""

    field_class = SearchQueryField

    def __init__(self, *, fields: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.text_fields = fields

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(every_word_in(self.text_fields, value))


class SearchFilter(django_filters.CharFilter):
    field_class = SearchQueryField

    def filter(self, queryset, value):
        # Applied by the selectors, which rank on PostgreSQL and fall back elsewhere.
        return queryset


# How the full-text searchable content (solutions, knowledge) can be ordered.
CONTENT_SORTS = [("relevance", _("Relevance")), ("newest", _("Newest")), ("title", _("Title"))]


class SortFilter(django_filters.ChoiceFilter):
    """The order of a list: one of `choices`, the first when none is given.

    Applied by the selectors, which know what each choice orders by.
    """

    def __init__(self, **kwargs):
        super().__init__(label=_("Sort by"), empty_label=None, **kwargs)

    def filter(self, queryset, value):
        return queryset


def cities_countries() -> set[str]:
    return set(City.objects.order_by().values_list("country", flat=True).distinct())


def project_countries() -> set[str]:
    return set(
        City.objects.filter(project_roles__isnull=False)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )


def programmes() -> list[str]:
    rows = ReferenceProject.objects.exclude(programme="").order_by("programme")
    return list(rows.values_list("programme", flat=True).distinct())


class ListFilterSet(django_filters.FilterSet):
    """The filters of a list page, offering only what some row has.

    `offered` names, per filter, a function giving the values rows have. A choice field
    shows those of its choices (and any chosen one, so that it can be unticked); a text
    field suggests them. Validation is unchanged: a valid value no row has finds nothing.
    The functions run only when the form is drawn, so the API and exports never call them.
    """

    offered: dict = {}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, values in self.offered.items():
                _offer(form[name], values)
        return self._form


def _offer(bound_field, values) -> None:
    field = bound_field.field
    if isinstance(field, forms.ChoiceField):
        shown = partial(_shown_choices, field, values, bound_field.value)
        field.widget.choices = CallableChoiceIterator(shown)
    else:
        field.widget.attrs["list"] = f"{bound_field.auto_id}_suggestions"
        field.suggestions = values


def _shown_choices(field, values, chosen) -> list:
    shown = {str(value) for value in [*values(), *(chosen() or [])]}
    return [(value, label) for value, label in field.choices if str(value) in shown]


class SolutionFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    area = django_filters.ModelMultipleChoiceFilter(
        label=_("Area"),
        field_name="areas__slug",
        to_field_name="slug",
        queryset=Area.objects.all(),
        method="filter_areas",
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Provider country"), field_name="provider_country", choices=country_choices
    )
    maturity = django_filters.MultipleChoiceFilter(label=_("Maturity"), choices=Maturity.choices)
    provider_kind = django_filters.MultipleChoiceFilter(
        label=_("Provider kind"), choices=Organisation.Kind.choices
    )
    cost = django_filters.MultipleChoiceFilter(
        label=_("Typical cost"), field_name="cost_band", choices=CostBand.choices
    )
    sort = SortFilter(choices=CONTENT_SORTS)

    FACETS = ("area", "country", "maturity", "provider_kind", "cost")

    class Meta:
        model = Solution
        fields = []

    def filter_areas(self, queryset, name, areas):
        # Any of the chosen areas, read from the solution's own area bits.
        if not areas:
            return queryset
        chosen = F("area_mask").bitand(Area.mask_of(areas))
        return queryset.alias(chosen_areas=chosen).filter(chosen_areas__gt=0)


class KnowledgeFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=KnowledgeItem.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    area = django_filters.ModelMultipleChoiceFilter(
        label=_("Area"),
        field_name="areas__slug",
        to_field_name="slug",
        queryset=Area.objects.all(),
        distinct=True,
        widget=forms.CheckboxSelectMultiple,
    )
    events = django_filters.ChoiceFilter(
        label=_("Events"),
        choices=[("upcoming", _("Upcoming and ongoing")), ("past", _("Past"))],
        method="filter_events",
        empty_label=_("Any time"),
    )
    sort = SortFilter(choices=CONTENT_SORTS)

    class Meta:
        model = KnowledgeItem
        fields = []

    def filter_events(self, queryset, name, value):
        still_on = events_on_at(timezone.now())
        events = queryset.filter(kind=KnowledgeItem.Kind.EVENT)
        return events.filter(still_on) if value == "upcoming" else events.exclude(still_on)


class ProjectFilter(ListFilterSet):
    q = WordsFilter(label=_("Search"), fields=PROJECT_TEXT_FIELDS)
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"),
        field_name="cities__country",
        choices=country_choices,
        distinct=True,
        widget=forms.CheckboxSelectMultiple,
    )
    programme = django_filters.CharFilter(label=_("Programme"), lookup_expr="icontains")
    sort = SortFilter(
        choices=[
            ("acronym", _("Acronym")),
            ("newest", _("Latest start")),
            ("eu_contribution", _("Largest EU contribution")),
            ("name", _("Name")),
        ]
    )

    offered = {"country": project_countries, "programme": programmes}

    class Meta:
        model = ReferenceProject
        fields = []


class CityFilter(ListFilterSet):
    q = WordsFilter(label=_("Search"), fields=CITY_TEXT_FIELDS)
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"), choices=country_choices, widget=forms.CheckboxSelectMultiple
    )
    sort = SortFilter(
        choices=[
            ("name", _("Name")),
            ("population", _("Largest population")),
            ("projects", _("Most projects")),
        ]
    )

    offered = {"country": cities_countries}

    class Meta:
        model = City
        fields = []


class IndicatorFilter(django_filters.FilterSet):
    q = WordsFilter(label=_("Search"), fields=INDICATOR_TEXT_FIELDS)
    area = django_filters.ModelMultipleChoiceFilter(
        label=_("Area"),
        field_name="area__slug",
        to_field_name="slug",
        queryset=Area.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    sort = SortFilter(
        choices=[("code", _("Code")), ("name", _("Name")), ("measurements", _("Most measurements"))]
    )

    class Meta:
        model = Indicator
        fields = []
