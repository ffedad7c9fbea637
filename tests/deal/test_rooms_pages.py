"""The deal room pages: what the two parties and curators see and do, and that nobody else
learns a room exists."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deal.models import DealEvent, DealRoom, MeetingProposal, RoomDocument, RoomMessage
from deal.services import rooms as services
from shape.models import Attachment, PlanShare
from tests.deal.factories import BankablePlanFactory, DealRoomFactory, instrument, investor_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% heads of terms\n"


@pytest.fixture
def room(promoter):
    plan = BankablePlanFactory(promoter=promoter, title="Ghent heat network")
    return DealRoomFactory(request__plan=plan)


@pytest.fixture
def fund_investor(room):
    return investor_of(room.request.profile)


@pytest.fixture
def document(room, promoter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("heads.pdf", PDF, content_type="application/pdf")
    return services.room_document_share(
        room=room, actor=promoter, title="Heads of terms", file=upload
    )


def url(name, room, *args):
    return reverse(f"deal:{name}", args=[room.pk, *args])


def future(hours):
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def proposal_data(**fields):
    return {"subject": "Site visit", "place": "", "duration_minutes": 60, **fields}


# --- Who sees a room ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["promoter", "fund_investor", "curator"])
def test_the_parties_and_curators_see_the_room_with_the_full_plan(
    request, client_for, room, persona
):
    response = client_for(request.getfixturevalue(persona)).get(url("room-detail", room))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ghent heat network" in page
    assert room.request.plan.summary in page
    assert "Bankability checklist" in page


def test_a_co_editor_is_on_the_promoter_side(client_for, room):
    from accounts.models import Role
    from tests.factories import UserFactory

    co_editor = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    room.request.plan.co_editors.add(co_editor)
    client = client_for(co_editor)

    assert client.get(url("room-detail", room)).status_code == 200
    assert client.post(url("room-message-post", room), {"body": "Hello"}).status_code == 302


OUTSIDERS = ["investor", "other_investor", "other_promoter", "member"]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_a_404_for_the_room_and_its_file(
    request, client_for, room, document, persona
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url("room-detail", room)).status_code == 404
    assert client.get(url("room-document-download", room, document.pk)).status_code == 404


def test_an_unconfirmed_investor_of_the_fund_is_an_outsider(client_for, room):
    from accounts.models import Role
    from tests.factories import UserFactory

    newcomer = UserFactory(
        organisation=room.request.profile.organisation,
        organisation_confirmed=False,
        roles=[Role.MEMBER, Role.INVESTOR],
    )

    assert client_for(newcomer).get(url("room-detail", room)).status_code == 404


ACTIONS = [
    ("room-message-post", {"body": "Hello"}),
    ("room-document-upload", {"title": "x"}),
    ("room-meeting-propose", proposal_data(slot_1="2999-01-01T10:00")),
    ("room-close", {"amount_eur": 5, "instrument": "", "closed_on": "2020-01-01"}),
    ("room-not-pursued", {"reason": "No"}),
]


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("name", "data"), ACTIONS, ids=[name for name, _ in ACTIONS])
def test_posting_to_a_room_one_is_not_in_gives_a_404(
    request, client_for, room, persona, name, data
):
    response = client_for(request.getfixturevalue(persona)).post(url(name, room), data)

    assert response.status_code == 404
    assert not RoomMessage.objects.exists()
    assert DealEvent.objects.filter(request=room.request).count() == 1  # only "sent"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_cannot_touch_a_meeting(request, client_for, room, promoter, persona):
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[timezone.now() + timedelta(hours=3)]
    )
    client = client_for(request.getfixturevalue(persona))
    slot = proposal.slots.get()

    choose = client.post(
        url("room-meeting-choose", room, proposal.pk), {f"meeting-{proposal.pk}-slot": slot.pk}
    )
    withdraw = client.post(url("room-meeting-withdraw", room, proposal.pk))

    assert (choose.status_code, withdraw.status_code) == (404, 404)
    proposal.refresh_from_db()
    assert proposal.status == MeetingProposal.Status.OPEN


def test_a_visitor_is_sent_to_sign_in(client, room, document):
    for target in (
        url("room-detail", room),
        url("room-document-download", room, document.pk),
        reverse("deal:room-list"),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    response = client.post(url("room-message-post", room), {"body": "Hi"})
    assert response.status_code == 302
    assert not RoomMessage.objects.exists()


def test_a_curator_reads_but_does_not_act(client_for, curator, room):
    client = client_for(curator)

    page = client.get(url("room-detail", room)).content.decode()
    response = client.post(url("room-message-post", room), {"body": "Hello"})

    assert "only the two parties act" in page
    assert f'action="{url("room-message-post", room)}"' not in page
    assert response.status_code == 403
    assert not RoomMessage.objects.exists()


def test_the_room_list_shows_only_ones_own_rooms(
    client_for, room, promoter, fund_investor, other_promoter, curator
):
    elsewhere = DealRoomFactory()
    elsewhere.request.plan.title = "Someone else's tram"
    elsewhere.request.plan.save()

    def titles(user):
        return client_for(user).get(reverse("deal:room-list")).content.decode()

    assert "Ghent heat network" in titles(promoter)
    assert "Someone else" not in titles(promoter)
    assert "Ghent heat network" in titles(fund_investor)
    assert "Someone else" not in titles(fund_investor)
    assert "Ghent heat network" not in titles(other_promoter)
    assert "Ghent heat network" in titles(curator)
    assert "Someone else" in titles(curator)


# --- Messages and documents ---------------------------------------------------------------------


def test_a_party_posts_a_message_that_the_other_side_reads(
    client_for, room, promoter, fund_investor
):
    response = client_for(promoter).post(url("room-message-post", room), {"body": "Welcome!"})

    assert response.status_code == 302
    assert response.url.endswith("#messages")
    assert "Welcome!" in client_for(fund_investor).get(url("room-detail", room)).content.decode()


def test_an_empty_message_shows_a_clear_error(client_for, room, promoter):
    response = client_for(promoter).post(url("room-message-post", room), {"body": "   "})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not RoomMessage.objects.exists()


def test_the_document_downloads_as_an_attachment_never_inline(
    client_for, room, document, fund_investor, curator
):
    for person in (fund_investor, curator):
        response = client_for(person).get(url("room-document-download", room, document.pk))

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="heads-of-terms.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


def test_the_file_is_not_reachable_through_another_room(client_for, promoter, document):
    own_other_room = DealRoomFactory(request__plan=BankablePlanFactory(promoter=promoter))

    response = client_for(promoter).get(url("room-document-download", own_other_room, document.pk))

    assert response.status_code == 404


def test_the_page_links_documents_to_the_checked_view_not_to_media(
    client_for, room, document, fund_investor
):
    page = client_for(fund_investor).get(url("room-detail", room)).content.decode()

    assert url("room-document-download", room, document.pk) in page
    assert "/media/" not in page


def test_a_wrong_type_of_file_is_refused_and_the_title_kept(
    client_for, room, promoter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"
    )

    response = client_for(promoter).post(
        url("room-document-upload", room), {"title": "Invoice", "file": upload}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "does not match its PDF name" in page
    assert 'value="Invoice"' in page
    assert not RoomDocument.objects.exists()


def test_an_oversized_file_is_refused(client_for, room, promoter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))

    response = client_for(promoter).post(
        url("room-document-upload", room), {"title": "Big", "file": upload}
    )

    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not RoomDocument.objects.exists()


# --- Meetings -----------------------------------------------------------------------------------


def test_a_meeting_is_proposed_and_the_other_side_picks_a_time(
    client_for, room, promoter, fund_investor
):
    response = client_for(promoter).post(
        url("room-meeting-propose", room),
        proposal_data(place="https://meet.example.org/abc", slot_1=future(30), slot_3=future(50)),
    )
    assert response.status_code == 302
    proposal = MeetingProposal.objects.get()
    assert proposal.slots.count() == 2

    # The proposer's page offers no choice; the other side's does.
    assert (
        "Agree on this time"
        not in client_for(promoter).get(url("room-detail", room)).content.decode()
    )
    client = client_for(fund_investor)
    assert "Agree on this time" in client.get(url("room-detail", room)).content.decode()
    slot = proposal.slots.last()
    response = client.post(
        url("room-meeting-choose", room, proposal.pk), {f"meeting-{proposal.pk}-slot": slot.pk}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.chosen_slot == slot
    assert "Agreed:" in client.get(url("room-detail", room)).content.decode()


@pytest.mark.parametrize(
    ("slots", "error"),
    [
        ({}, "Offer at least one time"),
        ({"slot_1": "2001-01-01T10:00"}, "already passed"),
        ({"slot_2": "not a date"}, "Enter a valid date/time"),
    ],
)
def test_bad_meeting_times_are_refused_clearly(client_for, room, promoter, slots, error):
    response = client_for(promoter).post(url("room-meeting-propose", room), proposal_data(**slots))

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert 'value="Site visit"' in page
    assert not MeetingProposal.objects.exists()


def test_the_proposer_cannot_pick_and_a_time_is_picked_once(
    client_for, room, promoter, fund_investor
):
    proposal = services.meeting_propose(
        room=room,
        actor=promoter,
        subject="Call",
        starts=[timezone.now() + timedelta(hours=3), timezone.now() + timedelta(hours=4)],
    )
    first, second = proposal.slots.all()
    choose = url("room-meeting-choose", room, proposal.pk)
    field = f"meeting-{proposal.pk}-slot"

    assert client_for(promoter).post(choose, {field: first.pk}).status_code == 403
    assert client_for(fund_investor).post(choose, {field: first.pk}).status_code == 302
    again = client_for(investor_of(room.request.profile)).post(choose, {field: second.pk})

    assert again.status_code == 409
    assert "already agreed" in again.content.decode()
    proposal.refresh_from_db()
    assert proposal.chosen_slot == first


def test_the_proposer_withdraws_an_open_proposal(client_for, room, promoter, fund_investor):
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[timezone.now() + timedelta(hours=3)]
    )
    withdraw = url("room-meeting-withdraw", room, proposal.pk)

    assert client_for(fund_investor).post(withdraw).status_code == 403
    assert client_for(promoter).post(withdraw).status_code == 302
    assert client_for(promoter).post(withdraw).status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == MeetingProposal.Status.WITHDRAWN


# --- The outcome and the timeline ---------------------------------------------------------------


def test_a_party_records_the_closed_deal_and_the_room_becomes_read_only(
    client_for, room, promoter, fund_investor
):
    loan = instrument("loan")
    today = timezone.localdate().isoformat()
    client = client_for(fund_investor)

    response = client.post(
        url("room-close", room),
        {"amount_eur": 3_000_000, "instrument": loan.pk, "closed_on": today},
    )

    assert response.status_code == 302
    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.CLOSED
    page = client_for(promoter).get(url("room-detail", room)).content.decode()
    assert "€ 3000000" in page
    assert f'action="{url("room-message-post", room)}"' not in page
    late = client_for(promoter).post(url("room-message-post", room), {"body": "One more thing"})
    assert late.status_code == 409
    assert "room is closed to new steps" in late.content.decode()
    assert not RoomMessage.objects.exists()
    twice = client_for(promoter).post(url("room-not-pursued", room), {"reason": "Changed mind"})
    assert twice.status_code == 409
    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.CLOSED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"amount_eur": 0, "closed_on": "today"}, "greater than or equal to 1"),
        ({"amount_eur": 10, "closed_on": "tomorrow"}, "cannot be in the future"),
        ({"amount_eur": "", "closed_on": "today"}, "This field is required"),
    ],
)
def test_a_bad_outcome_is_refused_and_what_was_typed_kept(client_for, room, promoter, data, error):
    days = {"today": 0, "tomorrow": 1}[data["closed_on"]]
    data = {
        **data,
        "instrument": instrument("loan").pk,
        "closed_on": (timezone.localdate() + timedelta(days=days)).isoformat(),
    }

    response = client_for(promoter).post(url("room-close", room), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.OPEN


def test_not_pursued_needs_a_reason(client_for, room, promoter):
    assert (
        client_for(promoter).post(url("room-not-pursued", room), {"reason": ""}).status_code == 400
    )
    response = client_for(promoter).post(url("room-not-pursued", room), {"reason": "Too early"})

    assert response.status_code == 302
    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.NOT_PURSUED


def test_the_timeline_shows_every_step_with_who(client_for, room, promoter, fund_investor, curator):
    services.room_message_post(room=room, author=promoter, body="Hello")
    services.room_not_pursued(room=room, actor=fund_investor, reason="Outside our mandate")

    page = client_for(curator).get(url("room-detail", room)).content.decode()
    timeline = page[page.index('id="timeline"') :]

    assert timeline.index("Request sent") < timeline.index("Message posted")
    assert timeline.index("Message posted") < timeline.index("Not pursued")
    assert str(fund_investor) in timeline


# --- The plan's own files -----------------------------------------------------------------------


def test_plan_attachments_are_linked_only_for_investors_the_plan_was_shared_with(
    client_for, room, promoter, fund_investor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = room.request.plan
    attachment = Attachment.objects.create(
        plan=plan,
        title="Feasibility study",
        file=SimpleUploadedFile("study.pdf", PDF),
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=promoter,
    )
    link = reverse("shape:attachment-download", args=[plan.pk, attachment.pk])

    assert link not in client_for(fund_investor).get(url("room-detail", room)).content.decode()
    PlanShare.objects.create(plan=plan, investor=fund_investor, shared_by=promoter)
    assert link in client_for(fund_investor).get(url("room-detail", room)).content.decode()
    assert client_for(fund_investor).get(link).status_code == 200


# --- Query counts -------------------------------------------------------------------------------


def _room_page_queries(client, room, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("room-detail", room)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["promoter", "fund_investor", "curator"])
def test_the_room_page_needs_the_same_queries_for_1_and_many_rows(
    request,
    client_for,
    room,
    promoter,
    fund_investor,
    settings,
    tmp_path,
    django_assert_max_num_queries,
    persona,
):
    settings.MEDIA_ROOT = tmp_path

    def add_rows(count, offset):
        for n in range(count):
            services.room_message_post(room=room, author=promoter, body=f"Message {offset + n}")
            services.room_document_share(
                room=room,
                actor=fund_investor,
                title=f"Doc {offset + n}",
                file=SimpleUploadedFile(f"d{offset + n}.pdf", PDF),
            )
            services.meeting_propose(
                room=room,
                actor=promoter,
                subject=f"Call {offset + n}",
                starts=[timezone.now() + timedelta(hours=h) for h in (3, 4)],
            )

    add_rows(1, 0)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(30):
        client.get(url("room-detail", room))
    one = _room_page_queries(client, room, django_assert_max_num_queries)

    add_rows(15, 1)
    with django_assert_max_num_queries(one):
        response = client.get(url("room-detail", room))
    assert "Message 15" in response.content.decode()


def test_the_room_list_needs_the_same_queries_for_1_and_many_rooms(
    client_for, curator, django_assert_max_num_queries
):
    DealRoomFactory()
    client = client_for(curator)
    with django_assert_max_num_queries(12):
        client.get(reverse("deal:room-list"))
    for _ in range(10):
        DealRoomFactory()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("deal:room-list"))
    assert response.status_code == 200


def test_accepting_a_request_opens_a_room_both_sides_enter(client_for, promoter):
    from deal.services.requests import request_accept
    from tests.deal.factories import DealRequestFactory

    deal_request = DealRequestFactory(plan=BankablePlanFactory(promoter=promoter))
    fund_investor = investor_of(deal_request.profile)

    room = request_accept(deal_request=deal_request, actor=fund_investor)

    for person in (promoter, fund_investor):
        page = client_for(person).get(url("room-detail", room))
        assert page.status_code == 200
        timeline = page.content.decode().split('id="timeline"')[1]
        assert timeline.index("Request sent") < timeline.index("Request accepted")
