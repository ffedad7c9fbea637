"""Knowledge events: upcoming and past ones apart, on the list page and in the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from explore.models import KnowledgeItem
from tests.explore.factories import KnowledgeItemFactory

pytestmark = pytest.mark.django_db


def event(title: str, *, starts_in_days: int, lasts_days: int | None = None):
    start = timezone.now() + timedelta(days=starts_in_days)
    end = start + timedelta(days=lasts_days) if lasts_days is not None else None
    return KnowledgeItemFactory(
        title=title,
        kind=KnowledgeItem.Kind.EVENT,
        event_start=start,
        event_end=end,
        event_place="Tartu",
    )


@pytest.fixture
def calendar():
    event("Study visit", starts_in_days=-30, lasts_days=1)
    event("Webinar on heat pumps", starts_in_days=-2)
    event("Week of mobility", starts_in_days=-3, lasts_days=7)  # still on
    event("Summit", starts_in_days=40, lasts_days=2)
    event("Open day", starts_in_days=10)
    KnowledgeItemFactory(title="Guidance on tenders", kind=KnowledgeItem.Kind.GUIDANCE)


def listed_titles(client, **params) -> list[str]:
    response = client.get(reverse("api:knowledge-list"), params)
    assert response.status_code == 200
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.usefixtures("calendar")
def test_upcoming_events_are_the_ongoing_and_future_ones_soonest_first(client):
    assert listed_titles(client, events="upcoming") == ["Week of mobility", "Open day", "Summit"]


@pytest.mark.usefixtures("calendar")
def test_past_events_are_listed_latest_first(client):
    assert listed_titles(client, events="past") == ["Webinar on heat pumps", "Study visit"]


@pytest.mark.usefixtures("calendar")
def test_without_the_choice_every_kind_is_listed(client):
    assert len(listed_titles(client)) == 6


@pytest.mark.usefixtures("calendar")
def test_the_list_page_marks_past_events_and_filters_them(client):
    url = reverse("explore:knowledge-list")

    everything = client.get(url).content.decode()
    upcoming = client.get(url, {"events": "upcoming"}).content.decode()

    assert everything.count(">Past event</span>") == 2
    assert "Study visit" in everything
    assert "Study visit" not in upcoming
    assert "Open day" in upcoming
    assert 'value="upcoming" selected' in upcoming


def test_an_unknown_choice_is_a_clear_400(client):
    page = client.get(reverse("explore:knowledge-list"), {"events": "someday"})
    api = client.get(reverse("api:knowledge-list"), {"events": "someday"})

    assert page.status_code == 400
    assert "Some filters could not be used" in page.content.decode()
    assert api.status_code == 400
    assert "events" in api.json()
