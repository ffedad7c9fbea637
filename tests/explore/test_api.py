"""The open data API: published content for anyone, members' own submissions for them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from explore import services
from explore.models import Area, KnowledgeItem, Maturity, PublicationStatus, Solution
from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    MeasurementFactory,
    ReferenceProjectFactory,
    SolutionFactory,
    indicators_measured_three_ways,
    measured_indicators,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

UNPUBLISHED = [PublicationStatus.DRAFT, PublicationStatus.PENDING, PublicationStatus.ARCHIVED]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_for(api):
    """`api_for(user)`: the API client acting as that person (or anonymous)."""

    def act_as(user):
        api.force_authenticate(user if user.is_authenticated else None)
        return api

    return act_as


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def solution_url(solution) -> str:
    return reverse("api:solution-detail", args=[solution.slug])


# --- Reading -------------------------------------------------------------------------------


def test_a_visitor_reads_published_solutions_with_provider_and_areas(api):
    provider = OrganisationFactory(name="Lumen Systems", country="NL")
    solution = SolutionFactory(title="Smart street lighting", provider=provider)

    response = api.get(reverse("api:solution-list"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["slug"] == "smart-street-lighting"
    assert row["url"] == "http://testserver" + solution.get_absolute_url()
    assert row["provider"]["name"] == "Lumen Systems"
    assert row["provider"]["country"] == "NL"
    assert row["areas"] == [
        {"slug": "sustainable-urban-mobility", "name": "Sustainable urban mobility"}
    ]


def test_a_solutions_detail_says_where_it_is_deployed(api):
    ghent = CityFactory(name="Ghent")
    solution = SolutionFactory(cities=[ghent])
    ReferenceProjectFactory(acronym="REPLICATE", solutions=[solution])

    body = api.get(solution_url(solution)).json()

    assert body["status"] == "published"
    assert body["cities"] == [
        {
            "slug": "ghent",
            "name": "Ghent",
            "country": "BE",
            "url": "http://testserver/explore/cities/ghent/",
        }
    ]
    assert [(p["slug"], p["acronym"]) for p in body["projects"]] == [("replicate", "REPLICATE")]


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_unpublished_solutions_are_absent_from_the_list(api, status):
    published = SolutionFactory()
    SolutionFactory(status=status)

    assert slugs(api.get(reverse("api:solution-list"))) == [published.slug]


@pytest.mark.parametrize("status", UNPUBLISHED)
@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_an_unpublished_solution_is_404_to_everyone_but_its_author(
    api_for, request, persona, status, promoter
):
    solution = SolutionFactory(status=status, author=promoter)

    response = api_for(request.getfixturevalue(persona)).get(solution_url(solution))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["promoter", "curator"])
def test_the_author_and_curators_read_a_draft(api_for, request, persona, promoter):
    draft = SolutionFactory(status=PublicationStatus.DRAFT, author=promoter)

    response = api_for(request.getfixturevalue(persona)).get(solution_url(draft))

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_a_pending_edit_is_not_public_even_though_its_original_is(api, promoter):
    original = SolutionFactory(author=promoter)
    edit = SolutionFactory(revision_of=original, status=PublicationStatus.PENDING, author=promoter)

    assert api.get(solution_url(original)).status_code == 200
    assert api.get(solution_url(edit)).status_code == 404
    assert slugs(api.get(reverse("api:solution-list"))) == [original.slug]


def test_filters_combine_maturity_and_area(api):
    wanted = SolutionFactory(maturity=Maturity.AT_SCALE, areas=["citizen-focus"])
    SolutionFactory(maturity=Maturity.AT_SCALE, areas=["standards"])
    SolutionFactory(maturity=Maturity.IDEA, areas=["citizen-focus"])

    response = api.get(
        reverse("api:solution-list"), {"maturity": "at_scale", "area": "citizen-focus"}
    )

    assert slugs(response) == [wanted.slug]
    assert response.json()["count"] == 1


def test_values_within_one_filter_are_alternatives(api):
    idea = SolutionFactory(maturity=Maturity.IDEA)
    pilot = SolutionFactory(maturity=Maturity.PILOT)
    SolutionFactory(maturity=Maturity.AT_SCALE)

    response = api.get(reverse("api:solution-list") + "?maturity=idea&maturity=pilot")

    assert set(slugs(response)) == {idea.slug, pilot.slug}


def test_search_finds_solutions_by_their_words(api):
    lamps = SolutionFactory(title="Smart street lighting", summary="Dimmable lamps")
    SolutionFactory(title="Bike sharing", summary="Electric bikes")

    assert slugs(api.get(reverse("api:solution-list"), {"q": "lamps"})) == [lamps.slug]


@pytest.mark.parametrize(
    ("route", "params", "field"),
    [
        ("api:solution-list", {"maturity": "nonsense"}, "maturity"),
        ("api:solution-list", {"area": "no-such-area"}, "area"),
        ("api:solution-list", {"country": "XX"}, "country"),
        ("api:solution-list", {"cost": "free"}, "cost"),
        ("api:solution-list", {"sort": "random"}, "sort"),
        ("api:knowledge-list", {"kind": "gossip"}, "kind"),
        ("api:knowledge-list", {"area": "no-such-area"}, "area"),
        ("api:indicator-list", {"area": "no-such-area"}, "area"),
        ("api:project-list", {"country": "XX"}, "country"),
        ("api:city-list", {"country": "XX"}, "country"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_field(api, route, params, field):
    response = api.get(reverse(route), params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_page_past_the_end_is_a_404(api):
    SolutionFactory()

    assert api.get(reverse("api:solution-list"), {"page": 2}).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_listing_solutions_takes_a_few_queries_whatever_the_page_size(
    api, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        SolutionFactory(areas=["citizen-focus", "standards"])

    with django_assert_max_num_queries(5):
        response = api.get(reverse("api:solution-list"), {"page_size": 50})

    assert len(slugs(response)) == rows


def test_a_filtered_solution_list_runs_as_many_queries_for_fifty_rows_as_for_one(api):
    params = {"page_size": 50, "area": "citizen-focus", "maturity": "pilot", "q": "solution"}

    def queries_to_list(expected_rows):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(reverse("api:solution-list"), params)
        assert len(slugs(response)) == expected_rows
        return len(queries)

    SolutionFactory(areas=["citizen-focus"], maturity=Maturity.PILOT)
    for_one = queries_to_list(1)
    for _ in range(49):
        SolutionFactory(areas=["citizen-focus", "standards"], maturity=Maturity.PILOT)

    assert queries_to_list(50) == for_one


# --- Contributing --------------------------------------------------------------------------


def test_a_visitor_cannot_contribute(api):
    response = api.post(
        reverse("api:solution-list"),
        {"title": "Sneaky", "summary": "No account", "maturity": "idea"},
        format="json",
    )

    assert response.status_code == 401
    assert not Solution.objects.exists()


def test_a_member_creates_a_draft_then_submits_it(api_for, api, promoter):
    client = api_for(promoter)

    created = client.post(
        reverse("api:solution-list"),
        {
            "title": "Heat pump sharing",
            "summary": "Neighbours share one large heat pump.",
            "maturity": "pilot",
            "areas": ["sustainable-districts-built-environment"],
            "provider": promoter.organisation.slug,
            "cost_min_eur": 50_000,
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["status"] == "draft"
    assert draft["provider"]["slug"] == promoter.organisation.slug
    assert draft["cost_band"] == "50k_250k"
    assert client.get(reverse("api:solution-detail", args=[draft["slug"]])).status_code == 200

    submitted = client.patch(
        reverse("api:solution-detail", args=[draft["slug"]]), {"submit": True}, format="json"
    )

    assert submitted.status_code == 200
    assert submitted.json()["status"] == "pending"
    api.force_authenticate(None)
    assert api.get(reverse("api:solution-detail", args=[draft["slug"]])).status_code == 404
    assert slugs(api.get(reverse("api:solution-list"))) == []


def test_a_field_the_api_does_not_take_is_refused_not_dropped(api_for, member):
    response = api_for(member).post(
        reverse("api:knowledge-list"),
        {
            "kind": "insight",
            "title": "What we learnt",
            "summary": "Lessons.",
            "status": "published",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"status": ["This field cannot be set here."]}
    assert not KnowledgeItem.objects.exists()


def test_submit_true_sends_a_new_item_for_review_at_once(api_for, member):
    response = api_for(member).post(
        reverse("api:knowledge-list"),
        {"kind": "insight", "title": "What we learnt", "summary": "Lessons.", "submit": True},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert KnowledgeItem.objects.get().status == PublicationStatus.PENDING


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 12}, "title"),
        ({"submit": 1}, "submit"),
        ({"maturity": "nonsense"}, "maturity"),
        ({"areas": ["no-such-area"]}, "areas"),
        ({"cost_min_eur": "12"}, "cost_min_eur"),
        ({"provider": "someone-elses-company"}, "provider"),
        ({"cost_min_eur": 500, "cost_max_eur": 100}, "cost_max_eur"),
    ],
)
def test_malformed_contributions_get_a_400_naming_the_field(api_for, promoter, body, field):
    OrganisationFactory(name="Someone elses company")
    valid = {"title": "A solution", "summary": "What it does", "maturity": "idea"}

    response = api_for(promoter).post(
        reverse("api:solution-list"), {**valid, **body}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Solution.objects.exists()


def test_an_event_without_a_start_is_refused_with_the_field_named(api_for, member):
    response = api_for(member).post(
        reverse("api:knowledge-list"),
        {"kind": "event", "title": "Summit", "summary": "Meet", "event_place": "Ghent"},
        format="json",
    )

    assert response.status_code == 400
    assert "event_start" in response.json()


def test_editing_a_published_solution_leaves_it_unchanged_until_approved(
    api_for, api, promoter, curator
):
    original = SolutionFactory(title="Bike lanes", summary="Painted lanes", author=promoter)

    response = api_for(promoter).patch(
        solution_url(original), {"summary": "Protected lanes"}, format="json"
    )

    assert response.status_code == 200
    revision = response.json()
    assert revision["status"] == "pending"
    assert revision["revision_of"] == original.slug
    assert revision["summary"] == "Protected lanes"
    api.force_authenticate(None)
    assert api.get(solution_url(original)).json()["summary"] == "Painted lanes"
    assert api.get(reverse("api:solution-list")).json()["results"][0]["summary"] == "Painted lanes"

    services.content_publish(item=Solution.objects.get(slug=revision["slug"]), actor=curator)

    assert api.get(solution_url(original)).json()["summary"] == "Protected lanes"


@pytest.mark.parametrize("status", [PublicationStatus.PUBLISHED, PublicationStatus.DRAFT])
@pytest.mark.parametrize("method", ["patch", "put"])
def test_another_member_gets_404_changing_someone_elses_solution(
    api_for, promoter, member, status, method
):
    solution = SolutionFactory(title="Theirs", author=promoter, status=status)
    body = {"title": "Mine now", "summary": "Taken over", "maturity": "idea"}

    response = getattr(api_for(member), method)(solution_url(solution), body, format="json")

    assert response.status_code == 404
    solution.refresh_from_db()
    assert solution.title == "Theirs"
    assert not Solution.objects.filter(revision_of=solution).exists()


def test_a_visitor_cannot_change_anything(api):
    solution = SolutionFactory()

    response = api.patch(solution_url(solution), {"title": "Defaced"}, format="json")

    assert response.status_code == 401


def test_put_replaces_a_draft(api_for, promoter):
    draft = SolutionFactory(status=PublicationStatus.DRAFT, author=promoter, title="Old")

    response = api_for(promoter).put(
        solution_url(draft),
        {"title": "New", "summary": "Rewritten", "maturity": "demonstrated", "areas": []},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["areas"] == []
    draft.refresh_from_db()
    assert (draft.title, draft.maturity) == ("New", Maturity.DEMONSTRATED)


def test_mine_lists_the_callers_own_submissions_in_every_state(api_for, promoter, member):
    draft = SolutionFactory(status=PublicationStatus.DRAFT, author=promoter)
    published = SolutionFactory(author=promoter)
    SolutionFactory(author=member)

    response = api_for(promoter).get(reverse("api:solution-mine"))

    assert {row["slug"]: row["status"] for row in response.json()["results"]} == {
        draft.slug: "draft",
        published.slug: "published",
    }


def test_mine_is_for_members_only(api):
    assert api.get(reverse("api:solution-mine")).status_code == 401
    assert api.get(reverse("api:knowledge-mine")).status_code == 401


# --- Knowledge and reference data ----------------------------------------------------------


def test_knowledge_lists_published_items_filtered_by_kind_and_area(api):
    wanted = KnowledgeItemFactory(kind="guidance", areas=["standards"])
    KnowledgeItemFactory(kind="guidance", areas=["citizen-focus"])
    KnowledgeItemFactory(kind="news", areas=["standards"])
    KnowledgeItemFactory(kind="guidance", areas=["standards"], status=PublicationStatus.DRAFT)

    response = api.get(reverse("api:knowledge-list"), {"kind": "guidance", "area": "standards"})

    assert slugs(response) == [wanted.slug]


def test_an_unpublished_knowledge_item_is_404_to_visitors(api):
    draft = KnowledgeItemFactory(status=PublicationStatus.PENDING)

    assert api.get(reverse("api:knowledge-detail", args=[draft.slug])).status_code == 404


def test_projects_are_listed_with_their_cities_and_filtered_by_country(api):
    ghent = CityFactory(name="Ghent", country="BE")
    lyon = CityFactory(name="Lyon", country="FR")
    belgian = ReferenceProjectFactory(acronym="GHENTLIGHT", cities=[ghent])
    ReferenceProjectFactory(acronym="LYONLIGHT", cities=[lyon])

    response = api.get(reverse("api:project-list"), {"country": "BE"})

    assert slugs(response) == [belgian.slug]
    assert response.json()["results"][0]["cities"][0]["name"] == "Ghent"


def test_a_projects_detail_shows_city_roles_and_published_solutions_only(api):
    ghent = CityFactory(name="Ghent")
    used = SolutionFactory()
    draft = SolutionFactory(status=PublicationStatus.DRAFT)
    project = ReferenceProjectFactory(cities=[ghent], solutions=[used, draft])

    body = api.get(reverse("api:project-detail", args=[project.slug])).json()

    assert body["cities"] == [{"role": "lighthouse", "city": body["cities"][0]["city"]}]
    assert body["cities"][0]["city"]["slug"] == "ghent"
    assert [s["slug"] for s in body["solutions"]] == [used.slug]


def test_cities_are_listed_with_their_project_count(api):
    ghent = CityFactory(name="Ghent")
    CityFactory(name="Lyon", country="FR")
    ReferenceProjectFactory(cities=[ghent])

    response = api.get(reverse("api:city-list"), {"country": "BE"})

    [row] = response.json()["results"]
    assert (row["slug"], row["project_count"], row["latitude"]) == ("ghent", 1, "51.05434")


def test_an_indicator_shows_its_measurements_with_baseline_target_and_actuals(api):
    indicator = IndicatorFactory(code="ENV-1", name="Emissions")
    MeasurementFactory(
        indicator=indicator,
        city=CityFactory(name="Ghent"),
        actuals={2020: Decimal("90"), 2022: Decimal("75.5")},
    )

    body = api.get(reverse("api:indicator-detail", args=[indicator.slug])).json()

    [measurement] = body["measurements"]
    assert measurement["city"]["slug"] == "ghent"
    assert (measurement["project"], measurement["country"]) == (None, None)
    assert (measurement["baseline_value"], measurement["baseline_year"]) == ("100.0000", 2018)
    assert (measurement["target_value"], measurement["target_year"]) == ("60.0000", 2030)
    assert [(a["year"], a["value"]) for a in measurement["actuals"]] == [
        (2020, "90.0000"),
        (2022, "75.5000"),
    ]


def test_the_indicator_list_gives_each_indicators_measurements_with_their_values(api):
    measured_indicators()

    response = api.get(reverse("api:indicator-list"))

    first, second = response.json()["results"]
    assert (first["code"], first["measurement_count"], second["measurements"]) == ("ENV-1", 3, [])
    city, project, country = first["measurements"]
    assert city["city"]["slug"] == "ghent"
    assert (city["project"], city["country"]) == (None, None)
    assert (city["baseline_value"], city["baseline_year"]) == ("100.0000", 2018)
    assert (city["target_value"], city["target_year"]) == ("60.0000", 2030)
    assert city["actuals"] == [
        {"year": 2020, "value": "90.0000", "note": ""},
        {"year": 2022, "value": "75.5000", "note": ""},
    ]
    assert city["source"] == "City statistics office"
    assert (project["city"], project["project"]["acronym"]) == (None, "REPLICATE")
    assert (project["target_value"], project["target_year"], project["actuals"]) == (None, None, [])
    assert (country["city"], country["project"], country["country"]) == (None, None, "FR")


def test_the_indicator_list_gives_measurements_as_the_detail_does(api):
    indicator = IndicatorFactory()
    MeasurementFactory(indicator=indicator, actuals={2020: Decimal("90")})

    [listed] = api.get(reverse("api:indicator-list")).json()["results"]
    detail = api.get(reverse("api:indicator-detail", args=[indicator.slug])).json()

    assert listed["measurements"] == detail["measurements"]


@pytest.mark.parametrize("rows", [1, 50])
def test_listing_indicators_with_their_measurements_takes_a_few_queries_whatever_the_page_size(
    api, django_assert_max_num_queries, rows
):
    indicators_measured_three_ways(rows)

    with django_assert_max_num_queries(5):
        response = api.get(reverse("api:indicator-list"), {"page_size": 50})

    assert len(slugs(response)) == rows
    assert all(len(row["measurements"]) == 3 for row in response.json()["results"])


def test_a_filtered_indicator_list_keeps_the_measurements_of_the_indicators_it_gives(api):
    wanted = IndicatorFactory(name="Energy use")
    MeasurementFactory(indicator=wanted, actuals={2021: Decimal("12")})
    MeasurementFactory(indicator=IndicatorFactory(name="Emissions"))

    response = api.get(reverse("api:indicator-list"), {"q": "energy"})

    [row] = response.json()["results"]
    assert row["slug"] == wanted.slug
    [measurement] = row["measurements"]
    assert [actual["value"] for actual in measurement["actuals"]] == ["12.0000"]


def test_indicators_are_filtered_by_area(api):
    wanted = IndicatorFactory()
    IndicatorFactory(area=Area.objects.get(slug="standards"))

    response = api.get(reverse("api:indicator-list"), {"area": "baselines-indicators-metrics"})

    assert slugs(response) == [wanted.slug]


@pytest.mark.parametrize("route", ["project", "city", "indicator", "solution", "knowledge"])
def test_an_unknown_slug_is_a_404(api, route):
    assert api.get(reverse(f"api:{route}-detail", args=["no-such-thing"])).status_code == 404
