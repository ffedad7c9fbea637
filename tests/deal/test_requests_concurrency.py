"""Two people acting on one request at the same moment get exactly one outcome (PostgreSQL).

Each test starts threads that wait at a barrier and then act at once, every thread on its
own database connection; the row lock makes one wait for the other, which then finds the
request already decided and is told so.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from deal.models import DealEvent, DealRequest, DealRoom
from deal.services import requests as services
from marketplace.errors import StateConflict
from tests.deal.factories import BankablePlanFactory, DealRequestFactory, InvestorProfileFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def at_once(*actions) -> list:
    """Run each action in its own thread, all released together; their results or errors."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def fund(investor):
    return InvestorProfileFactory(organisation=investor.organisation)


def a_pending_request(promoter, fund) -> DealRequest:
    return DealRequestFactory(plan=BankablePlanFactory(promoter=promoter), profile=fund)


def assert_one_outcome(deal_request: DealRequest) -> None:
    deal_request.refresh_from_db()
    assert deal_request.status in {DealRequest.Status.ACCEPTED, DealRequest.Status.WITHDRAWN}
    rooms = DealRoom.objects.filter(request=deal_request).count()
    assert rooms == (1 if deal_request.status == DealRequest.Status.ACCEPTED else 0)
    decisions = deal_request.events.exclude(kind=DealEvent.Kind.SENT)
    assert decisions.count() == 1


def test_accept_and_withdraw_at_once_through_the_services(promoter, investor, fund):
    for _round in range(ROUNDS):
        deal_request = a_pending_request(promoter, fund)

        results = at_once(
            lambda dr=deal_request: services.request_accept(deal_request=dr, actor=investor),
            lambda dr=deal_request: services.request_withdraw(deal_request=dr, actor=promoter),
        )

        conflicts = [result for result in results if isinstance(result, StateConflict)]
        assert len(conflicts) == 1, results
        assert not [r for r in results if isinstance(r, Exception) and r not in conflicts]
        assert_one_outcome(deal_request)


def test_accept_and_withdraw_at_once_through_the_pages(promoter, investor, fund):
    for _round in range(ROUNDS):
        deal_request = a_pending_request(promoter, fund)
        as_investor, as_promoter = Client(), Client()
        as_investor.force_login(investor)
        as_promoter.force_login(promoter)

        responses = at_once(
            lambda pk=deal_request.pk, client=as_investor: client.post(
                f"/deal/requests/{pk}/accept/"
            ),
            lambda pk=deal_request.pk, client=as_promoter: client.post(
                f"/deal/requests/{pk}/withdraw/"
            ),
        )

        assert sorted(response.status_code for response in responses) == [302, 409]
        refused = next(response for response in responses if response.status_code == 409)
        assert "nothing was changed" in refused.content.decode()
        assert_one_outcome(deal_request)


def test_accept_and_withdraw_at_once_through_the_api(promoter, investor, fund):
    for _round in range(ROUNDS):
        deal_request = a_pending_request(promoter, fund)
        as_investor, as_promoter = APIClient(), APIClient()
        as_investor.force_authenticate(investor)
        as_promoter.force_authenticate(promoter)
        url = f"/api/v1/deal-requests/{deal_request.pk}"

        responses = at_once(
            lambda url=url, client=as_investor: client.post(f"{url}/accept/"),
            lambda url=url, client=as_promoter: client.post(f"{url}/withdraw/"),
        )

        assert sorted(response.status_code for response in responses) == [200, 409]
        refused = next(response for response in responses if response.status_code == 409)
        assert "already" in refused.json()["detail"]
        assert_one_outcome(deal_request)


def test_two_identical_requests_sent_at_once_leave_one(promoter, fund):
    plan = BankablePlanFactory(promoter=promoter)
    clients = [APIClient(), APIClient()]
    for client in clients:
        client.force_authenticate(promoter)
    body = {
        "plan": plan.pk,
        "profile": fund.pk,
        "instrument": "loan",
        "amount_eur": 5_000_000,
        "message": "Shall we talk?",
    }

    responses = at_once(
        *[
            lambda client=client: client.post("/api/v1/deal-requests/", body, format="json")
            for client in clients
        ]
    )

    assert sorted(response.status_code for response in responses) == [201, 409]
    assert DealRequest.objects.filter(plan=plan).count() == 1
