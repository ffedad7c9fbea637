"""Curators read platform statistics: charts, their tables and CSV files; nobody else does."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from clusters.models import ActionCluster
from deal.models import DealRequest, DealRoom
from explore.models import Area, PublicationStatus
from shape.models import PlanEvent, PlanStatus
from tests.deal.factories import DealRequestFactory, DealRoomFactory
from tests.explore.factories import CityFactory, SolutionFactory
from tests.factories import OrganisationFactory, UserFactory
from tests.shape.factories import PlanFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("clusters:statistics")


def chart_url(table="funnel"):
    return reverse("clusters:statistics-chart", args=[table])


def export_url(table="funnel"):
    return reverse("clusters:statistics-export", args=[table])


def csv_rows(client, table, params=None) -> list[list[str]]:
    response = client.get(export_url(table), params or {})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def table_of(response, slug):
    return next(table for table in response.context["tables"] if table.slug == slug)


def figures(table) -> dict[str, list[int]]:
    return {row.label: row.values for row in table.rows}


def area(slug):
    return Area.objects.get(slug=slug)


def plan_in(country, *areas, **fields):
    city = CityFactory(name=f"A city in {country}", country=country)
    plan = PlanFactory(city=city, **fields)
    plan.areas.set(areas)
    return plan


@pytest.fixture
def funnel():
    """Plans at each step of the funnel, in Belgium and France."""
    mobility = area("sustainable-urban-mobility")
    districts = area("sustainable-districts-built-environment")
    plan_in("BE", mobility)  # a draft: not in the funnel
    plan_in("BE", mobility, status=PlanStatus.SUBMITTED, submitted_at=timezone.now())
    sent_back = plan_in("BE", districts, status=PlanStatus.CHANGES_REQUESTED)
    PlanEvent.objects.create(
        plan=sent_back, from_status=PlanStatus.IN_REVIEW, to_status=PlanStatus.BANKABLE
    )
    requested = plan_in("FR", mobility, districts, status=PlanStatus.BANKABLE)
    DealRequestFactory(plan=requested)
    closed = plan_in("FR", mobility, status=PlanStatus.BANKABLE)
    DealRoomFactory(
        request=DealRequestFactory(plan=closed, status=DealRequest.Status.ACCEPTED),
        outcome=DealRoom.Outcome.CLOSED,
    )


# --- Who may see them ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, chart_url(), export_url()])
def test_a_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["member", "promoter", "investor"])
@pytest.mark.parametrize("url", [PAGE, chart_url(), export_url()])
def test_members_who_are_not_curators_are_refused(client_for, request, persona, url):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(url).status_code == 403


@pytest.mark.parametrize("url", [PAGE, chart_url(), export_url()])
def test_the_statistics_are_read_only(client_for, curator, url):
    assert client_for(curator).post(url).status_code == 405


def test_an_unknown_table_is_a_404(client_for, curator):
    client = client_for(curator)

    assert client.get(chart_url("passwords")).status_code == 404
    assert client.get(export_url("passwords")).status_code == 404


# --- The funnel --------------------------------------------------------------------------------


@pytest.mark.usefixtures("funnel")
def test_the_funnel_counts_each_step_a_plan_reached(client_for, curator):
    response = client_for(curator).get(PAGE)

    assert response.status_code == 200
    # submitted, bankable (now or once), requested, accepted, closed
    assert figures(table_of(response, "funnel")) == {"All plans": [4, 3, 2, 1, 1]}
    assert figures(table_of(response, "funnel-by-country")) == {
        "Belgium": [2, 1, 0, 0, 0],
        "France": [2, 2, 2, 1, 1],
    }
    by_area = figures(table_of(response, "funnel-by-area"))
    assert by_area["Sustainable urban mobility"] == [3, 2, 2, 1, 1]
    assert by_area["Sustainable districts and built environment"] == [2, 2, 1, 0, 0]
    assert by_area["Citizen focus"] == [0, 0, 0, 0, 0]


@pytest.mark.usefixtures("funnel")
def test_a_plan_counts_once_for_a_cluster_even_when_several_areas_overlap(client_for, curator):
    cluster = ActionCluster.objects.create(name="Mobile districts", slug="mobile-districts")
    cluster.areas.set(
        [area("sustainable-urban-mobility"), area("sustainable-districts-built-environment")]
    )

    response = client_for(curator).get(PAGE)

    by_cluster = figures(table_of(response, "funnel-by-cluster"))
    assert by_cluster["Mobile districts"] == [4, 3, 2, 1, 1]
    assert by_cluster["Sustainable Urban Mobility"] == [3, 2, 2, 1, 1]
    assert by_cluster["Citizen Focus"] == [0, 0, 0, 0, 0]


@pytest.mark.usefixtures("funnel")
def test_the_country_filter_narrows_every_figure(client_for, curator):
    response = client_for(curator).get(PAGE, {"country": "FR"})

    assert figures(table_of(response, "funnel")) == {"All plans": [2, 2, 2, 1, 1]}
    assert list(figures(table_of(response, "funnel-by-country"))) == ["France"]


def test_plans_by_stage_count_all_submitted_and_bankable_plans(client_for, curator):
    PlanFactory(stage="idea")
    PlanFactory(stage="feasibility", status=PlanStatus.SUBMITTED)
    PlanFactory(stage="feasibility", status=PlanStatus.BANKABLE)

    response = client_for(curator).get(PAGE)

    by_stage = figures(table_of(response, "plans-by-stage"))
    assert by_stage["Idea"] == [1, 0, 0]
    assert by_stage["Feasibility"] == [2, 2, 1]
    assert by_stage["Concept"] == [0, 0, 0]


def test_the_period_keeps_plans_created_in_it(client_for, curator):
    old = PlanFactory(status=PlanStatus.SUBMITTED)
    type(old).objects.filter(pk=old.pk).update(created_at=datetime(2024, 5, 1, tzinfo=UTC))
    PlanFactory(status=PlanStatus.SUBMITTED)

    response = client_for(curator).get(PAGE, {"start": "2024-01-01", "end": "2024-12-31"})

    assert figures(table_of(response, "funnel")) == {"All plans": [1, 0, 0, 0, 0]}


# --- Members and solutions ---------------------------------------------------------------------


def joined(year, month, *, roles, country="BE"):
    organisation = OrganisationFactory(name=f"Organisation in {country}", country=country)
    return UserFactory(
        date_joined=datetime(year, month, 15, tzinfo=UTC),
        organisation=organisation,
        roles=roles,
    )


@pytest.fixture
def sign_ups():
    joined(2026, 1, roles=[Role.MEMBER])
    joined(2026, 1, roles=[Role.MEMBER], country="FR")
    joined(2026, 3, roles=[Role.MEMBER, Role.PROMOTER], country="FR")


@pytest.mark.usefixtures("sign_ups")
def test_members_by_role_add_up_month_by_month(client_for, curator):
    response = client_for(curator).get(PAGE, {"end": "2026-03-31"})

    table = table_of(response, "members-by-role")
    assert table.columns[:2] == ["Member", "Promoter"]
    assert [(row.label, row.values[:2]) for row in table.rows] == [
        ("2026-01", [2, 0]),
        ("2026-02", [2, 0]),
        ("2026-03", [3, 1]),
    ]


@pytest.mark.usefixtures("sign_ups")
def test_totals_over_time_include_members_who_joined_before_the_period(client_for, curator):
    response = client_for(curator).get(PAGE, {"start": "2026-02-01", "end": "2026-03-31"})

    table = table_of(response, "members-by-role")
    assert [(row.label, row.values[0]) for row in table.rows] == [("2026-02", 2), ("2026-03", 3)]


@pytest.mark.usefixtures("sign_ups")
def test_members_by_country_follow_their_organisation(client_for, curator):
    response = client_for(curator).get(PAGE, {"end": "2026-03-31"})

    table = table_of(response, "members-by-country")
    assert table.columns == ["France", "Belgium"]
    assert table.rows[-1].values == [2, 1]


def test_solutions_by_area_count_published_solutions_only(client_for, curator):
    SolutionFactory(areas=["citizen-focus"])
    SolutionFactory(areas=["citizen-focus", "standards"])
    SolutionFactory(areas=["citizen-focus"], status=PublicationStatus.PENDING)
    SolutionFactory(areas=["standards"], provider=OrganisationFactory(country="DE"))

    response = client_for(curator).get(PAGE)
    in_germany = client_for(curator).get(PAGE, {"country": "DE"})

    by_area = figures(table_of(response, "solutions-by-area"))
    assert by_area["Citizen focus"] == [2]
    assert by_area["Standards"] == [2]
    assert figures(table_of(in_germany, "solutions-by-area"))["Standards"] == [1]
    assert figures(table_of(in_germany, "solutions-by-area"))["Citizen focus"] == [0]


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end"),
        ({"start": "yesterday"}, "start"),
        ({"country": "XX"}, "country"),
        ({"end": "9999-12-31"}, "end"),
        ({"start": "0001-01-01"}, "start"),
    ],
)
def test_bad_filters_are_a_form_error_not_a_crash(client_for, curator, params, field):
    client = client_for(curator)

    page = client.get(PAGE, params)
    export = client.get(export_url(), params)
    chart = client.get(chart_url(), params)

    assert page.status_code == 400
    assert field in page.context["form"].errors
    assert export.status_code == 400
    assert field in export.content.decode()
    assert chart.status_code == 400


# --- CSV and charts ----------------------------------------------------------------------------


@pytest.mark.usefixtures("funnel")
def test_each_table_downloads_as_utf8_csv_with_a_header_row(client_for, curator):
    plan_in("CI", area("citizen-focus"), status=PlanStatus.SUBMITTED)
    client = client_for(curator)

    response = client.get(export_url("funnel-by-country"))
    rows = csv_rows(client, "funnel-by-country")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="smart-cities-funnel')
    assert rows[0] == [
        "Country",
        "Plans submitted",
        "Bankable",
        "Deal requested",
        "Request accepted",
        "Deal closed",
    ]
    assert ["Côte d'Ivoire", "1", "0", "0", "0", "0"] in rows
    assert ["France", "2", "2", "2", "1", "1"] in rows


def test_every_table_exports_and_draws(client_for, curator):
    client = client_for(curator)
    for slug in (
        "members-by-role",
        "members-by-country",
        "solutions-by-area",
        "plans-by-stage",
        "funnel",
        "funnel-by-country",
        "funnel-by-area",
        "funnel-by-cluster",
    ):
        assert client.get(export_url(slug)).status_code == 200
        chart = client.get(chart_url(slug))
        assert chart.status_code == 200
        assert chart["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert b"<svg" in chart.content
        assert b"<script" not in chart.content


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(client_for, curator):
    ActionCluster.objects.create(name="=HYPERLINK(1)", slug="formula")

    rows = csv_rows(client_for(curator), "funnel-by-cluster")

    assert ["'=HYPERLINK(1)", "0", "0", "0", "0", "0"] in rows


def test_the_page_links_each_chart_and_csv_with_the_filters(client_for, curator):
    plan_in("BE", area("sustainable-urban-mobility"), status=PlanStatus.SUBMITTED)

    response = client_for(curator).get(PAGE, {"country": "BE"})

    content = response.content.decode()
    assert f"{chart_url('funnel-by-area')}?country=BE" in content
    assert f"{export_url('funnel-by-area')}?country=BE" in content


def test_a_table_with_no_figures_says_so_instead_of_drawing_an_empty_chart(client_for, curator):
    response = client_for(curator).get(PAGE, {"country": "IS"})

    assert table_of(response, "funnel-by-area").is_empty
    assert "No figures for these filters." in response.content.decode()
    assert chart_url("funnel-by-area") not in response.content.decode()


# --- Cost --------------------------------------------------------------------------------------


def many_rows(count):
    mobility = area("sustainable-urban-mobility")
    for index in range(count):
        country = ("BE", "FR", "DE", "NL")[index % 4]
        plan = plan_in(country, mobility, status=PlanStatus.BANKABLE)
        if index % 2:
            DealRequestFactory(plan=plan)
        joined(2025, 1 + index % 12, roles=[Role.MEMBER, Role.PROMOTER], country=country)
        SolutionFactory(areas=["citizen-focus"])


@pytest.mark.parametrize("rows", [1, 20])
def test_the_page_costs_the_same_queries_for_few_and_many_rows(
    client_for, curator, django_assert_max_num_queries, rows
):
    many_rows(rows)
    client = client_for(curator)

    with django_assert_max_num_queries(16):
        response = client.get(PAGE)

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_a_chart_and_an_export_cost_a_few_queries(
    client_for, curator, django_assert_max_num_queries, rows
):
    many_rows(rows)
    client = client_for(curator)

    with django_assert_max_num_queries(6):
        client.get(chart_url("funnel-by-cluster"))
    with django_assert_max_num_queries(6):
        client.get(export_url("members-by-country"))
