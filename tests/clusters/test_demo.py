"""The demo data: a first look at clusters with people, initiatives and a discussion."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from accounts import demo as accounts_demo
from clusters import demo
from clusters.models import (
    ActionCluster,
    Discussion,
    FeaturedItem,
    Initiative,
    InitiativeStatus,
    Membership,
    Post,
)
from explore import demo as explore_demo


def _counts():
    return [
        model.objects.count()
        for model in (ActionCluster, Initiative, Membership, Discussion, Post, FeaturedItem)
    ]


def test_demo_loads_once_and_again_without_duplicates(client, db):
    accounts_demo.load()
    explore_demo.load()
    demo.load()
    first = _counts()
    demo.load()

    assert _counts() == first
    assert ActionCluster.objects.count() == 6
    assert Initiative.objects.filter(status=InitiativeStatus.PROPOSED).exists()
    mobility = ActionCluster.objects.get(slug=demo.MOBILITY)
    assert mobility.featured_items.exists()
    assert client.get(mobility.get_absolute_url()).status_code == 200
    assert client.get(reverse("clusters:index")).status_code == 200


def test_seed_demo_includes_the_clusters(db):
    call_command("seed_demo", stdout=StringIO())
    assert Discussion.objects.filter(title=demo.DISCUSSION_TITLE, members_only=True).exists()
