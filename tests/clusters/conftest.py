import pytest

from clusters.models import JoinPolicy
from tests.clusters.factories import ClusterFactory, coordinator_of


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cluster(db):
    return ClusterFactory(name="Citizen Focus Test", join_policy=JoinPolicy.OPEN)


@pytest.fixture
def gated_cluster(db):
    """A cluster whose coordinator approves each new member."""
    return ClusterFactory(name="Sustainable Mobility Test", join_policy=JoinPolicy.APPROVAL)


@pytest.fixture
def coordinator(gated_cluster):
    return coordinator_of(gated_cluster).user
