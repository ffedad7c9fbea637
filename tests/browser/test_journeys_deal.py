"""Deal in Chromium: an investor sets up a profile and sees a bankable plan with the reasons
it matched; the promoter asks the investor for an exchange; the investor accepts from the
inbox; in the deal room both write, share a document and agree a meeting time; the
investor records the deal as closed. Both are told along the way."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation, Role
from deal.models import DealRequest, DealRoom
from shape.models import ChecklistTemplate, Instrument
from shape.services import plans as plan_services
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.shape.factories import complete_plan

pytestmark = pytest.mark.usefixtures("reference_areas")

PLAN_TITLE = "Eindhoven smart street lighting"
PROMOTER_EMAIL = "promoter@eindhoven.example.org"
INVESTOR_EMAIL = "lender@greenfund.example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(transactional_db):
    fund = OrganisationFactory(name="Green Infrastructure Fund", kind=Organisation.Kind.INVESTOR)
    curator = UserFactory(email="curator@example.org", roles=[Role.MEMBER, Role.CURATOR])
    promoter = UserFactory(
        email=PROMOTER_EMAIL, name="Pia Promoter", roles=[Role.MEMBER, Role.PROMOTER]
    )
    investor = UserFactory(
        email=INVESTOR_EMAIL,
        name="Ivo Investor",
        organisation=fund,
        roles=[Role.MEMBER, Role.INVESTOR],
    )
    return {"promoter": promoter, "investor": investor, "curator": curator}


@pytest.fixture
def bankable_plan(people):
    template = ChecklistTemplate.objects.get(is_current=True)
    plan = complete_plan(
        people["promoter"], template, title=PLAN_TITLE, funding_sought_eur=4_000_000
    )
    plan_services.plan_submit(plan=plan, actor=people["promoter"])
    plan_services.plan_review_start(plan=plan, actor=people["curator"])
    return plan_services.plan_mark_bankable(plan=plan, actor=people["curator"])


def test_a_plan_is_matched_requested_accepted_discussed_and_closed(
    page, live_server, people, bankable_plan, assert_accessible, tmp_path
):
    check = assert_accessible

    sign_in(page, live_server, INVESTOR_EMAIL, check)
    set_up_the_profile(page, live_server, bankable_plan, check)
    see_the_plan_with_its_explanation(page, live_server, check)
    sign_out(page, check)

    sign_in(page, live_server, PROMOTER_EMAIL, check)
    send_a_request(page, live_server, bankable_plan, check)
    sign_out(page, check)

    sign_in(page, live_server, INVESTOR_EMAIL, check)
    expect_unread_notifications(page)
    accept_from_the_inbox(page, live_server, check)
    write_and_share(page, "We can offer a senior loan over 15 years.", tmp_path, check)
    propose_a_meeting(page, check)
    sign_out(page, check)

    sign_in(page, live_server, PROMOTER_EMAIL, check)
    open_the_room_from_a_notification(page, live_server, check)
    expect(
        page.get_by_text("We can offer a senior loan over 15 years.", exact=True)
    ).to_be_visible()
    write_and_share(page, "Fifteen years suits our payback period.", tmp_path, check)
    pick_the_meeting_time(page, check)
    sign_out(page, check)

    sign_in(page, live_server, INVESTOR_EMAIL, check)
    page.goto(live_server.url + reverse("deal:room-list"))
    check(page)
    page.get_by_role("link", name=re.compile(PLAN_TITLE)).first.click()
    expect(page.get_by_text("Fifteen years suits our payback period.", exact=True)).to_be_visible()
    record_the_closed_deal(page, check)
    sign_out(page, check)

    sign_in(page, live_server, PROMOTER_EMAIL, check)
    page.goto(live_server.url + reverse("accounts:notifications"))
    check(page)
    expect(page.get_by_role("link", name=re.compile("closed", re.I)).first).to_be_visible()

    room = DealRoom.objects.get(request__plan=bankable_plan)
    assert room.outcome == DealRoom.Outcome.CLOSED
    assert room.closed_amount_eur == 3_500_000
    assert room.documents.count() == 2
    assert room.messages.count() == 2
    assert room.meetings.get().status == "agreed"


def set_up_the_profile(page, live_server, plan, check):
    page.goto(live_server.url + reverse("deal:profile-edit"))
    check(page)
    page.get_by_label("Type").select_option(label="Infrastructure fund")
    page.get_by_label(re.compile("smallest ticket", re.I)).fill("1000000")
    page.get_by_label(re.compile("largest ticket", re.I)).fill("20000000")
    for area in plan.areas.all():
        page.get_by_role("checkbox", name=area.name, exact=True).check()
    page.get_by_role("checkbox", name=Instrument.objects.get(code="loan").name, exact=True).check()
    page.get_by_role("checkbox", name="Feasibility", exact=True).check()
    page.get_by_role("button", name="Save the profile").click()
    check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Green Infrastructure Fund")


def see_the_plan_with_its_explanation(page, live_server, check):
    page.goto(live_server.url + reverse("deal:plans-for-you"))
    check(page)
    card = page.locator(".card", has_text=PLAN_TITLE)
    expect(card).to_be_visible()
    expect(card).to_contain_text(re.compile("ticket inside", re.I))


def send_a_request(page, live_server, plan, check):
    page.goto(live_server.url + reverse("deal:plan-investors", args=[plan.pk]))
    check(page)
    page.get_by_role("link", name="Send a deal request").first.click()
    check(page)
    page.get_by_label(re.compile("^Instrument")).select_option(label="Loan")
    page.get_by_label(re.compile("^Amount of interest")).fill("3500000")
    page.get_by_label(re.compile("^Message")).fill(
        "We look for a long loan for 12,000 LED lamps with remote control."
    )
    page.get_by_role("button", name="Send the request").click()
    check(page)
    assert DealRequest.objects.filter(status="pending").count() == 1


def expect_unread_notifications(page):
    badge = page.locator(".account-nav .badge")
    expect(badge).to_be_visible()


def accept_from_the_inbox(page, live_server, check):
    page.goto(live_server.url + reverse("deal:request-inbox"))
    check(page)
    page.get_by_role("link", name=re.compile(PLAN_TITLE)).first.click()
    check(page)
    page.get_by_role("button", name="Accept and open a deal room").click()
    check(page)
    if page.get_by_role("link", name="Open the deal room").count():
        page.get_by_role("link", name="Open the deal room").click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    check(page)


def write_and_share(page, text, tmp_path, check):
    page.get_by_label(re.compile("^Your message")).fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text(text, exact=True)).to_be_visible()
    check(page)
    document = tmp_path / f"term-sheet-{len(text)}.pdf"
    document.write_bytes(PDF)
    documents = page.locator("section", has=page.get_by_role("heading", name="Shared documents"))
    documents.get_by_label(re.compile("^Title")).fill(f"Term sheet {len(text)}")
    documents.get_by_label(re.compile("^File")).set_input_files(str(document))
    page.get_by_role("button", name="Share the document").click()
    expect(page.get_by_role("link", name=re.compile(f"Term sheet {len(text)}"))).to_be_visible()
    check(page)


def propose_a_meeting(page, check):
    meetings = page.locator("section", has=page.get_by_role("heading", name="Meetings"))
    meetings.get_by_label(re.compile("^Subject")).fill("Term sheet walk-through")
    meetings.get_by_label(re.compile("^Place or call link")).fill("Eindhoven city hall")
    for number, days in ((1, 7), (2, 8)):
        when = timezone.localtime() + timedelta(days=days)
        meetings.get_by_label(re.compile(f"^Time {number}")).fill(
            when.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
        )
    meetings.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("heading", name="Term sheet walk-through")).to_be_visible()
    check(page)


def open_the_room_from_a_notification(page, live_server, check):
    page.goto(live_server.url + reverse("accounts:notifications"))
    check(page)
    page.get_by_role("link", name=re.compile("wrote in the deal room")).first.click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    check(page)


def pick_the_meeting_time(page, check):
    proposal = page.locator("article", has_text="Term sheet walk-through")
    proposal.get_by_role("radio").nth(1).check()
    proposal.get_by_role("button", name="Agree on this time").click()
    expect(page.locator("article", has_text="Term sheet walk-through")).to_contain_text(
        re.compile("agreed", re.I)
    )
    check(page)


def record_the_closed_deal(page, check):
    outcome = page.locator("section", has=page.get_by_role("heading", name="Outcome"))
    outcome.get_by_label(re.compile("^Amount")).fill("3500000")
    outcome.get_by_label(re.compile("^Instrument")).select_option(label="Loan")
    outcome.get_by_label(re.compile("^Closed on")).fill(timezone.localdate().isoformat())
    outcome.get_by_role("button", name="Record the closed deal").click()
    expect(page.get_by_text(re.compile("Deal closed", re.I)).first).to_be_visible()
    check(page)


def sign_in(page, live_server, email, check):
    page.goto(live_server.url + reverse("account_login"))
    check(page)
    page.get_by_label(re.compile("^Email:?$")).fill(email)
    page.get_by_label(re.compile("^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")


def sign_out(page, check):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
