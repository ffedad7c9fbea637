"""Which EU facilities a plan may fit, and the plain reasons given for each verdict."""

from datetime import date

import pytest

from accounts.models import Organisation
from explore.models import Area
from shape import eligibility
from tests.factories import OrganisationFactory
from tests.shape.factories import PlanFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


def checks(plan) -> dict[str, eligibility.FacilityCheck]:
    results = eligibility.facility_checks(plan, today=TODAY)
    return {result.facility.split(" (")[0]: result for result in results}


def test_a_1_million_project_starting_within_three_years_fits_the_portal(promoter):
    plan = PlanFactory(
        promoter=promoter,
        total_investment_eur=1_000_000,
        funding_sought_eur=600_000,
        planned_start=date(2029, 3, 1),
    )

    result = checks(plan)["European Investment Project Portal"]

    assert result.met
    assert result.reasons == [
        "total investment EUR 1,000,000 reaches the EUR 1,000,000 minimum",
        "the planned start March 1, 2029 is within three years",
    ]


def test_a_small_project_misses_the_portal_minimum_but_fits_investeu(promoter):
    plan = PlanFactory(
        promoter=promoter,
        total_investment_eur=800_000,
        funding_sought_eur=500_000,
        planned_start=date(2027, 1, 1),
    )

    results = checks(plan)

    assert not results["European Investment Project Portal"].met
    assert results["European Investment Project Portal"].reasons[0] == (
        "total investment EUR 800,000 is below the EUR 1,000,000 minimum"
    )
    assert results["InvestEU Portal"].met


def test_a_project_below_500_000_misses_investeu(promoter):
    plan = PlanFactory(promoter=promoter, total_investment_eur=499_999, funding_sought_eur=None)

    assert checks(plan)["InvestEU Portal"].reasons == [
        "total investment EUR 499,999 is below the EUR 500,000 minimum"
    ]


def test_a_start_more_than_three_years_away_or_missing_misses_the_portal(promoter):
    late = PlanFactory(promoter=promoter, planned_start=date(2029, 3, 2))
    undated = PlanFactory(promoter=promoter, planned_start=None)

    assert checks(late)["European Investment Project Portal"].reasons[1] == (
        "the planned start March 2, 2029 is more than three years away"
    )
    assert checks(undated)["European Investment Project Portal"].reasons[1] == (
        "no planned start date given"
    )
    assert not checks(undated)["European Investment Project Portal"].met


def test_no_investment_figure_is_named_as_the_reason(promoter):
    plan = PlanFactory(promoter=promoter, total_investment_eur=None, funding_sought_eur=None)

    results = checks(plan)

    assert "no total investment given" in results["European Investment Project Portal"].reasons
    assert "no total investment given" in results["ELENA"].reasons


def test_elena_needs_a_large_programme_in_energy_or_transport(promoter):
    mobility = Area.objects.get(slug="sustainable-urban-mobility")
    open_data = Area.objects.get(slug="open-data-governance")
    large = PlanFactory(promoter=promoter, total_investment_eur=45_000_000)
    large.areas.set([mobility])
    off_topic = PlanFactory(promoter=promoter, total_investment_eur=45_000_000)
    off_topic.areas.set([open_data])
    small = PlanFactory(promoter=promoter)  # EUR 12 million
    small.areas.set([mobility])

    assert checks(large)["ELENA"].met
    assert checks(large)["ELENA"].reasons[1] == "it works on Sustainable urban mobility"
    assert not checks(off_topic)["ELENA"].met
    assert checks(off_topic)["ELENA"].reasons[1] == (
        "it is not tagged with energy efficiency, renewables or urban transport areas"
    )
    assert not checks(small)["ELENA"].met
    assert (
        checks(small)["ELENA"]
        .reasons[0]
        .startswith(
            "total investment EUR 12,000,000 is below the typical EUR 30,000,000 programme size"
        )
    )


@pytest.mark.parametrize(
    ("kind", "met"),
    [
        (Organisation.Kind.CITY, True),
        (Organisation.Kind.PUBLIC_AUTHORITY, True),
        (Organisation.Kind.COMPANY, False),
        (Organisation.Kind.SME, False),
    ],
)
def test_the_city_facility_is_for_cities_and_public_authorities(promoter, kind, met):
    organisation = OrganisationFactory(name=f"Promoter {kind}", kind=kind)
    plan = PlanFactory(promoter=promoter, organisation=organisation)

    result = checks(plan)["EU City Facility"]

    assert result.met is met
    assert result.reasons[0].startswith(f"the promoter, Promoter {kind}, is ")
    assert "EUR 60,000" in result.offers


def test_a_plan_without_organisation_misses_the_city_facility(promoter):
    plan = PlanFactory(promoter=promoter, organisation=None)

    assert checks(plan)["EU City Facility"].reasons == ["no promoting organisation given"]


def test_the_three_year_window_survives_a_leap_day(promoter):
    plan = PlanFactory(promoter=promoter, planned_start=date(2027, 2, 28))

    results = eligibility.facility_checks(plan, today=date(2024, 2, 29))

    assert results[0].met


@pytest.mark.django_db
def test_the_plan_page_shows_which_facilities_the_plan_meets_and_why(client_for, promoter):
    from tests.shape.factories import PlanFactory

    plan = PlanFactory(promoter=promoter, total_investment_eur=800_000, funding_sought_eur=500_000)

    page = client_for(promoter).get(plan.get_absolute_url()).content.decode()

    assert "EU facilities this plan may fit" in page
    assert "below the" in page
