"""Deal request pages: sending, the inbox, sent requests, one request and its answer."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from deal.models import DealRequest, DealRoom
from deal.services import requests as services
from explore.models import Area, City
from shape.models import PlanStatus
from tests.deal.factories import (
    BankablePlanFactory,
    DealRequestFactory,
    InvestorProfileFactory,
    instrument,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(investor):
    return InvestorProfileFactory(organisation=investor.organisation)


@pytest.fixture
def plan(promoter):
    return BankablePlanFactory(promoter=promoter, title="Ghent heat network")


@pytest.fixture
def pending(plan, fund):
    return DealRequestFactory(plan=plan, profile=fund)


def create_url(**query):
    url = reverse("deal:request-create")
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def form_data(**fields):
    data = {"instrument": "loan", "amount_eur": "5000000", "message": "Shall we talk?"}
    data.update(fields)
    return data


# --- Sending ---------------------------------------------------------------------------------


def test_the_request_form_is_served_at_the_agreed_path():
    assert reverse("deal:request-create") == "/deal/requests/new/"


def test_a_promoter_picks_an_investor_and_sends(client_for, promoter, plan, fund):
    client = client_for(promoter)
    url = create_url(plan=plan.pk, profile=fund.pk)

    page = client.get(url)
    assert page.status_code == 200
    assert f'<option value="{fund.pk}" selected>' in page.content.decode()

    sent = client.post(url, {"plan": plan.pk, "profile": fund.pk, **form_data()})

    deal_request = DealRequest.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("deal:request-detail", args=[deal_request.pk])
    assert deal_request.direction == DealRequest.Direction.TO_INVESTOR


def test_an_investor_asks_about_a_plan_in_the_funds_name(client_for, investor, plan, fund):
    client = client_for(investor)
    url = create_url(plan=plan.pk)

    page = client.get(url)
    assert page.status_code == 200
    assert "Ghent heat network" in page.content.decode()
    assert 'name="profile"' not in page.content.decode()

    assert client.post(url, form_data()).status_code == 302
    assert DealRequest.objects.get().direction == DealRequest.Direction.TO_PROMOTER


def test_an_investor_without_a_profile_is_told_to_create_one(client_for, investor, plan):
    page = client_for(investor).get(create_url(plan=plan.pk))

    assert page.status_code == 200
    assert "no investor profile yet" in page.content.decode()
    assert 'name="message"' not in page.content.decode()


@pytest.mark.parametrize("who", ["other_promoter", "member"])
def test_outsiders_learn_nothing_about_a_plan_through_the_form(client_for, request, who, plan):
    page = client_for(request.getfixturevalue(who)).get(create_url(plan=plan.pk))

    assert page.status_code == 404


def test_an_investor_cannot_ask_about_a_plan_that_is_not_bankable(client_for, investor, fund):
    draft = BankablePlanFactory(status=PlanStatus.DRAFT)

    assert client_for(investor).get(create_url(plan=draft.pk)).status_code == 404


def test_the_form_needs_a_sign_in(client_for, visitor, plan):
    page = client_for(visitor).get(create_url(plan=plan.pk))

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_a_member_without_plans_is_refused(client_for, member):
    assert client_for(member).get(reverse("deal:request-create")).status_code == 403


@pytest.mark.parametrize(
    ("change", "fields", "message"),
    [
        ("pause", {}, "paused its investor profile"),
        (None, {"amount_eur": "25000000"}, "invests from EUR 1,000,000 to EUR 20,000,000"),
        (None, {"instrument": "grant"}, "does not offer this instrument"),
        (None, {"instrument": "no-such-thing"}, "Select a valid choice"),
        (None, {"amount_eur": "lots"}, "Enter a whole number"),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_stays(
    client_for, promoter, plan, fund, change, fields, message
):
    if change == "pause":
        fund.is_active = False
        fund.save()
    url = create_url(plan=plan.pk, profile=fund.pk)
    typed = form_data(message="A long message I do not want to type again", **fields)

    page = client_for(promoter).post(url, {"plan": plan.pk, "profile": fund.pk, **typed})

    body = page.content.decode()
    assert page.status_code == 200
    assert message in body
    assert "A long message I do not want to type again" in body
    assert not DealRequest.objects.exists()


def test_a_second_pending_request_is_explained(client_for, promoter, plan, fund, pending):
    url = create_url(plan=plan.pk, profile=fund.pk)

    page = client_for(promoter).post(url, {"plan": plan.pk, "profile": fund.pk, **form_data()})

    assert page.status_code == 200
    assert "already waiting for an answer" in page.content.decode()
    assert DealRequest.objects.count() == 1


def test_a_plan_not_yet_bankable_is_explained_on_the_form(client_for, promoter, fund):
    draft = BankablePlanFactory(promoter=promoter, status=PlanStatus.IN_REVIEW)
    url = create_url(plan=draft.pk, profile=fund.pk)

    page = client_for(promoter).post(url, {"plan": draft.pk, "profile": fund.pk, **form_data()})

    assert page.status_code == 200
    assert "Only bankable plans" in page.content.decode()


def test_a_matched_only_fund_is_not_offered_to_unmatched_promoters(client_for, promoter, plan):
    hidden = InvestorProfileFactory(visibility="matched")

    page = client_for(promoter).get(create_url(plan=plan.pk))

    assert str(hidden.organisation) not in page.content.decode()


# --- Who sees a request ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("promoter", 200),
        ("investor", 200),
        ("curator", 200),
        ("other_promoter", 404),
        ("other_investor", 404),
        ("member", 404),
    ],
)
def test_a_request_page_is_for_its_two_sides_and_curators(
    client_for, request, pending, who, status
):
    page = client_for(request.getfixturevalue(who)).get(
        reverse("deal:request-detail", args=[pending.pk])
    )

    assert page.status_code == status


def test_a_co_editor_sees_the_plans_requests(client_for, plan, pending):
    co_editor = UserFactory()
    plan.co_editors.add(co_editor)

    page = client_for(co_editor).get(reverse("deal:request-detail", args=[pending.pk]))

    assert page.status_code == 200


def test_an_unconfirmed_colleague_of_the_fund_sees_nothing(client_for, fund, pending):
    newcomer = UserFactory(
        organisation=fund.organisation,
        organisation_confirmed=False,
        roles=[Role.MEMBER, Role.INVESTOR],
    )

    page = client_for(newcomer).get(reverse("deal:request-detail", args=[pending.pk]))

    assert page.status_code == 404


def test_a_visitor_is_sent_to_sign_in(client_for, visitor, pending):
    page = client_for(visitor).get(reverse("deal:request-detail", args=[pending.pk]))

    assert page.status_code == 302


def test_the_request_page_shows_the_answer_forms_to_the_receiver_only(
    client_for, promoter, investor, pending
):
    url = reverse("deal:request-detail", args=[pending.pk])
    accept = reverse("deal:request-accept", args=[pending.pk])
    withdraw = reverse("deal:request-withdraw", args=[pending.pk])

    for_investor = client_for(investor).get(url).content.decode()
    for_promoter = client_for(promoter).get(url).content.decode()

    assert accept in for_investor
    assert withdraw not in for_investor
    assert 'name="csrfmiddlewaretoken"' in for_investor
    assert withdraw in for_promoter
    assert accept not in for_promoter
    assert "Request sent" in for_promoter  # the timeline


# --- Answering -------------------------------------------------------------------------------


def test_accepting_opens_the_room(client_for, investor, pending):
    answer = client_for(investor).post(reverse("deal:request-accept", args=[pending.pk]))

    room = DealRoom.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/deal/rooms/{room.pk}/"


def test_actions_take_post_only(client_for, investor, pending):
    client = client_for(investor)

    for name in ("deal:request-accept", "deal:request-decline", "deal:request-withdraw"):
        assert client.get(reverse(name, args=[pending.pk])).status_code == 405


@pytest.mark.parametrize("who", ["other_investor", "other_promoter", "member"])
def test_outsiders_acting_get_404(client_for, request, who, pending):
    client = client_for(request.getfixturevalue(who))

    for name in ("deal:request-accept", "deal:request-decline", "deal:request-withdraw"):
        assert (
            client.post(reverse(name, args=[pending.pk]), {"reasons": "risks"}).status_code == 404
        )
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.PENDING


def test_the_sender_cannot_accept_and_the_receiver_cannot_withdraw(
    client_for, promoter, investor, pending
):
    assert (
        client_for(promoter).post(reverse("deal:request-accept", args=[pending.pk])).status_code
        == 403
    )
    assert (
        client_for(investor).post(reverse("deal:request-withdraw", args=[pending.pk])).status_code
        == 403
    )


def test_acting_twice_says_what_happened(client_for, investor, pending):
    client = client_for(investor)
    client.post(reverse("deal:request-accept", args=[pending.pk]))

    again = client.post(reverse("deal:request-accept", args=[pending.pk]))

    assert again.status_code == 409
    assert "already accepted" in again.content.decode()
    assert DealRoom.objects.count() == 1


def test_declining_without_a_reason_keeps_the_note(client_for, investor, pending):
    answer = client_for(investor).post(
        reverse("deal:request-decline", args=[pending.pk]), {"note": "My carefully typed note"}
    )

    body = answer.content.decode()
    assert answer.status_code == 400
    assert "Choose at least one reason." in body
    assert "My carefully typed note" in body
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.PENDING


def test_the_promoter_sees_the_gap_list_with_links_to_the_checklist(
    client_for, promoter, investor, pending
):
    answer = client_for(investor).post(
        reverse("deal:request-decline", args=[pending.pk]),
        {"reasons": ["revenues", "permits"], "note": "Land rights first."},
    )
    assert answer.status_code == 302

    page = client_for(promoter).get(reverse("deal:request-detail", args=[pending.pk]))
    body = page.content.decode()
    checklist = reverse("shape:plan-checklist", args=[pending.plan_id])
    assert "What to improve before asking again" in body
    assert "Business model and revenues" in body
    assert "Legal, regulatory, permits and land" in body
    assert f'href="{checklist}#dimension-' in body
    assert "Land rights first." in body

    sent = client_for(promoter).get(reverse("deal:request-sent")).content.decode()
    assert "Business model and revenues" in sent
    assert f"{checklist}#dimension-" in sent


def test_withdrawing_from_the_page(client_for, promoter, pending):
    answer = client_for(promoter).post(reverse("deal:request-withdraw", args=[pending.pk]))

    assert answer.status_code == 302
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.WITHDRAWN


# --- The inbox and sent requests -------------------------------------------------------------


def test_the_inbox_lists_the_funds_requests_only(client_for, investor, fund, pending):
    elsewhere = DealRequestFactory(plan__title="Somebody else's tram")

    body = client_for(investor).get(reverse("deal:request-inbox")).content.decode()

    assert "Ghent heat network" in body
    assert "Somebody else&#x27;s tram" not in body
    assert "tram" not in body
    assert elsewhere.pk


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("promoter", 403), ("curator", 200)])
def test_the_inbox_is_for_investors_and_curators(client_for, request, who, status):
    assert (
        client_for(request.getfixturevalue(who)).get(reverse("deal:request-inbox")).status_code
        == status
    )


def test_the_inbox_needs_a_sign_in(client_for, visitor):
    assert client_for(visitor).get(reverse("deal:request-inbox")).status_code == 302


def test_the_inbox_puts_the_closest_deadline_first_and_marks_overdue(client_for, investor, fund):
    later = DealRequestFactory(profile=fund, plan__title="Later plan")
    overdue = DealRequestFactory(
        profile=fund, plan__title="Overdue plan", respond_by=timezone.now() - timedelta(hours=2)
    )
    DealRequestFactory(
        profile=fund, plan__title="Answered plan", status=DealRequest.Status.DECLINED
    )

    body = client_for(investor).get(reverse("deal:request-inbox")).content.decode()

    assert body.index("Overdue plan") < body.index("Later plan") < body.index("Answered plan")
    assert 'class="overdue"' in body
    assert "Overdue</strong>" in body
    assert later.pk
    assert overdue.pk


def test_the_inbox_filters(client_for, investor, fund):
    mobility = Area.objects.get(slug="sustainable-urban-mobility")
    lyon = City.objects.create(name="Lyon", slug="lyon-x", country="FR", latitude=45, longitude=4)
    tram = BankablePlanFactory(title="Lyon tram", city=lyon)
    tram.areas.set([mobility])
    DealRequestFactory(plan=tram, profile=fund, status=DealRequest.Status.ACCEPTED)
    asked = DealRequestFactory(
        profile=fund,
        plan__title="Brussels bikes",
        plan__promoter__organisation=OrganisationFactory(country="BE"),
        direction=DealRequest.Direction.TO_PROMOTER,
        sent_by=investor,
    )
    client = client_for(investor)
    inbox = reverse("deal:request-inbox")

    def listed(query):
        body = client.get(inbox + query).content.decode()
        return {title for title in ("Lyon tram", "Brussels bikes") if title in body}

    assert listed("") == {"Lyon tram", "Brussels bikes"}
    assert listed("?status=accepted") == {"Lyon tram"}
    assert listed("?direction=to_promoter") == {"Brussels bikes"}
    assert listed(f"?area={mobility.slug}") == {"Lyon tram"}
    assert listed("?country=FR") == {"Lyon tram"}
    assert listed("?country=BE") == {"Brussels bikes"}
    assert asked.pk
    # Nonsense in the URL is a form error, never a 500.
    assert client.get(inbox + "?status=nope&area=nowhere&page=abc").status_code == 200


def test_sent_requests_are_the_plan_teams_own(client_for, promoter, other_promoter, pending):
    DealRequestFactory(plan__title="Somebody else's tram")

    mine = client_for(promoter).get(reverse("deal:request-sent")).content.decode()
    theirs = client_for(other_promoter).get(reverse("deal:request-sent")).content.decode()

    assert "Ghent heat network" in mine
    assert "tram" not in mine
    assert "Ghent heat network" not in theirs
    # A promoter has no inbox to go to (it is a fund's), so no tab leads there.
    assert reverse("deal:request-inbox") not in mine


def test_sent_requests_of_an_investor_are_those_the_fund_sent(client_for, investor, fund, plan):
    DealRequestFactory(plan=plan, profile=fund)  # the promoter asked: in the inbox, not here
    DealRequestFactory(
        profile=fund,
        plan__title="We asked about this",
        direction=DealRequest.Direction.TO_PROMOTER,
        sent_by=investor,
    )

    body = client_for(investor).get(reverse("deal:request-sent")).content.decode()

    assert "We asked about this" in body
    assert "Ghent heat network" not in body
    assert f'<a href="{reverse("deal:request-inbox")}">Inbox</a>' in body


# --- Query counts ----------------------------------------------------------------------------


def _requests(fund, count):
    for number in range(count):
        deal_request = DealRequestFactory(
            profile=fund, plan__title=f"Plan {number}", status=DealRequest.Status.DECLINED
        )
        deal_request.decline_reasons = ["risks", "financial"]
        deal_request.save()


@pytest.mark.parametrize("rows", [1, 25])
def test_the_inbox_reads_a_fixed_number_of_queries(
    client_for, investor, fund, rows, django_assert_max_num_queries
):
    _requests(fund, rows)
    client = client_for(investor)
    client.get(reverse("deal:request-inbox"))  # warm the session and the unread count

    with django_assert_max_num_queries(9):
        page = client.get(reverse("deal:request-inbox"))

    assert page.content.decode().count("Reasons and what to improve") == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_the_sent_list_reads_a_fixed_number_of_queries(
    client_for, rows, django_assert_max_num_queries
):
    promoter = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    fund = InvestorProfileFactory()
    for number in range(rows):
        deal_request = DealRequestFactory(
            plan__promoter=promoter,
            plan__title=f"Plan {number}",
            profile=fund,
            status=DealRequest.Status.DECLINED,
        )
        deal_request.decline_reasons = ["risks"]
        deal_request.save()
    client = client_for(promoter)
    client.get(reverse("deal:request-sent"))

    with django_assert_max_num_queries(9):
        page = client.get(reverse("deal:request-sent"))

    assert page.content.decode().count("Risks and mitigation") == rows


def test_a_request_sent_through_the_service_shows_in_the_inbox(client_for, promoter, investor):
    fund = InvestorProfileFactory(organisation=investor.organisation)
    plan = BankablePlanFactory(promoter=promoter, title="Service-sent plan")
    services.request_send(
        actor=promoter,
        plan=plan,
        profile=fund,
        instrument=instrument("loan"),
        amount_eur=2_000_000,
        message="Hello",
    )

    assert (
        "Service-sent plan"
        in client_for(investor).get(reverse("deal:request-inbox")).content.decode()
    )


def test_inbox_filters_never_reach_other_funds_requests(client_for, other_investor, pending):
    other_fund = InvestorProfileFactory(organisation=other_investor.organisation)
    DealRequestFactory(profile=other_fund, plan__title="Their own plan")

    body = client_for(other_investor).get(reverse("deal:request-inbox") + "?status=pending")

    assert "Their own plan" in body.content.decode()
    assert "Ghent heat network" not in body.content.decode()


def test_actions_need_the_csrf_token(investor, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(investor)

    answer = client.post(reverse("deal:request-accept", args=[pending.pk]))

    assert answer.status_code == 403
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.PENDING


@pytest.mark.parametrize("typed", ["5 000 000", "5,000,000", "5.000.000", "5000000"])
def test_amounts_may_be_typed_with_thousands_separators(client_for, promoter, plan, fund, typed):
    url = create_url(plan=plan.pk, profile=fund.pk)

    sent = client_for(promoter).post(
        url, {"plan": plan.pk, "profile": fund.pk, **form_data(amount_eur=typed)}
    )

    assert sent.status_code == 302
    assert DealRequest.objects.get().amount_eur == 5_000_000
