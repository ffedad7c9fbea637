"""Events go to calendar apps as iCalendar: one at a time, or as a feed to subscribe to."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from explore.models import KnowledgeItem, PublicationStatus
from tests.explore.factories import KnowledgeItemFactory

pytestmark = pytest.mark.django_db

EVENT = KnowledgeItem.Kind.EVENT


def event(title="Heat network study visit", *, starts_in_days=10, hours=3, **fields):
    start = timezone.now().replace(microsecond=0) + timedelta(days=starts_in_days)
    return KnowledgeItemFactory(
        title=title,
        kind=EVENT,
        event_start=start,
        event_end=start + timedelta(hours=hours) if hours else None,
        event_place=fields.pop("event_place", "Vienna, Simmering depot"),
        **fields,
    )


def unfolded(body: str) -> list[str]:
    """The content lines, with folded continuation lines joined back (RFC 5545, 3.1)."""
    return body.replace("\r\n ", "").split("\r\n")[:-1]


def vevents(body: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfolded(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return found


def test_an_event_downloads_as_a_calendar_entry(client):
    visit = event(summary="Depots, pipes; and the operators, on site.")
    expected_start = visit.event_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    response = client.get(reverse("explore:event-ics", args=[visit.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{visit.slug}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    (entry,) = vevents(body)
    assert entry["UID"] == f"knowledge-{visit.pk}@testserver"
    assert entry["DTSTART"] == expected_start
    assert datetime.strptime(entry["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == (
        visit.event_end
    )
    assert entry["SUMMARY"] == "Heat network study visit"
    assert entry["DESCRIPTION"] == "Depots\\, pipes\\; and the operators\\, on site."
    assert entry["LOCATION"] == "Vienna\\, Simmering depot"
    assert entry["URL"] == f"http://testserver{visit.get_absolute_url()}"


def test_long_lines_are_folded_within_75_octets_without_splitting_a_character(client):
    visit = event(summary="Łódź, Kraków and Gdańsk compare district heating. " * 6)

    body = client.get(reverse("explore:event-ics", args=[visit.slug])).content.decode()

    assert max(len(line.encode()) for line in body.split("\r\n")) <= 75
    (entry,) = vevents(body)
    assert entry["DESCRIPTION"].startswith("Łódź\\, Kraków and Gdańsk")
    assert entry["DESCRIPTION"].count("Gdańsk") == 6


def test_an_online_event_without_an_end_has_its_link_as_location(client):
    webinar = event(hours=0, event_place="", event_online_url="https://events.example.org/ped")

    (entry,) = vevents(
        client.get(reverse("explore:event-ics", args=[webinar.slug])).content.decode()
    )

    assert entry["LOCATION"] == "https://events.example.org/ped"
    assert "DTEND" not in entry


def test_only_events_download_and_drafts_only_for_their_author(
    client, client_for, member, promoter
):
    news = KnowledgeItemFactory(kind=KnowledgeItem.Kind.NEWS)
    draft = event(status=PublicationStatus.DRAFT, author=member)

    assert client.get(reverse("explore:event-ics", args=[news.slug])).status_code == 404
    draft_url = reverse("explore:event-ics", args=[draft.slug])
    assert client_for(promoter).get(draft_url).status_code == 404
    assert client_for(member).get(draft_url).status_code == 200
    assert client_for(member).post(draft_url).status_code == 405


def test_the_feed_holds_coming_and_last_month_events_soonest_first(client):
    event("Next week", starts_in_days=7)
    event("Tomorrow", starts_in_days=1)
    event("Last week", starts_in_days=-7)
    event("Last year", starts_in_days=-365)
    event("Not yet approved", status=PublicationStatus.PENDING)
    KnowledgeItemFactory(title="A news item", kind=KnowledgeItem.Kind.NEWS)

    response = client.get(reverse("explore:events-feed"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = [entry["SUMMARY"] for entry in vevents(response.content.decode())]
    assert summaries == ["Last week", "Tomorrow", "Next week"]


def test_pages_link_to_the_calendar_files(client):
    visit = event()

    detail = client.get(visit.get_absolute_url()).content.decode()
    listing = client.get(reverse("explore:knowledge-list")).content.decode()

    assert f'href="{reverse("explore:event-ics", args=[visit.slug])}" download' in detail
    assert f'href="{reverse("explore:events-feed")}"' in listing


def test_the_explore_front_page_lists_the_next_three_events(client):
    event("In a month", starts_in_days=30)
    event("Tomorrow", starts_in_days=1)
    event("Next week", starts_in_days=7)
    event("In two months", starts_in_days=60)
    event("Yesterday", starts_in_days=-1)
    event("Not yet approved", starts_in_days=2, status=PublicationStatus.PENDING)

    html = client.get(reverse("explore:index")).content.decode()

    listed = re.findall(r'<time datetime="[^"]+">[^<]+</time> <a href="[^"]+">([^<]+)</a>', html)
    assert listed == ["Tomorrow", "Next week", "In a month"]
    assert f'href="{reverse("explore:knowledge-list")}?events=upcoming"' in html
    assert f'href="{reverse("explore:events-feed")}"' in html
