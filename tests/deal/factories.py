"""Deal objects for tests: profiles, requests and rooms, built straight in the database.

Tests of a workflow step go through the services; these factories set up the state
before the step.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Organisation, Role
from deal.models import DealEvent, DealRequest, DealRoom, InvestorProfile, Match
from explore.models import Area
from shape.models import Instrument, PlanStatus
from tests.factories import OrganisationFactory, UserFactory
from tests.shape.factories import PlanFactory


def instrument(code: str = "loan") -> Instrument:
    return Instrument.objects.get_or_create(code=code, defaults={"name": code.title()})[0]


class InvestorProfileFactory(factory.django.DjangoModelFactory):
    """An active, EU-wide profile of a fund that lends 1-20 million."""

    class Meta:
        model = InvestorProfile
        skip_postgeneration_save = True  # the hooks save what they change themselves

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.INVESTOR)
    kind = "infrastructure_fund"
    ticket_min_eur = 1_000_000
    ticket_max_eur = 20_000_000
    eu_wide = True
    stages = factory.LazyFunction(lambda: ["feasibility", "procurement_ready"])
    min_bankability = 0

    @factory.post_generation
    def instruments(self, create, extracted, **kwargs):
        self.instruments.set(extracted if extracted is not None else [instrument("loan")])

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        self.areas.set(extracted if extracted is not None else Area.objects.all()[:3])


class BankablePlanFactory(PlanFactory):
    """A plan a curator found bankable (its checklist is not filled: use complete_plan for that)."""

    status = PlanStatus.BANKABLE
    bankability_score = 80
    stage = "feasibility"


class MatchFactory(factory.django.DjangoModelFactory):
    """A precomputed match with every part of its score and two reasons."""

    class Meta:
        model = Match

    plan = factory.SubFactory(BankablePlanFactory)
    profile = factory.SubFactory(InvestorProfileFactory)
    score = 80
    parts = factory.LazyFunction(
        lambda: {
            "areas": 0.6667,
            "geography": 1.0,
            "ticket": 1.0,
            "instruments": 0.5,
            "stage": 1.0,
            "bankability": 1.0,
        }
    )
    reasons = factory.LazyFunction(lambda: ["ticket inside range", "Loan offered"])


class DealRequestFactory(factory.django.DjangoModelFactory):
    """A pending request from the plan's promoter to the profile's organisation."""

    class Meta:
        model = DealRequest
        skip_postgeneration_save = True

    plan = factory.SubFactory(BankablePlanFactory)
    profile = factory.SubFactory(InvestorProfileFactory)
    direction = DealRequest.Direction.TO_INVESTOR
    sent_by = factory.LazyAttribute(lambda request: request.plan.promoter)
    message = "We would like to discuss a senior loan for the heat network."
    instrument = factory.LazyFunction(instrument)
    amount_eur = 5_000_000
    respond_by = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @factory.post_generation
    def sent_event(self, create, extracted, **kwargs):
        if create:
            DealEvent.objects.create(request=self, actor=self.sent_by, kind="sent")


class DealRoomFactory(factory.django.DjangoModelFactory):
    """The room of an accepted request."""

    class Meta:
        model = DealRoom

    request = factory.SubFactory(DealRequestFactory, status=DealRequest.Status.ACCEPTED)


def investor_of(profile, **fields):
    """A confirmed investor of the profile's organisation."""
    return UserFactory(
        organisation=profile.organisation,
        organisation_confirmed=True,
        roles=[Role.MEMBER, Role.INVESTOR],
        **fields,
    )
