"""The Deal demo data: profiles for the demo funds, bankable plans and their matches."""

import pytest

from accounts import demo as accounts_demo
from deal import demo
from deal.models import InvestorProfile, Match
from shape.models import PlanStatus, ProjectPlan

pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_demo_fund_a_profile_and_matches_its_plans():
    accounts_demo.load()

    first = demo.load()
    again = demo.load()

    assert first["investor_profiles"] == InvestorProfile.objects.count() == 3
    assert ProjectPlan.objects.filter(status=PlanStatus.BANKABLE).count() == 3
    assert first["matches"] == again["matches"] == Match.objects.count() > 0
    ines = InvestorProfile.objects.get(organisation__name="Greenbridge Infrastructure Fund")
    assert ines.matches.exists()
