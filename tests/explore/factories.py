"""Explore's content, published unless a test says otherwise; areas are the migration's rows."""

from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from explore import services
from explore.models import (
    ActualValue,
    Area,
    City,
    CostBand,
    Indicator,
    KnowledgeItem,
    Maturity,
    Measurement,
    PublicationStatus,
    ReferenceProject,
    Solution,
    Tag,
)
from tests.factories import OrganisationFactory

DEFAULT_AREA = "sustainable-urban-mobility"


def _published_at(item):
    return timezone.now() if item.status == PublicationStatus.PUBLISHED else None


def _areas(slugs_or_areas) -> list[Area]:
    """Areas given as Area rows or as slugs of the rows the migration loads."""
    items = list(slugs_or_areas)
    slugs = [item for item in items if isinstance(item, str)]
    found = {area.slug: area for area in Area.objects.filter(slug__in=slugs)}
    missing = set(slugs) - set(found)
    assert not missing, f"no such area: {sorted(missing)}"
    return [found[item] if isinstance(item, str) else item for item in items]


def many_set(field: str) -> factory.PostGeneration:
    """Sets the many-to-many `field` to the rows a test passes (`cities=[...]`), if any."""

    def set_rows(instance, create, extracted, **kwargs):
        if create and extracted:
            getattr(instance, field).set(extracted)

    return factory.PostGeneration(set_rows)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.LazyAttribute(lambda city: slugify(city.name))
    country = "BE"
    latitude = Decimal("51.05434")
    longitude = Decimal("3.71742")
    population = 265_000
    population_year = 2023


class SolutionFactory(factory.django.DjangoModelFactory):
    """A published solution in one area; `areas=[...]` and `cities=[...]` replace the defaults."""

    class Meta:
        model = Solution
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Solution {n}")
    slug = factory.LazyAttribute(lambda solution: slugify(solution.title))
    summary = factory.LazyAttribute(lambda solution: f"What {solution.title} does")
    provider = factory.SubFactory(OrganisationFactory)
    # Copied from the provider, as the services do.
    provider_kind = factory.LazyAttribute(lambda s: s.provider.kind if s.provider else "")
    provider_country = factory.LazyAttribute(lambda s: s.provider.country if s.provider else "")
    maturity = Maturity.PILOT
    cost_min_eur = 120_000
    cost_max_eur = 400_000
    cost_band = factory.LazyAttribute(lambda solution: CostBand.for_amount(solution.cost_min_eur))
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyAttribute(_published_at)
    author = None

    @factory.post_generation
    def areas(solution, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            services.solution_areas_set(
                solution=solution,
                areas=_areas(extracted if extracted is not None else [DEFAULT_AREA]),
            )

    cities = many_set("cities")
    tags = many_set("tags")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda tag: slugify(tag.name))


class ReferenceProjectFactory(factory.django.DjangoModelFactory):
    """A project; `cities=[...]` joins them as lighthouse cities, `solutions=[...]` as used."""

    class Meta:
        model = ReferenceProject
        skip_postgeneration_save = True

    acronym = factory.Sequence(lambda n: f"PROJ{n}")
    name = factory.LazyAttribute(lambda project: f"The {project.acronym} lighthouse project")
    slug = factory.LazyAttribute(lambda project: slugify(project.acronym))
    programme = "Horizon 2020"
    start_year = 2019
    end_year = 2024
    total_budget_eur = 20_000_000
    eu_contribution_eur = 18_000_000

    @factory.post_generation
    def cities(project, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            for city in extracted:
                project.cities.add(
                    city, through_defaults={"role": kwargs.get("role", "lighthouse")}
                )

    solutions = many_set("solutions")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KPI-{n}")
    slug = factory.LazyAttribute(lambda indicator: slugify(indicator.code))
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "t CO2e"
    direction = Indicator.Direction.LOWER
    area = factory.LazyFunction(lambda: Area.objects.get(slug="baselines-indicators-metrics"))
    definition = "Measured once a year."


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A city's baseline and target; `actuals={year: value}` adds the values reached."""

    class Meta:
        model = Measurement
        skip_postgeneration_save = True

    indicator = factory.SubFactory(IndicatorFactory)
    city = factory.SubFactory(CityFactory)
    project = None
    country = ""
    baseline_value = Decimal("100.0000")
    baseline_year = 2018
    target_value = Decimal("60.0000")
    target_year = 2030
    source = "City statistics office"

    @factory.post_generation
    def actuals(measurement, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            for year, value in extracted.items():
                ActualValue.objects.create(measurement=measurement, year=year, value=value)


class KnowledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Knowledge item {n}")
    slug = factory.LazyAttribute(lambda item: slugify(item.title))
    summary = factory.LazyAttribute(lambda item: f"What {item.title} tells")
    kind = KnowledgeItem.Kind.INSIGHT
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyAttribute(_published_at)
    author = None

    @factory.post_generation
    def areas(item, create, extracted, **kwargs):  # noqa: N805
        if create:
            item.areas.set(_areas(extracted if extracted is not None else [DEFAULT_AREA]))


def measured_indicators(*, project_source: str = "Project report") -> None:
    """ENV-1 measured for a city (with actuals), a project and a country; ENV-2 not at all."""
    emissions = IndicatorFactory(code="ENV-1", name="Emissions")
    MeasurementFactory(
        indicator=emissions,
        city=CityFactory(name="Ghent"),
        actuals={2022: Decimal("75.5"), 2020: Decimal("90")},
    )
    MeasurementFactory(
        indicator=emissions,
        city=None,
        project=ReferenceProjectFactory(acronym="REPLICATE"),
        baseline_year=2019,
        target_value=None,
        target_year=None,
        source=project_source,
    )
    MeasurementFactory(indicator=emissions, city=None, country="FR", baseline_year=2020)
    IndicatorFactory(code="ENV-2", name="Energy use")


def indicators_measured_three_ways(count: int) -> None:
    """`count` indicators, each measured for a city (three actuals), a project and a country."""
    for _ in range(count):
        indicator = IndicatorFactory()
        MeasurementFactory(indicator=indicator, actuals={2020: 1, 2021: 2, 2022: 3})
        MeasurementFactory(indicator=indicator, city=None, project=ReferenceProjectFactory())
        MeasurementFactory(indicator=indicator, city=None, country="NL", actuals={2021: 4})
