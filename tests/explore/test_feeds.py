"""The latest published knowledge as an Atom feed."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from explore.feeds import FEED_ITEMS
from explore.models import KnowledgeItem, PublicationStatus
from tests.explore.factories import KnowledgeItemFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client) -> list[ElementTree.Element]:
    response = client.get(reverse("explore:knowledge-feed"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    # The app's own output, not untrusted input.
    return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314


def published(title: str, days_ago: int, **fields) -> KnowledgeItem:
    item = KnowledgeItemFactory(title=title, **fields)
    item.published_at = timezone.now() - timedelta(days=days_ago)
    item.save(update_fields=["published_at"])
    return item


def test_the_feed_lists_published_knowledge_newest_first_with_kind_and_areas(client):
    published("Older insight", 9)
    news = published(
        "Fresh news", 1, kind=KnowledgeItem.Kind.NEWS, areas=["sustainable-urban-mobility"]
    )
    KnowledgeItemFactory(title="Still a draft", status=PublicationStatus.DRAFT)
    KnowledgeItemFactory(title="Waiting for review", status=PublicationStatus.PENDING)

    entries = feed_entries(client)

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Fresh news", "Older insight"]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver{news.get_absolute_url()}"
    assert first.findtext(f"{ATOM}summary") == news.summary
    categories = [category.get("term") for category in first.findall(f"{ATOM}category")]
    assert categories == ["News", "Sustainable urban mobility"]


@pytest.mark.parametrize("count", [1, FEED_ITEMS + 5])
def test_the_feed_holds_at_most_thirty_entries_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count
):
    for number in range(count):
        published(f"Item {number}", number)

    with django_assert_max_num_queries(3):
        entries = feed_entries(client)

    assert len(entries) == min(count, FEED_ITEMS)


def test_the_knowledge_list_announces_and_links_its_feeds(client):
    html = client.get(reverse("explore:knowledge-list")).content.decode()

    feed = reverse("explore:knowledge-feed")
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html
    assert f'<a href="{feed}">the knowledge feed (Atom)</a>' in html
