"""First journeys: a visitor reads the home page; a newcomer joins and fills in the profile."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role, User

ENGLISH_HOME_HEADING = "From smart-city idea to closed deal"
NEWCOMER_EMAIL = "ana.lopez@valencia.example.org"
NEWCOMER_PASSWORD = "plaza-de-la-reina-2024"
CONFIRMATION_LINK = re.compile(r"https?://\S+/confirm-email/\S+")


def test_visitor_reads_the_three_phases_and_switches_to_french(
    page, live_server, assert_accessible
):
    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_HOME_HEADING)
    expect(page.get_by_role("heading", level=2)).to_contain_text(["Explore", "Shape", "Deal"])
    assert_accessible(page)

    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Language").select_option("fr")
    footer.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(footer.get_by_role("combobox")).to_have_value("fr")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    expect(heading).not_to_have_text(ENGLISH_HOME_HEADING)
    assert_accessible(page)


@pytest.mark.usefixtures("reference_areas")
def test_newcomer_signs_up_verifies_email_signs_in_and_edits_profile(
    page, live_server, mailoutbox, assert_accessible
):
    sign_up(page, live_server, assert_accessible)
    confirm_email(page, live_server, mailoutbox, assert_accessible)
    sign_in(page, assert_accessible)
    edit_profile(page, assert_accessible)
    choose_areas_of_interest(page, assert_accessible)


def field(page, label):
    """The input labelled exactly `label` (Django appends a colon to most labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def sign_up(page, live_server, assert_accessible):
    page.goto(live_server.url + reverse("account_signup"))
    assert_accessible(page)
    field(page, "Email").fill(NEWCOMER_EMAIL)
    page.get_by_label("Your name").fill("Ana López")
    field(page, "Organisation").fill("Valencia City Council")
    page.get_by_label("Kind of organisation").select_option(label="City or municipality")
    page.get_by_label("Country").select_option(label="Spain")
    page.get_by_role("group", name="I want to").get_by_label("Investor").check()
    field(page, "Password").fill(NEWCOMER_PASSWORD)
    page.get_by_label("Password (again)").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert_accessible(page)


def confirm_email(page, live_server, mailoutbox, assert_accessible):
    assert [message.to for message in mailoutbox] == [[NEWCOMER_EMAIL]]
    link = CONFIRMATION_LINK.search(mailoutbox[0].body).group()
    # With DEBUG off the link says https; the live server only speaks http.
    page.goto(live_server.url + urlsplit(link).path)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    # Confirming while signed out leads to the sign-in page.
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login")) + "$"))
    expect(page.get_by_text(f"You have confirmed {NEWCOMER_EMAIL}.")).to_be_visible()
    assert_accessible(page)


def sign_in(page, assert_accessible):
    field(page, "Email").fill(NEWCOMER_EMAIL)
    field(page, "Password").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:profile")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    assert_accessible(page)


def edit_profile(page, assert_accessible):
    name = field(page, "Name")
    listed = page.get_by_label("Show me, with my organisation, in member directories")
    promoter = page.get_by_role("group", name="Roles").get_by_label("Promoter")
    name.fill("Ana López Martín")
    listed.check()
    promoter.check()
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    assert_accessible(page)

    page.reload()
    expect(name).to_have_value("Ana López Martín")
    expect(listed).to_be_checked()
    expect(promoter).to_be_checked()
    assert_accessible(page)

    newcomer = User.objects.get(email=NEWCOMER_EMAIL)
    assert newcomer.name == "Ana López Martín"
    assert newcomer.listed_in_directories
    assert newcomer.roles == {Role.MEMBER, Role.PROMOTER, Role.INVESTOR}


def choose_areas_of_interest(page, assert_accessible):
    areas = page.get_by_role("group", name="Areas of interest")
    areas.get_by_label("Citizen focus").check()
    areas.get_by_label("Open data governance").check()
    page.get_by_role("button", name="Save areas of interest").click()

    expect(page.get_by_text("Your areas of interest were saved.")).to_be_visible()
    expect(areas.get_by_label("Citizen focus")).to_be_checked()
    expect(areas.get_by_label("Open data governance")).to_be_checked()
    assert_accessible(page)

    newcomer = User.objects.get(email=NEWCOMER_EMAIL)
    chosen = set(newcomer.areas_of_interest.values_list("name", flat=True))
    assert chosen == {"Citizen focus", "Open data governance"}
