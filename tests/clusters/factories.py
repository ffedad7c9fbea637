"""Clusters, initiatives and what members do in them."""

import factory
from django.core.files.base import ContentFile
from django.utils.text import slugify

from clusters.models import (
    ActionCluster,
    Discussion,
    Document,
    Initiative,
    InitiativeStatus,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
)
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionCluster
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test cluster {n}")
    slug = factory.LazyAttribute(lambda cluster: slugify(cluster.name))
    summary = "People working on the same theme."
    join_policy = JoinPolicy.OPEN


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    lead_cluster = factory.SubFactory(ClusterFactory)
    name = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.LazyAttribute(lambda initiative: slugify(initiative.name))
    description = "Cities buying together."
    status = InitiativeStatus.ACTIVE
    join_policy = JoinPolicy.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    """An approved member of a cluster unless a test says otherwise."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    cluster = factory.SubFactory(ClusterFactory)
    status = MembershipStatus.APPROVED
    role = MembershipRole.MEMBER


def _group_fields(group) -> dict:
    if isinstance(group, ActionCluster):
        return {"cluster": group, "initiative": None}
    return {"cluster": None, "initiative": group}


def coordinator_of(group, user=None) -> Membership:
    return member_of(group, user, role=MembershipRole.COORDINATOR)


def member_of(group, user=None, **fields) -> Membership:
    return MembershipFactory(user=user or UserFactory(), **_group_fields(group), **fields)


class DiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discussion

    cluster = factory.SubFactory(ClusterFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    started_by = factory.SubFactory(UserFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    discussion = factory.SubFactory(DiscussionFactory)
    author = factory.SubFactory(UserFactory)
    body = "What did your city learn from its first tender?"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    cluster = factory.SubFactory(ClusterFactory)
    title = factory.Sequence(lambda n: f"Minutes {n}")
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="minutes.pdf"))
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    uploaded_by = factory.SubFactory(UserFactory)
