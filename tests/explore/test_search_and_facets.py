"""Finding solutions: ranked search, facets with counts, and what the list page shows."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from explore import selectors, services
from explore.filters import SolutionFilter
from explore.models import Area, CostBand, Maturity, PublicationStatus, Solution, Tag
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def add_solution(
    title,
    *,
    summary="",
    body="",
    maturity=Maturity.PILOT,
    areas=(),
    provider=None,
    cost=None,
    status=PublicationStatus.PUBLISHED,
):
    provider = provider or OrganisationFactory()
    solution = Solution.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-")[:200],
        summary=summary or f"About {title}",
        body=body,
        maturity=maturity,
        provider=provider,
        provider_kind=provider.kind,
        provider_country=provider.country,
        cost_min_eur=cost,
        cost_band=CostBand.for_amount(cost),
        status=status,
        published_at=timezone.now() if status == PublicationStatus.PUBLISHED else None,
    )
    services.solution_areas_set(solution=solution, areas=Area.objects.filter(slug__in=areas))
    return solution


def run_search(**params):
    filters = SolutionFilter(params)
    assert filters.is_valid(), filters.errors
    return selectors.solution_search(filters=filters)


def facet(result, name):
    return {
        value.value: value.count
        for value in next(f for f in result.facets if f.name == name).values
    }


def test_search_finds_words_in_title_summary_and_body():
    add_solution("Smart street lighting", body="Dimmable lamps on every street")
    add_solution("Bike sharing", summary="Electric bikes for commuters")
    add_solution("Open data portal")

    assert [s.title for s in run_search(q="lamps").solutions] == ["Smart street lighting"]
    assert [s.title for s in run_search(q="bikes").solutions] == ["Bike sharing"]


def test_a_title_match_ranks_above_a_body_match():
    add_solution("District heating network", body="")
    add_solution("Building retrofit", body="Connects buildings to district heating as well.")

    titles = [s.title for s in run_search(q="heating").solutions]

    assert titles[0] == "District heating network"
    assert set(titles) == {"District heating network", "Building retrofit"}


def test_drafts_pending_items_and_pending_edits_never_appear_in_results():
    published = add_solution("Air quality sensors")
    add_solution("Air quality draft", status=PublicationStatus.DRAFT)
    add_solution("Air quality pending", status=PublicationStatus.PENDING)
    edit = add_solution("Air quality sensors edit", status=PublicationStatus.PENDING)
    edit.revision_of = published
    edit.save()

    result = run_search(q="quality")

    assert [s.title for s in result.solutions] == ["Air quality sensors"]
    assert result.total == 1


def test_facets_count_alternatives_and_combine_across_facets():
    city = OrganisationFactory(kind=Organisation.Kind.CITY, country="ES")
    sme = OrganisationFactory(kind=Organisation.Kind.SME, country="DE")
    add_solution("A", maturity=Maturity.PILOT, provider=city, areas=["citizen-focus"])
    add_solution("B", maturity=Maturity.PILOT, provider=sme, areas=["citizen-focus", "standards"])
    add_solution("C", maturity=Maturity.AT_SCALE, provider=sme, areas=["standards"])

    result = run_search(maturity=["pilot"], country=["DE"])

    assert [s.title for s in result.solutions] == ["B"]
    assert result.total == 1
    # Each facet counts what its own choice would give with the other choices kept.
    assert facet(result, "maturity") == {"pilot": 1, "at_scale": 1}
    assert facet(result, "country") == {"ES": 1, "DE": 1}
    assert facet(result, "area") == {"citizen-focus": 1, "standards": 1}


def test_several_values_of_one_facet_mean_any_of_them():
    add_solution("A", maturity=Maturity.PILOT)
    add_solution("B", maturity=Maturity.IDEA)
    add_solution("C", maturity=Maturity.AT_SCALE)

    result = run_search(maturity=["pilot", "idea"])

    assert {s.title for s in result.solutions} == {"A", "B"}


def test_area_choice_keeps_one_row_per_solution():
    add_solution("Both", areas=["citizen-focus", "standards"])

    result = run_search(area=["citizen-focus", "standards"])

    assert [s.title for s in result.solutions] == ["Both"]
    assert result.total == 1


def test_cost_band_facet_follows_the_lower_cost():
    add_solution("Cheap", cost=20_000)
    add_solution("Dear", cost=8_000_000)

    result = run_search(cost=["over_5m"])

    assert [s.title for s in result.solutions] == ["Dear"]
    assert facet(result, "cost") == {"under_50k": 1, "over_5m": 1}


def test_an_empty_result_says_how_many_there_would_be_without_each_choice():
    add_solution("Pilot here", maturity=Maturity.PILOT, provider=OrganisationFactory(country="FR"))

    result = run_search(maturity=["idea"], country=["FR"])

    assert result.total == 0
    assert {f.name: f.count_without for f in result.relaxations} == {"maturity": 1}


def test_sorting_by_title_and_by_newest():
    add_solution("Zebra crossings")
    add_solution("Adaptive traffic lights")

    assert [s.title for s in run_search(sort="title").solutions] == [
        "Adaptive traffic lights",
        "Zebra crossings",
    ]
    assert [s.title for s in run_search(sort="newest").solutions][0] == "Adaptive traffic lights"


@pytest.mark.parametrize(
    "query",
    ["maturity=someday", "area=no-such-area", "cost=free", "provider_kind=dragon", "sort=random"],
)
def test_an_unknown_facet_value_gets_a_clear_message_not_an_error(client, query):
    response = client.get(reverse("explore:solution-list") + "?" + query)

    assert response.status_code == 400
    assert "Some filters could not be used" in response.content.decode()


def test_a_very_long_query_is_shortened_with_a_notice(client):
    add_solution("Smart parking")

    response = client.get(reverse("explore:solution-list"), {"q": "parking " * 1500})

    assert response.status_code == 200
    assert "shortened to its first 200 characters" in response.content.decode()


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_a_page_past_the_end_or_not_a_number_is_a_404(client, page):
    add_solution("Only one")

    assert client.get(reverse("explore:solution-list"), {"page": page}).status_code == 404


def test_the_list_page_shows_facets_counts_and_shareable_links(client):
    add_solution("Mobility hub", areas=["sustainable-urban-mobility"])

    page = client.get(reverse("explore:solution-list"), {"area": "sustainable-urban-mobility"})

    html = page.content.decode()
    assert "1 solution" in html
    assert 'value="sustainable-urban-mobility" checked' in html
    assert "Remove Sustainable urban mobility" in html


def test_a_card_shows_the_summary_cut_at_a_word_and_the_maturity_in_the_visitors_language(
    client,
):
    long_summary = "Sensors count free parking spaces on every street. " * 9  # 468 characters
    add_solution("Parking sensors", summary=long_summary.strip(), maturity=Maturity.AT_SCALE)
    add_solution("Bike counter", summary="Counts bikes.", maturity=Maturity.PILOT)

    page = client.get(reverse("explore:solution-list"), HTTP_ACCEPT_LANGUAGE="fr")

    html = page.content.decode()
    shown = re.search(r"<p>(Sensors count[^<]*)</p>", html).group(1)
    assert len(shown) <= 220
    assert shown.endswith("every street. Sensors count…")  # cut after a whole word, marked
    assert "<p>Counts bikes.</p>" in html  # a short summary is shown whole
    assert '<span class="badge">Déployée à grande échelle</span>' in html


def test_facet_values_are_named_in_the_visitors_language(client):
    add_solution("Parking sensors", provider=OrganisationFactory(country="DE"))

    page = client.get(reverse("explore:solution-list"), HTTP_ACCEPT_LANGUAGE="de")

    html = page.content.decode()
    assert re.search(r'value="DE"> Deutschland <span class="count">\(1\)', html)
    assert re.search(r'value="pilot"> Pilotphase <span class="count">\(1\)', html)


def test_a_long_facet_lists_its_first_values_and_keeps_the_rest_a_click_away(client):
    codes = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES"]
    codes += ["FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU"]  # 18, one solution each
    for code in codes:
        add_solution(f"Solution from {code}", provider=OrganisationFactory(country=code))
    url = reverse("explore:solution-list")

    browsing = client.get(url).content.decode()
    choosing_a_later_one = client.get(url, {"country": "LU"}).content.decode()

    country_facet = browsing.split("<legend>Provider country</legend>")[1].split("</fieldset>")[0]
    first, rest = country_facet.split('<details class="facet-more">')
    assert first.count('name="country"') == 15
    assert "<summary>3 more</summary>" in rest
    assert rest.count('name="country"') == 3
    assert '<details class="facet-more" open>' in choosing_a_later_one
    assert 'value="LU" checked' in choosing_a_later_one


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_page_needs_at_most_seven_queries(client, django_assert_max_num_queries, rows):
    for number in range(rows):
        add_solution(f"Solution {number}", areas=["standards", "citizen-focus"])

    with django_assert_max_num_queries(7):
        response = client.get(
            reverse("explore:solution-list"), {"q": "solution", "maturity": "pilot"}
        )

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_the_detail_page_needs_at_most_six_queries(client, django_assert_max_num_queries, rows):
    solutions = [add_solution(f"Solution {n}", areas=["standards"]) for n in range(rows)]
    solutions[0].tags.set([Tag.objects.create(name=f"Tag {n}", slug=f"tag-{n}") for n in range(3)])

    with django_assert_max_num_queries(6):
        response = client.get(solutions[0].get_absolute_url())

    assert response.status_code == 200


def test_the_detail_page_shows_tags_and_when_it_was_published_and_last_updated(client):
    solution = add_solution("Parking sensors")
    solution.tags.set([Tag.objects.create(name="Peer learning", slug="peer-learning")])
    Solution.objects.filter(pk=solution.pk).update(
        published_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        updated_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    )

    page = client.get(solution.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    html = page.content.decode()
    assert '<a class="tag" href="/explore/tags/peer-learning/">Peer learning</a>' in html
    assert '<time datetime="2026-03-02T09:00:00+00:00">2 March 2026</time>' in html
    assert '<time datetime="2026-11-20T09:00:00+00:00">20 November 2026</time>' in html


def test_site_search_shows_the_first_solutions_of_the_solution_list(client):
    for number in range(7):
        add_solution(f"Heat network {number}", body="heat" * (number % 2))
    add_solution("School retrofit", body="Heat pumps replace the boilers")
    listed = [s.title for s in run_search(q="heat").solutions[:5]]

    html = client.get(reverse("explore:search"), {"q": "heat"}).content.decode()

    shown = re.findall(r'<li><a href="/explore/solutions/[^"]+">([^<]+)</a>', html)
    assert shown == listed
    assert len(shown) == 5


def test_site_search_finds_every_kind_of_content(client):
    add_solution("Heat pumps for schools")

    html = client.get(reverse("explore:search"), {"q": "heat"}).content.decode()

    assert "Heat pumps for schools" in html
