"""Shape in Chromium: a promoter writes a plan step by step, leaves and resumes it, answers
the checklist and invites a stakeholder who joins the dialogue; a curator asks for changes,
then marks the resubmitted plan bankable."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from explore.models import Area, City, Indicator
from shape.models import ChecklistAnswer, ChecklistItem, ProjectPlan
from shape.services import checklists as checklist_services
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("reference_areas")

PLAN_TITLE = "Ghent low-temperature heat network"
PROMOTER_EMAIL = "promoter@ghent.example.org"
STAKEHOLDER_EMAIL = "residents@ghent.example.org"
CURATOR_EMAIL = "curator@example.org"
INVITATION_LINK = re.compile(r"https?://\S+/shape/invitations/\S+/")


@pytest.fixture
def people(transactional_db):
    return {
        "promoter": UserFactory(
            email=PROMOTER_EMAIL, name="Pieter Claes", roles=[Role.MEMBER, Role.PROMOTER]
        ),
        "stakeholder": UserFactory(email=STAKEHOLDER_EMAIL, name="Lotte Maes", roles=[Role.MEMBER]),
        "curator": UserFactory(
            email=CURATOR_EMAIL, name="Carla Curator", roles=[Role.MEMBER, Role.CURATOR]
        ),
    }


@pytest.fixture
def city_and_indicator(transactional_db):
    """Cities and indicators come with the catalogue, which this journey does not need."""
    City.objects.create(
        name="Ghent", slug="ghent", country="BE", latitude="51.05000", longitude="3.72000"
    )
    Indicator.objects.create(
        code="EN-01",
        slug="en-01",
        name="Heat demand met by renewables",
        unit="%",
        direction=Indicator.Direction.HIGHER,
        area=Area.objects.order_by("pk").first(),
    )


@pytest.mark.usefixtures("city_and_indicator")
def test_promoter_shapes_a_plan_that_a_curator_marks_bankable(
    page, live_server, mailoutbox, people, assert_accessible
):
    check = assert_accessible

    sign_in(page, live_server, PROMOTER_EMAIL, check)
    write_the_plan(page, live_server, check)
    leave_and_resume(page, live_server, check)
    answer_the_checklist(page, people["promoter"], check)
    invite_a_stakeholder(page, check)
    sign_out(page, check)

    sign_in(page, live_server, STAKEHOLDER_EMAIL, check)
    accept_the_invitation_and_comment(page, live_server, mailoutbox, check)
    sign_out(page, check)

    sign_in(page, live_server, PROMOTER_EMAIL, check)
    open_the_plan(page, live_server, check)
    submit(page, "Submit for review", check)
    sign_out(page, check)

    sign_in(page, live_server, CURATOR_EMAIL, check)
    start_review(page, live_server, check)
    request_changes(page, check)
    sign_out(page, check)

    sign_in(page, live_server, PROMOTER_EMAIL, check)
    open_the_plan(page, live_server, check)
    edit_the_funding(page, check)
    submit(page, "Resubmit for review", check)
    sign_out(page, check)

    sign_in(page, live_server, CURATOR_EMAIL, check)
    start_review(page, live_server, check)
    mark_bankable(page, check)

    plan = ProjectPlan.objects.get(title=PLAN_TITLE)
    assert plan.status == "bankable"
    assert plan.versions.count() == 2


# --- Helpers ----------------------------------------------------------------------------------


def field(scope, label):
    """The input labelled exactly `label` (Django appends a colon to most labels)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def sign_in(page, live_server, email, check):
    page.goto(live_server.url + reverse("account_login"))
    check(page)
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    check(page)


def sign_out(page, check):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check(page)


def expect_message(page, text):
    expect(page.get_by_text(text, exact=True)).to_be_visible()


def expect_heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


# --- The promoter writes the plan ---------------------------------------------------------------


def write_the_plan(page, live_server, check):
    page.goto(live_server.url + reverse("shape:index"))
    check(page)
    page.get_by_role("link", name="New plan").click()
    expect_heading(page, "Basics")
    check(page)
    field(page, "Title").fill(PLAN_TITLE)
    field(page, "City").select_option(label="Ghent")
    page.get_by_role("group", name="Areas").get_by_label("Sustainable urban mobility").check()
    field(page, "Summary").fill("Replace gas boilers in three districts with a heat network.")
    page.get_by_role("button", name="Save and continue").click()
    expect_message(page, "Draft saved. Carry on with the next step.")

    expect_heading(page, "Problem and solution")
    check(page)
    field(page, "The problem").fill("Old gas boilers: high bills and emissions.")
    field(page, "The proposed solution").fill("A heat network fed by a data centre.")
    page.get_by_role("button", name="Save and continue").click()

    expect_heading(page, "Finance")
    check(page)
    field(page, "Stage").select_option(label="Feasibility")
    field(page, "Total investment (EUR)").fill("12000000")
    field(page, "Funding sought (EUR)").fill("8000000")
    instruments = page.get_by_role("group", name="Financing instruments sought")
    instruments.get_by_label("Loan", exact=True).check()
    instruments.get_by_label("Grant", exact=True).check()
    field(page, "Planned start").fill("2027-03-01")
    page.get_by_role("button", name="Save and continue").click()

    expect_heading(page, "Expected impact")
    check(page)
    field(page, "Indicator").select_option(label="EN-01 Heat demand met by renewables")
    field(page, "Baseline").fill("12")
    field(page, "Baseline year").fill("2024")
    field(page, "Target").fill("60")
    field(page, "Target year").fill("2032")
    page.get_by_role("button", name="Add target").click()
    expect_message(page, "Added.")
    expect(page.get_by_role("row", name=re.compile("EN-01"))).to_be_visible()
    check(page)

    page.get_by_role("link", name="Skip to the next step").click()
    expect_heading(page, "Milestones and risks")
    check(page)
    field(page, "Milestone").fill("Heat network tender published")
    field(page, "Due").fill("2027-06-30")
    page.get_by_role("button", name="Add milestone").click()
    expect_message(page, "Added.")
    field(page, "Risk").fill("The data centre moves away")
    field(page, "Likelihood").select_option(label="Low")
    field(page, "Impact").select_option(label="High")
    field(page, "Mitigation").fill("A back-up heat pump at the river.")
    page.get_by_role("button", name="Add risk").click()
    expect_message(page, "Added.")
    expect(page.get_by_role("rowheader", name="Heat network tender published")).to_be_visible()
    expect(page.get_by_role("rowheader", name="The data centre moves away")).to_be_visible()
    check(page)


def open_the_plan(page, live_server, check):
    page.goto(live_server.url + reverse("shape:index"))
    check(page)
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect_heading(page, PLAN_TITLE)
    check(page)


def leave_and_resume(page, live_server, check):
    page.goto(live_server.url + reverse("home"))
    check(page)
    open_the_plan(page, live_server, check)
    basics = page.get_by_role("region", name="Basics")
    expect(basics).to_contain_text("Ghent")
    expect(basics).to_contain_text("Sustainable urban mobility")
    expect(page.get_by_role("region", name="Finance")).to_contain_text("€8,000,000")
    expect(page.get_by_role("region", name="Milestones and risks")).to_contain_text(
        "Heat network tender published"
    )

    page.get_by_role("link", name="Edit the plan").click()
    expect(field(page, "Title")).to_have_value(PLAN_TITLE)
    expect(field(page, "City")).to_have_value(str(City.objects.get(slug="ghent").pk))
    check(page)
    page.get_by_role("link", name="Skip to the next step").click()
    expect(field(page, "The problem")).to_have_value("Old gas boilers: high bills and emissions.")
    check(page)
    page.get_by_role("link", name="Skip to the next step").click()
    expect(field(page, "Planned start")).to_have_value("2027-03-01")
    expect(
        page.get_by_role("group", name="Financing instruments sought").get_by_label("Loan")
    ).to_be_checked()
    check(page)
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect_heading(page, PLAN_TITLE)
    check(page)


# --- The checklist ------------------------------------------------------------------------------


def answer_on_the_page(page, item, answer):
    question = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=item.question, exact=True)
    )
    question.get_by_role("group", name=re.compile("^Your answer")).get_by_label(
        answer, exact=True
    ).check()
    question.get_by_label(re.compile("^Evidence:?$")).fill("See the council minutes.")
    question.get_by_role("button", name="Save answer").click()
    expect_message(page, "Answer saved.")
    expect(question).to_contain_text(f"Current answer: {answer}")


def answer_the_checklist(page, promoter, check):
    page.get_by_role("link", name="Bankability checklist").click()
    expect_heading(page, "Bankability checklist")
    check(page)

    plan = ProjectPlan.objects.get(title=PLAN_TITLE)
    mandatory = list(
        ChecklistItem.objects.filter(
            dimension__template=plan.checklist_template, mandatory=True
        ).order_by("dimension__position", "position")
    )
    items = ChecklistItem.objects.filter(dimension__template=plan.checklist_template).count()
    on_the_page, the_rest = mandatory[:3], mandatory[3:]
    answer_on_the_page(page, on_the_page[0], "Met")
    answer_on_the_page(page, on_the_page[1], "Partly met")
    answer_on_the_page(page, on_the_page[2], "Met")
    check(page)

    # Two dozen more forms through the browser would only repeat the three above; the
    # service the form calls is covered by tests/shape/test_checklists.py, and it keeps the
    # plan's stored score in step with the answers.
    # A few are not met, so the gap list has more than the one partly met answer.
    met, not_met = ChecklistAnswer.Answer.MET, ChecklistAnswer.Answer.NOT_MET
    for number, item in enumerate(the_rest):
        answer = not_met if number % 9 == 0 else met
        checklist_services.checklist_answer_set(plan=plan, item=item, answer=answer, actor=promoter)

    page.reload()
    readiness = page.get_by_role("region", name="Score and readiness")
    score = ProjectPlan.objects.get(pk=plan.pk).bankability_score
    assert 0 < score < 100
    expect(readiness).to_contain_text(f"{score} of 100")
    expect(readiness).to_contain_text(f"{len(mandatory)} of {items} questions")
    gaps = page.get_by_role("region", name="What to do next")
    expect(gaps).to_contain_text(re.compile(r"\d+ questions are not fully met yet"))
    expect(gaps.get_by_role("link", name=on_the_page[1].question)).to_be_visible()
    check(page)


# --- Stakeholders and dialogue ----------------------------------------------------------------


def invite_a_stakeholder(page, check):
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect(page.get_by_role("region", name="Still missing before submission")).to_have_count(0)
    check(page)
    page.get_by_role("link", name="Stakeholders").click()
    expect_heading(page, f"Stakeholders of “{PLAN_TITLE}”")
    check(page)
    field(page, "E-mail address").fill(STAKEHOLDER_EMAIL)
    field(page, "Role").select_option(label="Citizen representative")
    page.get_by_role("button", name="Send the invitation").click()
    expect_message(page, f"An invitation is on its way to {STAKEHOLDER_EMAIL}.")
    expect(page.get_by_role("row", name=re.compile(re.escape(STAKEHOLDER_EMAIL)))).to_contain_text(
        "Pending"
    )
    check(page)


def accept_the_invitation_and_comment(page, live_server, mailoutbox, check):
    invitations = [message for message in mailoutbox if message.to == [STAKEHOLDER_EMAIL]]
    assert len(invitations) == 1
    link = INVITATION_LINK.search(invitations[0].body).group()
    # SITE_URL may say https or another host; the live server only speaks http.
    page.goto(live_server.url + urlsplit(link).path)
    expect_heading(page, "Invitation to a plan dialogue")
    check(page)
    page.get_by_role("button", name="Accept the invitation").click()
    expect_message(page, f"Welcome to the dialogue on “{PLAN_TITLE}”.")
    expect_heading(page, f"Dialogue on “{PLAN_TITLE}”")
    check(page)

    field(page, "Subject").fill("Noise from the heat pump")
    field(page, "Message").fill("Residents ask where the back-up heat pump will stand.")
    page.get_by_role("button", name="Start the thread").click()
    expect_message(page, "The thread “Noise from the heat pump” is open.")
    thread = page.get_by_role("article", name=re.compile("Noise from the heat pump"))
    expect(thread).to_contain_text("Residents ask where the back-up heat pump will stand.")
    expect(thread).to_contain_text("Lotte Maes")
    check(page)


# --- Submission and review ----------------------------------------------------------------------


def submit(page, button, check):
    page.get_by_role("button", name=button).click()
    expect_message(page, "The plan was sent for review.")
    check(page)


def start_review(page, live_server, check):
    page.goto(live_server.url + reverse("shape:index"))
    check(page)
    page.get_by_role("link", name="Open the review queue").click()
    expect_heading(page, "Plans waiting for review")
    check(page)
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect_heading(page, PLAN_TITLE)
    check(page)
    page.get_by_role("button", name="Start review").click()
    expect_message(page, "Review started.")
    expect(page.get_by_text("Status: In review")).to_be_visible()
    check(page)


def request_changes(page, check):
    field(page, "Comment for the promoter").fill("Add the noise study to the risk register.")
    page.get_by_role("button", name="Request changes").click()
    expect_message(page, "Changes were requested.")
    expect(page.get_by_text("Status: Changes requested")).to_be_visible()
    check(page)


def edit_the_funding(page, check):
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Add the noise study to the risk register.")
    page.get_by_role("link", name="Edit the plan").click()
    expect_heading(page, "Basics")
    check(page)
    page.get_by_role("link", name="Skip to the next step").click()
    expect_heading(page, "Problem and solution")
    check(page)
    page.get_by_role("link", name="Skip to the next step").click()
    expect_heading(page, "Finance")
    field(page, "Funding sought (EUR)").fill("7500000")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "Saved.")
    expect(field(page, "Funding sought (EUR)")).to_have_value("7500000")
    check(page)
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect(page.get_by_role("region", name="Finance")).to_contain_text("€7,500,000")
    check(page)


def mark_bankable(page, check):
    field(page, "Comment for the promoter").fill("Ready for investors.")
    page.get_by_role("button", name="Mark bankable").click()
    expect_message(page, "The plan is marked bankable.")
    expect(page.get_by_text("Status: Bankable")).to_be_visible()
    check(page)
