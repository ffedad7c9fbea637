"""The Explore demo catalogue (explore/demo.py) and the generate_catalogue command."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Organisation
from explore import demo, selectors, services
from explore.models import (
    ActualValue,
    Area,
    City,
    CostBand,
    Indicator,
    KnowledgeItem,
    Measurement,
    ModerationRecord,
    ProjectCity,
    PublicationStatus,
    ReferenceProject,
    Solution,
    Tag,
)

pytestmark = pytest.mark.django_db

COUNTED = [
    City,
    ReferenceProject,
    ProjectCity,
    Organisation,
    Tag,
    Solution,
    Solution.areas.through,
    Solution.cities.through,
    Solution.tags.through,
    ReferenceProject.solutions.through,
    Indicator,
    Measurement,
    ActualValue,
    KnowledgeItem,
]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


@pytest.fixture
def demo_loaded(db):
    demo.load()


def _generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_catalogue", stdout=out, **options)
    return out.getvalue()


# The demo catalogue


def test_demo_loads_growsmarter_with_stockholm_as_a_lighthouse_city(demo_loaded):
    project = ReferenceProject.objects.get(acronym="GrowSmarter")

    roles = dict(project.city_roles.values_list("city__name", "role"))
    assert roles["Stockholm"] == ProjectCity.Role.LIGHTHOUSE
    assert roles["Graz"] == ProjectCity.Role.FELLOW
    assert (project.programme, project.start_year, project.end_year) == (
        "H2020 SCC-1-2014",
        2015,
        2019,
    )
    assert project.website == "https://grow-smarter.eu"
    assert project.description


def test_demo_loads_all_eighteen_lighthouse_projects_with_observer_cities(demo_loaded):
    assert ReferenceProject.objects.count() == 18
    observers = ProjectCity.objects.filter(role=ProjectCity.Role.OBSERVER)
    assert set(observers.values_list("project__acronym", "city__name")) == {
        ("Triangulum", "Tianjin"),
        ("SMARTER TOGETHER", "Kyiv"),
        ("SMARTER TOGETHER", "Yokohama"),
    }


def test_a_city_in_two_projects_keeps_a_role_in_each(demo_loaded):
    leipzig = City.objects.get(slug="leipzig")

    assert set(leipzig.project_roles.values_list("project__acronym", "role")) == {
        ("Triangulum", ProjectCity.Role.FELLOW),
        ("SPARCS", ProjectCity.Role.LIGHTHOUSE),
    }


def test_demo_leaves_unverified_budgets_empty(demo_loaded):
    budgets = {
        project.acronym: (project.total_budget_eur, project.eu_contribution_eur)
        for project in ReferenceProject.objects.all()
    }

    assert budgets["SmartEnCity"] == (None, None)
    assert budgets["GrowSmarter"] == (None, 25_000_000)
    assert budgets["Triangulum"] == (30_000_000, 25_000_000)
    assert budgets["RESPONSE"] == (19_820_169, None)
    assert ReferenceProject.objects.get(acronym="POCITYF").end_year is None


def test_demo_cities_keep_population_and_its_year(demo_loaded):
    stockholm = City.objects.get(slug="stockholm")

    assert (stockholm.population, stockholm.population_year) == (984_000, 2022)
    assert stockholm.country == "SE"
    assert stockholm.latitude == Decimal("59.3293")
    assert City.objects.get(slug="prague").population_year == 2015


def test_demo_publishes_about_forty_solutions_across_all_eleven_areas(demo_loaded):
    solutions = Solution.objects.all()

    assert 35 <= solutions.count() <= 45
    assert not solutions.exclude(status=PublicationStatus.PUBLISHED).exists()
    assert not solutions.filter(published_at__isnull=True).exists()
    two_years_ago = timezone.now() - timezone.timedelta(days=731)
    assert not solutions.filter(published_at__lt=two_years_ago).exists()
    assert Area.objects.filter(solutions__isnull=True).count() == 0
    assert all(len(solution.summary) <= 500 for solution in solutions)
    assert {solution.maturity for solution in solutions} == {
        "idea",
        "pilot",
        "demonstrated",
        "at_scale",
    }


def test_demo_solution_facets_agree_with_costs_and_providers(demo_loaded):
    solutions = list(Solution.objects.select_related("provider"))

    for solution in solutions:
        assert solution.cost_band == CostBand.for_amount(solution.cost_min_eur), solution.slug
        assert solution.provider_kind == solution.provider.kind, solution.slug
        assert solution.provider_country == solution.provider.country, solution.slug
    assert {solution.provider_kind for solution in solutions} >= {
        "company",
        "sme",
        "research",
        "city",
    }
    assert len({solution.cost_band for solution in solutions}) == len(CostBand.choices)


def test_demo_links_solutions_to_the_projects_and_cities_that_used_them(demo_loaded):
    growsmarter = ReferenceProject.objects.get(acronym="GrowSmarter")

    assert growsmarter.solutions.filter(slug="multi-service-smart-lamp-posts").exists()
    lamp_posts = Solution.objects.get(slug="multi-service-smart-lamp-posts")
    assert "stockholm" in lamp_posts.cities.values_list("slug", flat=True)
    assert lamp_posts.tags.exists()


def test_demo_records_us_road_fatality_rates_as_a_national_measurement(demo_loaded):
    measurement = Measurement.objects.get(indicator__code="SAF-01", country="US")

    assert (measurement.baseline_value, measurement.baseline_year) == (Decimal("1.11"), 2019)
    actuals = {actual.year: actual for actual in measurement.actuals.all()}
    assert actuals[2020].value == Decimal("1.34")
    assert actuals[2021].value == Decimal("1.33")
    assert actuals[2021].note == "NHTSA early estimate"
    assert "NHTSA" in measurement.source
    assert "FARS" in measurement.source
    assert measurement.indicator.direction == Indicator.Direction.LOWER


def test_demo_records_us_road_deaths_beside_the_rate(demo_loaded):
    measurement = Measurement.objects.get(indicator__code="SAF-04", country="US")

    actuals = {actual.year: actual.value for actual in measurement.actuals.all()}
    assert (measurement.baseline_value, measurement.baseline_year) == (Decimal(36_096), 2019)
    assert actuals == {2020: Decimal(38_824), 2021: Decimal(42_915)}
    assert "early estimate" in measurement.source


def test_demo_news_of_a_dated_release_keeps_its_own_date(demo_loaded):
    news = KnowledgeItem.objects.get(slug="us-road-deaths-2021-early-estimate")

    assert news.published_at.date() == date(2022, 5, 18)


def test_demo_has_an_indicator_measured_in_at_least_three_cities(demo_loaded):
    city_counts = [
        indicator.measurements.filter(city__isnull=False).count()
        for indicator in Indicator.objects.all()
    ]

    assert Indicator.objects.count() == 16
    assert max(city_counts) >= 3
    national = ["SAF-01", "SAF-04"]
    for measurement in Measurement.objects.exclude(indicator__code__in=national):
        assert 2 <= measurement.actuals.count() <= 4, measurement


def test_demo_knowledge_covers_every_kind_with_some_events_still_to_come(demo_loaded):
    items = KnowledgeItem.objects.filter(status=PublicationStatus.PUBLISHED)

    assert 10 <= items.count() <= 14
    assert set(items.values_list("kind", flat=True)) == set(KnowledgeItem.Kind.values)
    events = items.filter(kind=KnowledgeItem.Kind.EVENT)
    for event in events:
        event.full_clean()  # a start, an end after it, and a place or an online link
        assert event.event_end
    assert events.filter(event_start__gt=timezone.now()).exists()


def test_loading_the_demo_twice_changes_nothing(demo_loaded):
    before = _row_counts()
    stamps = dict(Solution.objects.values_list("slug", "updated_at"))

    demo.load()

    assert _row_counts() == before
    assert dict(Solution.objects.values_list("slug", "updated_at")) == stamps


def test_loading_the_demo_again_restores_an_edited_row(demo_loaded):
    Solution.objects.filter(slug="adaptive-led-street-lighting").update(
        title="Edited", cost_band=CostBand.UNKNOWN
    )

    demo.load()

    restored = Solution.objects.get(slug="adaptive-led-street-lighting")
    assert restored.title == "Adaptive LED street lighting"
    assert restored.cost_band == CostBand.UNDER_50K


def test_seed_demo_loads_the_explore_catalogue_authored_by_the_demo_member(db):
    call_command("seed_demo", stdout=io.StringIO())

    assert ReferenceProject.objects.filter(acronym="GrowSmarter").exists()
    authors = set(Solution.objects.values_list("author__email", flat=True))
    assert authors == {"member@example.org"}


# The demo member's submissions (explore/demo_data/submissions.json)

PENDING_SOLUTION = "Timed school streets"
PENDING_EVENT = "Workshop: from a school-street trial to a permanent scheme"
DRAFT = "Loading bays booked by app"
EDITED_SLUG = "climate-budget-tool"
PUBLISHED_SUMMARY = "gives each city department a yearly emissions budget"
PROPOSED_SUMMARY = "a yearly greenhouse-gas budget next to its money budget"


@pytest.fixture
def demo_with_submissions(member) -> dict[str, int]:
    """The demo loaded with its author present (the member persona is member@example.org)."""
    return demo.load()


def _submission_counts() -> dict[str, int]:
    return {**_row_counts(), "records": ModerationRecord.objects.count()}


def test_the_demo_fills_the_moderation_queue_with_new_work_and_an_edit(
    client_for, curator, demo_with_submissions
):
    queue = selectors.moderation_queue(user=curator)

    solutions = list(queue["solutions"])
    assert demo_with_submissions["submissions"] == 4
    assert {(s.title, s.revision_of_id is not None) for s in solutions} == {
        (PENDING_SOLUTION, False),
        (Solution.objects.get(slug=EDITED_SLUG).title, True),
    }
    [event] = queue["knowledge"]
    assert (event.title, event.kind) == (PENDING_EVENT, KnowledgeItem.Kind.EVENT)
    assert event.event_start > timezone.now()
    event.full_clean()  # an end after the start, and a place
    school_streets = Solution.objects.get(title=PENDING_SOLUTION)
    assert school_streets.areas.count() == 3
    assert school_streets.cost_band == CostBand.UNDER_50K
    assert school_streets.author.email == demo.DEMO_AUTHOR_EMAIL
    page = client_for(curator).get(reverse("explore:moderation-queue")).content.decode()
    assert escape(PENDING_SOLUTION) in page
    assert escape(PENDING_EVENT) in page
    assert PROPOSED_SUMMARY in page  # what the edit changes, beside the published text
    assert PUBLISHED_SUMMARY in page


def test_the_published_original_keeps_its_summary_while_the_demo_edit_waits(
    client, demo_with_submissions
):
    original = Solution.objects.get(slug=EDITED_SLUG)

    page = client.get(original.get_absolute_url()).content.decode()

    assert original.status == PublicationStatus.PUBLISHED
    assert PUBLISHED_SUMMARY in page
    assert PROPOSED_SUMMARY not in page
    assert original.revisions.get().status == PublicationStatus.PENDING


def test_the_demo_draft_is_its_authors_alone_and_not_in_the_queue(
    client_for, member, promoter, curator, demo_with_submissions
):
    draft = Solution.objects.get(title=DRAFT)

    own = client_for(member).get(reverse("explore:my-submissions")).content.decode()

    assert draft.status == PublicationStatus.DRAFT
    assert escape(DRAFT) in own
    assert escape(PENDING_SOLUTION) in own
    assert client_for(promoter).get(draft.get_absolute_url()).status_code == 404
    queue = client_for(curator).get(reverse("explore:moderation-queue")).content.decode()
    assert escape(DRAFT) not in queue


def test_the_demo_has_no_submissions_without_its_member(db):
    assert demo.load()["submissions"] == 0
    assert not Solution.objects.exclude(status=PublicationStatus.PUBLISHED).exists()
    assert not KnowledgeItem.objects.exclude(status=PublicationStatus.PUBLISHED).exists()


def test_loading_the_demo_twice_makes_no_second_submission(demo_with_submissions):
    before = _submission_counts()
    stamps = dict(Solution.objects.values_list("slug", "updated_at"))

    again = demo.load()

    assert again == demo_with_submissions
    assert _submission_counts() == before
    assert dict(Solution.objects.values_list("slug", "updated_at")) == stamps


def test_a_reload_leaves_submissions_a_curator_decided_alone(curator, demo_with_submissions):
    services.content_publish(item=Solution.objects.get(title=PENDING_SOLUTION), actor=curator)
    services.content_publish(
        item=Solution.objects.get(revision_of__slug=EDITED_SLUG), actor=curator
    )
    services.content_reject(
        item=KnowledgeItem.objects.get(title=PENDING_EVENT), actor=curator, reason="Add a fee."
    )

    demo.load()

    assert Solution.objects.get(title=PENDING_SOLUTION).status == PublicationStatus.PUBLISHED
    assert not Solution.objects.filter(revision_of__slug=EDITED_SLUG).exists()
    assert KnowledgeItem.objects.get(title=PENDING_EVENT).status == PublicationStatus.DRAFT
    queue = selectors.moderation_queue(user=curator)
    assert not queue["solutions"].exists()
    assert not queue["knowledge"].exists()


# generate_catalogue


def test_generator_creates_exactly_the_requested_number_of_published_solutions(db):
    _generate(solutions=300, seed=7, batch_size=64)

    assert Solution.objects.count() == 300
    assert Solution.objects.filter(status=PublicationStatus.PUBLISHED).count() == 300
    assert not Solution.objects.filter(published_at__isnull=True).exists()


def test_generated_solutions_each_have_areas_and_a_distinct_slug(db):
    _generate(solutions=300, seed=7, batch_size=64)

    slugs = list(Solution.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 300
    assert all(slug.startswith("gen-7-") for slug in slugs)
    assert not Solution.objects.filter(areas__isnull=True).exists()
    assert Solution.objects.filter(cities__isnull=False).distinct().count() > 150


def test_generated_cost_band_matches_the_lower_cost(db):
    _generate(solutions=300, seed=7, batch_size=64)

    rows = list(Solution.objects.values_list("cost_min_eur", "cost_max_eur", "cost_band"))
    for cost_min, cost_max, band in rows:
        assert band == CostBand.for_amount(cost_min)
        assert (cost_min is None) == (cost_max is None)
        assert cost_max is None or cost_max >= cost_min
    assert len({band for _low, _high, band in rows}) == len(CostBand.choices)


def test_generated_provider_facets_equal_the_providers_own(db):
    _generate(solutions=300, seed=7, batch_size=64)

    rows = list(Solution.objects.select_related("provider"))
    for solution in rows:
        assert solution.provider_kind == solution.provider.kind
        assert solution.provider_country == solution.provider.country
    assert len({solution.provider_kind for solution in rows}) >= 4
    assert len({solution.provider_country.code for solution in rows}) >= 10
    assert len({solution.maturity for solution in rows}) == 4


def test_generator_reuses_its_providers_and_never_reuses_a_slug(db):
    demo.load()
    demo_slugs = set(Solution.objects.values_list("slug", flat=True))

    _generate(solutions=120, seed=3, batch_size=50)
    organisations = Organisation.objects.count()
    _generate(solutions=120, seed=3, batch_size=50)

    assert Organisation.objects.count() == organisations
    assert Solution.objects.count() == len(demo_slugs) + 240
    assert Solution.objects.filter(slug__startswith="gen-3-").count() == 240
    assert set(
        Solution.objects.exclude(slug__startswith="gen-").values_list("slug", flat=True)
    ) == (demo_slugs)


def test_generator_puts_each_rare_word_in_only_a_handful_of_rows(db):
    out = _generate(solutions=300, seed=7, batch_size=64)

    assert "axolotl" in out
    matches = Solution.objects.filter(body__icontains="axolotl").count()
    assert 1 <= matches <= 3
    assert Solution.objects.filter(body__icontains="energy").count() > 30


def test_generator_draws_a_progress_bar_up_to_one_hundred_percent(db):
    out = _generate(solutions=300, seed=7, batch_size=100)

    assert "\r[" + "." * 30 + "]   0% 0/300" in out
    assert "\r[" + "#" * 10 + "." * 20 + "]  33% 100/300" in out
    assert "\r[" + "#" * 30 + "] 100% 300/300" in out


def test_generator_makes_knowledge_items_on_request(db):
    _generate(solutions=0, knowledge=200, seed=5, batch_size=64)

    items = KnowledgeItem.objects.all()
    assert items.count() == 200
    assert not items.filter(areas__isnull=True).exists()
    assert set(items.values_list("kind", flat=True)) == set(KnowledgeItem.Kind.values)
    for event in items.filter(kind=KnowledgeItem.Kind.EVENT):
        event.full_clean()


def _reads_and_inserts(queries: CaptureQueriesContext) -> tuple[int, int]:
    inserts = sum(query["sql"].startswith("INSERT") for query in queries.captured_queries)
    return len(queries) - inserts, inserts


def test_generator_queries_do_not_grow_with_the_number_of_rows(db):
    _generate(solutions=1, seed=1)  # providers and tags exist from here on

    with CaptureQueriesContext(connection) as few:
        _generate(solutions=10, seed=1, batch_size=1000)
    with CaptureQueriesContext(connection) as many:
        _generate(solutions=200, seed=1, batch_size=1000)

    reads_few, _inserts_few = _reads_and_inserts(few)
    reads_many, inserts_many = _reads_and_inserts(many)
    assert reads_many == reads_few
    # One INSERT per table and batch; SQLite's parameter limit may split a few of them,
    # whereas one query per row would mean hundreds.
    assert inserts_many < 20
