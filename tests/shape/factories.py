from datetime import date

import factory

from accounts.models import Role
from explore.models import Area, City, Indicator
from shape.models import ChecklistAnswer, ChecklistItem, Instrument, PlanStatus, ProjectPlan
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


def complete_plan(promoter, template, *, city=None, indicator=None, instrument=None, **fields):
    """A draft with every required field filled and every checklist item answered "met"."""
    city = (
        city
        or City.objects.get_or_create(
            slug="ghent",
            defaults={"name": "Ghent", "country": "BE", "latitude": 51, "longitude": 3},
        )[0]
    )
    indicator = (
        indicator
        or Indicator.objects.get_or_create(
            code="ENE-01",
            defaults={
                "slug": "ene-01",
                "name": "Energy use",
                "unit": "GJ",
                "direction": "lower",
                "area": Area.objects.first(),
            },
        )[0]
    )
    instrument = (
        instrument or Instrument.objects.get_or_create(code="loan", defaults={"name": "Loan"})[0]
    )
    plan = PlanFactory(
        promoter=promoter,
        city=city,
        stage="feasibility",
        planned_start=date(2027, 3, 1),
        checklist_template=template,
        revenue_model="Heat sales",
        **fields,
    )
    plan.areas.set(Area.objects.all()[:1])
    plan.instruments.set([instrument])
    plan.impact_targets.create(
        indicator=indicator, baseline_value=10, baseline_year=2024, target_value=7, target_year=2030
    )
    plan.milestones.create(title="Tender", due_date=date(2027, 6, 1))
    plan.risks.create(description="Delays", likelihood=2, impact=2, mitigation="Buffer")
    for item in ChecklistItem.objects.filter(dimension__template=template):
        ChecklistAnswer.objects.create(plan=plan, item=item, answer="met")
    return plan
