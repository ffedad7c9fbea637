"""On PostgreSQL, facet counts come from bitmaps that every change keeps exact."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from explore import bitmaps, selectors, tasks
from explore.filters import SolutionFilter
from explore.models import Area, Maturity, PublicationStatus, Solution
from tests.explore.test_search_and_facets import add_solution, run_search
from tests.factories import OrganisationFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

SEARCHES = [
    "",
    "maturity=pilot",
    "area=standards&area=citizen-focus",
    "q=parking",
    "q=parking&maturity=pilot&area=standards",
    "q=parking&maturity=pilot&maturity=idea&country=DE&cost=under_50k&provider_kind=sme",
    "q=sensors&area=citizen-focus",
    "q=parking sensors",
    "q=Parking lamp&maturity=idea",
    "q=parking sensors street&country=FR&area=standards",
]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def cleaned(querystring: str) -> dict:
    filters = SolutionFilter(QueryDict(querystring))
    assert filters.is_valid(), filters.errors
    return filters.form.cleaned_data


def shown(rows, data) -> tuple:
    """What the page shows from counted rows: every facet's values, counts and totals."""
    facets, totals = selectors._facets_from_rows(rows, data, list(Area.objects.all()))
    listed = [(f.name, [(v.value, v.count) for v in f.values], f.count_without) for f in facets]
    return listed, totals


def assert_bitmaps_count_as_the_rows_do(searches=SEARCHES):
    for querystring in searches:
        data = cleaned(querystring)
        from_bitmaps = bitmaps.facet_rows_from_bitmaps(data)
        assert from_bitmaps is not None, querystring
        from_rows = selectors.solution_facet_rows(data=data)
        assert shown(from_bitmaps, data) == shown(from_rows, data), querystring


def catalogue():
    german_sme = OrganisationFactory(country="DE", kind="sme")
    french_city = OrganisationFactory(country="FR", kind="city")
    add_solution("Parking sensors", maturity=Maturity.PILOT, areas=["standards"])
    add_solution("Parking apps", provider=german_sme, cost=20_000, areas=["citizen-focus"])
    add_solution(
        "Street lighting",
        body="Parking sensors in every lamp post",
        provider=french_city,
        maturity=Maturity.IDEA,
        areas=["standards", "citizen-focus"],
    )
    add_solution("Bike lanes", provider=german_sme, maturity=Maturity.AT_SCALE)
    add_solution("Parking draft", status=PublicationStatus.DRAFT)


def test_counts_from_bitmaps_equal_counts_from_rows():
    catalogue()
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=1)

    assert_bitmaps_count_as_the_rows_do()
    assert shown(bitmaps.facet_rows_from_bitmaps(cleaned("q=parking")), {})[1] == {
        "total": 3,
        "title": 2,
    }


def test_every_kind_of_change_keeps_the_bitmaps_exact():
    catalogue()
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=1)
    lighting = Solution.objects.get(title="Street lighting")
    bikes = Solution.objects.get(title="Bike lanes")
    draft = Solution.objects.get(title="Parking draft")

    Solution.objects.filter(pk=bikes.pk).update(body="Parking next to every station")
    Solution.objects.filter(pk=lighting.pk).update(body="Lamps", maturity=Maturity.PILOT)
    Solution.objects.filter(pk=draft.pk).update(status=PublicationStatus.PUBLISHED)
    Solution.objects.filter(title="Parking apps").update(status=PublicationStatus.ARCHIVED)
    Solution.objects.filter(title="Parking sensors").delete()
    add_solution("Parking in Malta", provider=OrganisationFactory(country="MT"))

    assert_bitmaps_count_as_the_rows_do()
    assert run_search(q="parking").total == 3


def test_a_solution_beyond_the_bitmaps_width_widens_them_all():
    catalogue()
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('explore_solution', 'id'), 70000)")
    add_solution("Parking far away")

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT length(bits) FROM explore_facetbitmap")
        widths = [row[0] for row in cursor.fetchall()]
    assert widths == [131_072]
    assert_bitmaps_count_as_the_rows_do()


def test_searches_the_bitmaps_cannot_answer_are_counted_from_the_rows():
    catalogue()
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=3)  # "parking" only

    assert bitmaps.facet_rows_from_bitmaps(cleaned("q=sensors")) is None
    assert bitmaps.facet_rows_from_bitmaps(cleaned("q=parking sensors")) is None
    assert run_search(q="sensors").total == 2
    assert run_search(q="parking sensors").total == 2
    assert run_search(q="parking").total == 3


def test_search_operators_are_counted_from_the_rows():
    catalogue()
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=1)

    for text in ["parking or sensors", "parking OR lamp", "parking -sensors", '"parking sensors"']:
        assert bitmaps.facet_rows_from_bitmaps(cleaned(f"q={text}")) is None, text
    assert run_search(q="parking or lamp").total == 3
    assert run_search(q="parking -sensors").total == 1


def test_emptying_the_search_table_leaves_empty_bitmaps_not_stale_ones():
    catalogue()
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=1)

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE explore_solutionsearchentry")

    rows = bitmaps.facet_rows_from_bitmaps(cleaned(""))
    assert shown(rows, {})[1]["total"] == 0


def test_generating_a_catalogue_builds_the_bitmaps_once_at_the_end():
    call_command("generate_catalogue", solutions=60, stdout=io.StringIO())

    assert shown(bitmaps.facet_rows_from_bitmaps(cleaned("")), {})[1]["total"] == 60
    data = cleaned("maturity=pilot")
    from_bitmaps = bitmaps.facet_rows_from_bitmaps(data)
    assert shown(from_bitmaps, data) == shown(selectors.solution_facet_rows(data=data), data)


def test_the_nightly_task_builds_the_bitmaps_again(settings):
    catalogue()
    bitmaps.facet_bitmaps_drop()
    assert bitmaps.facet_rows_from_bitmaps(cleaned("")) is None

    tasks.rebuild_facet_bitmaps.delay()

    assert "rebuild-facet-bitmaps" in settings.CELERY_BEAT_SCHEDULE
    assert_bitmaps_count_as_the_rows_do(searches=["", "maturity=pilot&area=standards"])
