"""A knowledge item leads to more on its areas: other knowledge, and the solutions."""

import re

import pytest
from django.urls import reverse

from explore.models import PublicationStatus
from tests.explore.factories import KnowledgeItemFactory

pytestmark = pytest.mark.django_db

MOBILITY = "sustainable-urban-mobility"
ENERGY = "integrated-infrastructures"


def more_on_these_areas(client, item) -> list[str]:
    html = client.get(item.get_absolute_url()).content.decode()
    section = html.split("More on these areas", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="/explore/knowledge/[^"]+">([^<]+)</a>', section)


def test_an_item_lists_the_newest_other_published_items_on_its_areas(client):
    item = KnowledgeItemFactory(title="Bus lanes", areas=[MOBILITY])
    KnowledgeItemFactory(title="Cycle parking", areas=[MOBILITY, ENERGY])
    KnowledgeItemFactory(title="Heat pumps", areas=[ENERGY])
    KnowledgeItemFactory(title="Draft on trams", areas=[MOBILITY], status=PublicationStatus.DRAFT)

    assert more_on_these_areas(client, item) == ["Cycle parking"]


def test_at_most_three_are_listed_and_the_solutions_of_the_areas_are_one_click_away(
    client,
):
    item = KnowledgeItemFactory(title="Bus lanes", areas=[MOBILITY, ENERGY])
    for number in range(5):
        KnowledgeItemFactory(title=f"Mobility note {number}", areas=[MOBILITY])

    html = client.get(item.get_absolute_url()).content.decode()

    assert len(more_on_these_areas(client, item)) == 3
    solutions = reverse("explore:solution-list")
    assert f'href="{solutions}?area={MOBILITY}&amp;area={ENERGY}">Solutions in these areas' in html
