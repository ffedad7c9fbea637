"""The map of cities and reference projects: its filter form, its query and its marker data."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from explore.filters import cities_countries
from explore.models import City, ProjectCity, ReferenceProject


def map_settings(request) -> dict:
    """Context processor: the tile source, for every page that includes a map partial."""
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }


class MapFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    project = forms.ModelChoiceField(
        label=_("Reference project"),
        queryset=ReferenceProject.objects.only("acronym", "name", "slug").order_by("acronym"),
        to_field_name="slug",
        required=False,
        empty_label=_("All projects"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only countries that have a city on the map are worth offering.
        codes = cities_countries()
        self.fields["country"].choices = [("", _("All countries"))] + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: choice[1]
        )
        self.fields["project"].label_from_instance = lambda project: (
            f"{project.acronym} — {project.name}"
        )


@dataclass
class MapSelection:
    cities: list[City]
    projects: list[ReferenceProject]


def map_selection(*, country: str = "", project: ReferenceProject | None = None) -> MapSelection:
    """The cities and projects matching the filters; the list and the markers share them."""
    cities = City.objects.order_by("name").prefetch_related(
        Prefetch(
            "projects",
            queryset=ReferenceProject.objects.only("acronym", "name", "slug").order_by("acronym"),
        )
    )
    projects = ReferenceProject.objects.order_by("acronym").prefetch_related(
        Prefetch("cities", queryset=City.objects.only("name", "slug", "country").order_by("name"))
    )
    if country:
        cities = cities.filter(country=country)
        in_country = ProjectCity.objects.filter(city__country=country).values("project_id")
        projects = projects.filter(pk__in=in_country)
    if project is not None:
        cities = cities.filter(pk__in=project.city_roles.values("city_id"))
        projects = projects.filter(pk=project.pk)
    return MapSelection(cities=list(cities), projects=list(projects))


def city_markers(cities) -> list[dict]:
    """What map.js needs per marker, ready for `json_script` (plain numbers and strings)."""
    return [
        {
            "name": city.name,
            "country": city.country.name,
            "url": city.get_absolute_url(),
            "lat": float(city.latitude),
            "lng": float(city.longitude),
            "projects": [
                {
                    "acronym": project.acronym,
                    "name": project.name,
                    "url": project.get_absolute_url(),
                }
                for project in city.projects.all()
            ],
        }
        for city in cities
    ]
