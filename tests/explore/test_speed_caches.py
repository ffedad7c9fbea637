"""What keeps Explore fast at scale stays exact: the search table, the catalogue version and
the caches filed under it (PostgreSQL; elsewhere search reads the solutions themselves)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from explore import selectors, services
from explore.filters import SolutionFilter
from explore.models import Maturity, PublicationStatus, Solution, SolutionSearchEntry
from tests.explore.test_search_and_facets import add_solution, facet, run_search
from tests.factories import OrganisationFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def valid_filters(**params) -> SolutionFilter:
    filters = SolutionFilter(params)
    assert filters.is_valid(), filters.errors
    return filters


def listed_ids() -> set[int]:
    return set(SolutionSearchEntry.objects.values_list("solution_id", flat=True))


def queries_for(work) -> int:
    with CaptureQueriesContext(connection) as queries:
        work()
    return len(queries)


def test_the_search_table_lists_exactly_the_published_solutions(curator):
    published = add_solution("Smart bins")
    draft = add_solution("Smart benches", status=PublicationStatus.DRAFT)
    pending = add_solution("Smart kiosks", status=PublicationStatus.PENDING)

    assert listed_ids() == {published.pk}

    services.content_publish(item=pending, actor=curator)
    assert listed_ids() == {published.pk, pending.pk}

    services.content_archive(item=published, actor=curator)
    assert listed_ids() == {pending.pk}

    Solution.objects.filter(pk=pending.pk).delete()
    assert listed_ids() == set()
    assert draft.pk not in listed_ids()


@pytest.mark.usefixtures("either_search_path")
def test_the_search_table_follows_edits_of_facets_and_text():
    solution = add_solution("Parking sensors", areas=["standards"])

    Solution.objects.filter(pk=solution.pk).update(
        maturity=Maturity.AT_SCALE, body="Kerbside loading zones"
    )
    services.solution_areas_set(solution=solution, areas=[])

    entry = SolutionSearchEntry.objects.get(solution=solution)
    assert (entry.maturity, entry.area_mask) == (Maturity.AT_SCALE, 0)
    assert [s.title for s in run_search(q="kerbside").solutions] == ["Parking sensors"]


def test_a_pending_edit_does_not_enter_the_search_table(member):
    original = add_solution("Heat pumps", summary="Air to water")
    member.organisation = original.provider
    member.save()
    original.author = member
    original.save()

    revision = services.content_update(item=original, actor=member, data={"title": "Heat pumps 2"})

    assert revision.pk != original.pk
    assert listed_ids() == {original.pk}


@pytest.mark.usefixtures("either_search_path")
def test_repeating_a_search_reads_its_counts_and_page_from_the_cache():
    for number in range(3):
        add_solution(f"Solar carport {number}", areas=["standards"])

    first = queries_for(lambda: list(run_search(q="solar").solutions[:20]))
    again = queries_for(lambda: list(run_search(q="solar").solutions[:20]))

    assert again < first


@pytest.mark.usefixtures("either_search_path")
def test_publishing_a_solution_shows_in_the_next_counts_and_results(curator):
    add_solution("Solar carport", areas=["standards"])
    assert run_search(q="solar").total == 1
    pending = add_solution("Solar roofs", status=PublicationStatus.PENDING, areas=["standards"])

    services.content_publish(item=pending, actor=curator)

    result = run_search(q="solar")
    assert result.total == 2
    assert facet(result, "area") == {"standards": 2}
    assert {s.title for s in result.solutions} == {"Solar carport", "Solar roofs"}


@pytest.mark.usefixtures("either_search_path")
def test_archiving_a_solution_removes_it_from_cached_results(curator):
    kept = add_solution("Solar carport")
    gone = add_solution("Solar roofs")
    assert run_search(q="solar").total == 2

    services.content_archive(item=gone, actor=curator)

    result = run_search(q="solar")
    assert (result.total, [s.pk for s in result.solutions]) == (1, [kept.pk])


@pytest.mark.usefixtures("either_search_path")
def test_pages_of_a_one_word_search_keep_the_full_ranking_order():
    # Titles rank first; body matches after them, newest first among equals.
    for number in range(7):
        add_solution(f"Heating network {number}", body="heating")
    for number in range(9):
        add_solution(f"Building retrofit {number}", body=f"District heating link {number}")
    result = run_search(q="heating")
    expected = [s.pk for s in selectors.solution_matches(filters=valid_filters(q="heating"))]

    pages = [[s.pk for s in result.solutions[start : start + 5]] for start in range(0, 16, 5)]

    assert [pk for page in pages for pk in page] == expected
    assert len(expected) == 16


@pytest.mark.usefixtures("either_search_path")
def test_sorting_a_search_by_title_and_by_newest():
    older = add_solution("Bravo lamps", body="lamps")
    newer = add_solution("Alpha lamps", body="lamps")

    by_title = [s.pk for s in run_search(q="lamps", sort="title").solutions]
    newest = [s.pk for s in run_search(q="lamps", sort="newest").solutions]

    assert by_title == [newer.pk, older.pk]
    assert newest == [newer.pk, older.pk]


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_visitor_gets_a_cached_detail_page_with_their_own_csrf_token(client):
    solution = add_solution("Smart lamps")
    first = client.get(solution.get_absolute_url())
    client.cookies.clear()

    queries = queries_for(lambda: client.get(solution.get_absolute_url()))
    second = client.get(solution.get_absolute_url())

    assert queries <= 2
    assert second.content.decode().count("Smart lamps") >= 1
    first_tokens = set(CSRF_VALUE.findall(first.content.decode()))
    second_tokens = set(CSRF_VALUE.findall(second.content.decode()))
    assert second_tokens
    assert not second_tokens & first_tokens
    assert "csrf-token" not in second_tokens
    changed = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert changed.status_code == 302


def test_the_language_switcher_of_a_cached_page_works_under_csrf_checks(client):
    solution = add_solution("Smart lamps")
    client.get(solution.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get(solution.get_absolute_url())
    token = CSRF_VALUE.search(page.content.decode()).group(1)
    changed = visitor.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert changed.status_code == 302


def test_a_cached_detail_page_follows_the_visitors_language(client):
    solution = add_solution("Smart lamps")
    english = client.get(solution.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    client.cookies.clear()

    french = client.get(solution.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")

    assert english.content != french.content
    assert '<html lang="fr">' in french.content.decode()


def test_a_change_to_the_solution_shows_at_once_on_its_cached_page(client):
    solution = add_solution("Smart lamps")
    client.get(solution.get_absolute_url())

    solution.summary = "Now with motion sensors"
    solution.save()

    assert "Now with motion sensors" in client.get(solution.get_absolute_url()).content.decode()


def test_an_archived_solution_is_gone_from_its_cached_page(client, curator):
    solution = add_solution("Smart lamps")
    client.get(solution.get_absolute_url())

    services.content_archive(item=solution, actor=curator)

    assert client.get(solution.get_absolute_url()).status_code == 404


def test_a_signed_in_member_never_gets_the_visitors_cached_page(client_for, member):
    solution = add_solution("Smart lamps")
    client = client_for(member)
    client.logout()
    client.get(solution.get_absolute_url())

    html = client_for(member).get(solution.get_absolute_url()).content.decode()

    assert reverse("account_logout") in html


def test_repeating_a_list_search_serves_its_facets_and_results_from_the_cache(client):
    for number in range(3):
        add_solution(f"Solar carport {number}", areas=["standards"])
    url = reverse("explore:solution-list")
    params = {"q": "solar", "maturity": "pilot"}
    first = client.get(url, params)

    queries = queries_for(lambda: client.get(url, params))
    again = client.get(url, params)

    assert queries <= 2
    assert CSRF_VALUE.sub("", again.content.decode()) == CSRF_VALUE.sub("", first.content.decode())
    assert "3 solutions" in again.content.decode()


def test_the_list_page_shows_a_newly_published_solution_at_once(client, curator):
    add_solution("Solar carport")
    url = reverse("explore:solution-list")
    assert "1 solution" in client.get(url, {"q": "solar"}).content.decode()
    pending = add_solution("Solar roofs", status=PublicationStatus.PENDING)

    services.content_publish(item=pending, actor=curator)

    html = client.get(url, {"q": "solar"}).content.decode()
    assert "2 solutions" in html
    assert "Solar roofs" in html


def test_a_member_sees_their_own_links_around_cached_search_results(client_for, member):
    add_solution("Solar carport")
    url = reverse("explore:solution-list")
    client_for(member).logout()
    client_for(member).get(url, {"q": "solar"})

    html = client_for(member).get(url, {"q": "solar"}).content.decode()

    assert reverse("explore:item-create", args=["solution"]) in html
    assert reverse("account_logout") in html


def test_cached_search_results_follow_the_visitors_language(client):
    add_solution("Solar carport")
    url = reverse("explore:solution-list")
    english = client.get(url, {"q": "solar"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    french = client.get(url, {"q": "solar"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="fr">' in french
    assert french != english


@pytest.mark.usefixtures("either_search_path")
def test_facet_counts_with_words_and_three_choices_match_counting_by_hand():
    kinds = [OrganisationFactory(country=country) for country in ("DE", "FR")]
    rows = []
    for number in range(24):
        maturity = [Maturity.PILOT, Maturity.IDEA, Maturity.AT_SCALE][number % 3]
        provider = kinds[number % 2]
        area = ["standards", "citizen-focus"][(number // 2) % 2]
        add_solution(f"Solar {number}", maturity=maturity, provider=provider, areas=[area])
        rows.append({"maturity": maturity, "country": provider.country.code, "area": area})
    add_solution("Wind farm", maturity=Maturity.PILOT, provider=kinds[0], areas=["standards"])
    chosen = {"maturity": Maturity.PILOT, "country": "DE", "area": "standards"}

    result = run_search(q="solar", **{name: [value] for name, value in chosen.items()})

    for name in chosen:
        others = [row for row in rows if all(row[o] == chosen[o] for o in chosen if o != name)]
        expected = {}
        for row in others:
            expected[row[name]] = expected.get(row[name], 0) + 1
        assert facet(result, name) == expected, name
    assert result.total == sum(all(row[n] == v for n, v in chosen.items()) for row in rows)
