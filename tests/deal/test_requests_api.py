"""/api/v1/deal-requests/: scoped lists, sending, and accept / decline / withdraw."""

import pytest
from rest_framework.test import APIClient

from deal.models import DealRequest, DealRoom
from tests.deal.factories import (
    BankablePlanFactory,
    DealRequestFactory,
    InvestorProfileFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/deal-requests/"


def detail(pk, action=""):
    return f"{LIST}{pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def api():
    def signed_in(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return signed_in


@pytest.fixture
def fund(investor):
    return InvestorProfileFactory(organisation=investor.organisation)


@pytest.fixture
def plan(promoter):
    return BankablePlanFactory(promoter=promoter, title="Ghent heat network")


@pytest.fixture
def pending(plan, fund):
    return DealRequestFactory(plan=plan, profile=fund)


def body(for_plan, for_fund, **fields):
    data = {
        "plan": for_plan.pk,
        "profile": for_fund.pk,
        "instrument": "loan",
        "amount_eur": 5_000_000,
        "message": "Shall we talk?",
    }
    data.update(fields)
    return data


# --- Lists and reading -----------------------------------------------------------------------


def test_each_side_lists_only_its_requests(api, promoter, investor, other_investor, pending):
    DealRequestFactory()  # between two others

    assert [row["id"] for row in api(promoter).get(LIST).json()["results"]] == [pending.pk]
    assert [row["id"] for row in api(investor).get(LIST).json()["results"]] == [pending.pk]
    assert api(other_investor).get(LIST).json()["results"] == []


def test_curators_list_every_request(api, curator, pending):
    DealRequestFactory()

    assert api(curator).get(LIST).json()["count"] == 2


def test_the_list_filters_and_refuses_nonsense(api, investor, pending):
    client = api(investor)

    assert client.get(LIST, {"status": "pending"}).json()["count"] == 1
    assert client.get(LIST, {"status": "accepted"}).json()["count"] == 0
    assert client.get(LIST, {"plan": pending.plan_id}).json()["count"] == 1
    assert client.get(LIST, {"status": "nope"}).status_code == 400
    assert client.get(LIST, {"plan": "x"}).status_code == 400


def test_a_visitor_must_sign_in(api):
    assert api().get(LIST).status_code == 401


@pytest.mark.parametrize("who", ["other_investor", "other_promoter", "member"])
def test_outsiders_get_404_for_a_request(api, request, who, pending):
    assert api(request.getfixturevalue(who)).get(detail(pending.pk)).status_code == 404


def test_a_request_reads_in_full_for_its_sides(api, investor, pending):
    row = api(investor).get(detail(pending.pk)).json()

    assert row["plan"] == {"id": pending.plan_id, "title": "Ghent heat network"}
    assert row["status"] == "pending"
    assert row["instrument"] == "loan"
    assert row["room"] is None


def test_an_id_that_is_not_a_number_is_404(api, investor):
    assert api(investor).get(detail("abc")).status_code == 404


# --- Sending ---------------------------------------------------------------------------------


def test_a_promoter_sends_a_request(api, promoter, plan, fund):
    answer = api(promoter).post(LIST, body(plan, fund), format="json")

    assert answer.status_code == 201
    assert answer.json()["direction"] == "to_investor"
    assert DealRequest.objects.get().sent_by == promoter


def test_an_investor_sends_in_the_funds_name_without_naming_the_profile(api, investor, plan, fund):
    data = body(plan, fund)
    del data["profile"]

    answer = api(investor).post(LIST, data, format="json")

    assert answer.status_code == 201
    assert answer.json()["profile"]["id"] == fund.pk
    assert answer.json()["direction"] == "to_promoter"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount_eur": 100}, "amount_eur"),
        ({"amount_eur": "5000000"}, "amount_eur"),
        ({"instrument": "grant"}, "instrument"),
        ({"instrument": "no-such-code"}, "instrument"),
        ({"message": ""}, "message"),
        ({"plan": 999_999}, "plan"),
    ],
)
def test_bad_input_is_a_400_on_its_field(api, promoter, plan, fund, fields, field):
    answer = api(promoter).post(LIST, body(plan, fund, **fields), format="json")

    assert answer.status_code == 400
    assert field in answer.json()
    assert not DealRequest.objects.exists()


def test_a_paused_investor_is_a_400_on_the_profile(api, promoter, plan, fund):
    fund.is_active = False
    fund.save()

    answer = api(promoter).post(LIST, body(plan, fund), format="json")

    assert answer.status_code == 400
    assert "paused" in answer.json()["profile"][0]


def test_someone_elses_plan_reads_as_no_plan(api, other_promoter, plan, fund):
    answer = api(other_promoter).post(LIST, body(plan, fund), format="json")

    assert answer.status_code == 400
    assert "plan" in answer.json()


def test_a_second_pending_request_is_a_conflict(api, promoter, plan, fund, pending):
    answer = api(promoter).post(LIST, body(plan, fund), format="json")

    assert answer.status_code == 409
    assert "already waiting" in answer.json()["detail"]


# --- Answering -------------------------------------------------------------------------------


def test_accept_opens_a_room(api, investor, pending):
    answer = api(investor).post(detail(pending.pk, "accept"))

    assert answer.status_code == 200
    assert answer.json()["status"] == "accepted"
    assert answer.json()["room"] == DealRoom.objects.get().pk


def test_acting_twice_is_a_conflict(api, promoter, investor, pending):
    api(investor).post(detail(pending.pk, "accept"))

    assert api(investor).post(detail(pending.pk, "accept")).status_code == 409
    assert api(promoter).post(detail(pending.pk, "withdraw")).status_code == 409


def test_the_wrong_side_is_refused_with_403(api, promoter, investor, pending):
    assert api(promoter).post(detail(pending.pk, "accept")).status_code == 403
    assert api(investor).post(detail(pending.pk, "withdraw")).status_code == 403
    decline = {"reasons": ["risks"]}
    assert (
        api(promoter).post(detail(pending.pk, "decline"), decline, format="json").status_code == 403
    )


@pytest.mark.parametrize("who", ["other_investor", "other_promoter", "member", "curator"])
def test_outsiders_cannot_act(api, request, who, pending):
    client = api(request.getfixturevalue(who))

    statuses = {
        client.post(detail(pending.pk, action), {"reasons": ["risks"]}, format="json").status_code
        for action in ("accept", "decline", "withdraw")
    }

    assert statuses == ({403} if who == "curator" else {404})
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.PENDING


@pytest.mark.parametrize("reasons", [[], None, ["nope"], "risks"])
def test_decline_needs_known_reasons(api, investor, pending, reasons):
    data = {} if reasons is None else {"reasons": reasons}

    answer = api(investor).post(detail(pending.pk, "decline"), data, format="json")

    assert answer.status_code == 400
    assert "reasons" in answer.json()


def test_decline_returns_the_gap_list(api, promoter, investor, pending):
    answer = api(investor).post(
        detail(pending.pk, "decline"), {"reasons": ["risks"], "note": "Later"}, format="json"
    )

    assert answer.status_code == 200
    assert answer.json()["gaps"][0]["dimension"] == "Risks and mitigation"
    assert answer.json()["gaps"][0]["url"] == ""  # the fund does not open the checklist
    promoter_view = api(promoter).get(detail(pending.pk)).json()
    assert promoter_view["gaps"][0]["url"].startswith(f"/shape/plans/{pending.plan_id}/checklist/")


def test_withdraw_by_the_sender(api, promoter, pending):
    answer = api(promoter).post(detail(pending.pk, "withdraw"))

    assert answer.status_code == 200
    assert answer.json()["status"] == "withdrawn"


def test_filters_never_reach_other_funds_requests(api, other_investor, pending):
    client = api(other_investor)

    assert client.get(LIST, {"plan": pending.plan_id}).json()["count"] == 0
    assert client.get(LIST, {"status": "pending"}).json()["count"] == 0


@pytest.mark.parametrize("name", ["status", "direction", "area", "country", "plan"])
def test_an_empty_filter_is_refused(api, investor, name):
    answer = api(investor).get(LIST, {name: ""})

    assert answer.status_code == 400
    assert name in answer.json()
