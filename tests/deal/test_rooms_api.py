"""The deal rooms API: lists scoped to the caller, the message thread, and its refusals."""

import pytest
from rest_framework.test import APIClient

from deal.models import DealEvent, RoomMessage
from deal.services import rooms as services
from tests.deal.factories import BankablePlanFactory, DealRoomFactory, investor_of

pytestmark = pytest.mark.django_db

ROOMS = "/api/v1/deal-rooms/"


@pytest.fixture
def room(promoter):
    return DealRoomFactory(request__plan=BankablePlanFactory(promoter=promoter, title="Heat"))


@pytest.fixture
def fund_investor(room):
    return investor_of(room.request.profile)


@pytest.fixture
def api_as():
    def sign_in(user):
        client = APIClient()
        if user.is_authenticated:
            client.force_authenticate(user)
        return client

    return sign_in


def messages_url(room):
    return f"{ROOMS}{room.pk}/messages/"


@pytest.mark.parametrize("persona", ["promoter", "fund_investor", "curator"])
def test_the_parties_and_curators_list_and_read_the_room(request, api_as, room, persona):
    client = api_as(request.getfixturevalue(persona))

    listed = client.get(ROOMS).json()
    detail = client.get(f"{ROOMS}{room.pk}/")

    assert [row["id"] for row in listed["results"]] == [room.pk]
    assert detail.status_code == 200
    assert detail.json()["plan"] == {"id": room.request.plan_id, "title": "Heat"}
    assert detail.json()["outcome"] == "open"


@pytest.mark.parametrize("persona", ["investor", "other_investor", "other_promoter", "member"])
def test_outsiders_see_no_room_and_cannot_post(request, api_as, room, persona):
    client = api_as(request.getfixturevalue(persona))

    assert client.get(ROOMS).json()["results"] == []
    assert client.get(f"{ROOMS}{room.pk}/").status_code == 404
    assert client.get(messages_url(room)).status_code == 404
    assert client.post(messages_url(room), {"body": "Hi"}, format="json").status_code == 404
    assert not RoomMessage.objects.exists()


def test_a_visitor_must_sign_in(api_as, visitor, room):
    client = api_as(visitor)

    assert client.get(ROOMS).status_code == 401
    assert client.post(messages_url(room), {"body": "Hi"}, format="json").status_code == 401


def test_a_party_posts_and_the_other_side_reads_the_thread(api_as, room, promoter, fund_investor):
    created = api_as(promoter).post(messages_url(room), {"body": "Hello"}, format="json")

    assert created.status_code == 201
    assert created.json()["body"] == "Hello"
    thread = api_as(fund_investor).get(messages_url(room)).json()
    assert [row["body"] for row in thread["results"]] == ["Hello"]
    assert thread["results"][0]["author"] == str(promoter)
    assert DealEvent.objects.filter(request=room.request, kind="message").count() == 1


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   "}, {"body": 12}])
def test_an_empty_or_wrong_body_is_a_400_on_the_field(api_as, room, promoter, body):
    response = api_as(promoter).post(messages_url(room), body, format="json")

    assert response.status_code == 400
    assert "body" in response.json()
    assert not RoomMessage.objects.exists()


def test_posting_to_a_closed_room_is_a_409(api_as, room, promoter, fund_investor):
    services.room_not_pursued(room=room, actor=fund_investor, reason="Not now")

    response = api_as(promoter).post(messages_url(room), {"body": "Wait!"}, format="json")

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert not RoomMessage.objects.exists()


def test_a_curator_reads_the_thread_but_cannot_post(api_as, room, promoter, curator):
    services.room_message_post(room=room, author=promoter, body="Hello")
    client = api_as(curator)

    assert client.get(messages_url(room)).status_code == 200
    assert client.post(messages_url(room), {"body": "Hi"}, format="json").status_code == 403


@pytest.mark.parametrize("room_id", ["abc", "99999999999999999999999", "0"])
def test_an_id_that_is_not_a_room_is_a_404(api_as, promoter, room_id):
    assert api_as(promoter).get(f"{ROOMS}{room_id}/").status_code == 404


def test_the_room_list_needs_the_same_queries_for_1_and_many(
    api_as, curator, django_assert_max_num_queries
):
    DealRoomFactory()
    client = api_as(curator)
    with django_assert_max_num_queries(6):
        client.get(ROOMS)
    for _ in range(8):
        DealRoomFactory()
    with django_assert_max_num_queries(6):
        assert len(client.get(ROOMS).json()["results"]) == 9
