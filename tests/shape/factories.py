import factory

from accounts.models import Role
from shape.models import PlanStatus, ProjectPlan
from tests.factories import UserFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """A promoter's plan, a draft unless a test says otherwise."""

    class Meta:
        model = ProjectPlan

    promoter = factory.SubFactory(UserFactory, roles=[Role.MEMBER, Role.PROMOTER])
    organisation = factory.LazyAttribute(lambda plan: plan.promoter.organisation)
    title = factory.Sequence(lambda n: f"District heating upgrade {n}")
    summary = "Replace gas boilers in three districts with a low-temperature heat network."
    problem = "Old boilers, high bills and emissions."
    proposed_solution = "A heat network fed by a data centre and a heat pump."
    total_investment_eur = 12_000_000
    funding_sought_eur = 8_000_000
    status = PlanStatus.DRAFT
