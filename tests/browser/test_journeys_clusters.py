"""Clusters in Chromium: a member asks to join a cluster that needs approval, its
coordinator approves, the member posts in a members-only discussion; a curator publishes a
pending solution from the moderation queue and features it on the cluster page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from clusters.models import FeaturedItem, JoinPolicy, Membership, MembershipStatus, Post
from clusters.services import discussions as discussion_services
from clusters.services import memberships as membership_services
from explore import services as explore_services
from explore.models import PublicationStatus, Solution
from tests.clusters.factories import ClusterFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("reference_areas")

CLUSTER_NAME = "Sustainable Urban Mobility Journey"
DISCUSSION_TITLE = "Charging depots in our bus tenders"
SOLUTION_TITLE = "Depot charging planner"
MEMBER_EMAIL = "lotte@ghent.example.org"
COORDINATOR_EMAIL = "coordinator@example.org"
CURATOR_EMAIL = "curator@example.org"


@pytest.fixture
def setting(transactional_db):
    member = UserFactory(email=MEMBER_EMAIL, name="Lotte Maes", roles=[Role.MEMBER])
    coordinator = UserFactory(email=COORDINATOR_EMAIL, name="Cor Dinator", roles=[Role.MEMBER])
    curator = UserFactory(
        email=CURATOR_EMAIL, name="Carla Curator", roles=[Role.MEMBER, Role.CURATOR]
    )
    cluster = ClusterFactory(name=CLUSTER_NAME, join_policy=JoinPolicy.APPROVAL)
    membership_services.coordinator_appoint(group=cluster, user=coordinator, actor=curator)
    discussion_services.discussion_start(
        group=cluster,
        actor=coordinator,
        title=DISCUSSION_TITLE,
        body="What did your tender ask for at the depot?",
        members_only=True,
    )
    explore_services.content_create(
        model=Solution,
        author=member,
        data={
            "title": SOLUTION_TITLE,
            "summary": "Sizes depot chargers from the timetable.",
            "maturity": "pilot",
        },
        submit=True,
    )
    return {"cluster": cluster, "member": member}


def test_member_joins_posts_and_a_curator_features_a_solution(
    page, live_server, setting, assert_accessible
):
    check = assert_accessible

    sign_in(page, live_server, MEMBER_EMAIL, check)
    ask_to_join(page, live_server, check)
    sign_out(page, check)

    sign_in(page, live_server, COORDINATOR_EMAIL, check)
    approve_the_request(page, live_server, check)
    sign_out(page, check)

    sign_in(page, live_server, MEMBER_EMAIL, check)
    post_in_the_members_only_discussion(page, live_server, check)
    sign_out(page, check)

    sign_in(page, live_server, CURATOR_EMAIL, check)
    publish_and_feature(page, live_server, check)

    membership = Membership.objects.get(user=setting["member"], cluster=setting["cluster"])
    assert membership.status == MembershipStatus.APPROVED
    assert Post.objects.filter(author=setting["member"]).exists()
    assert Solution.objects.get(title=SOLUTION_TITLE).status == PublicationStatus.PUBLISHED
    assert FeaturedItem.objects.filter(cluster=setting["cluster"]).exists()


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


def sign_out(page, check):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check(page)


def expect_message(page, text):
    expect(page.get_by_text(re.compile(re.escape(text)))).to_be_visible()


def open_the_cluster(page, live_server, check):
    page.goto(live_server.url + reverse("clusters:index"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Action clusters and initiatives")
    check(page)
    page.get_by_role("link", name=CLUSTER_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CLUSTER_NAME)
    check(page)


# --- The journey ------------------------------------------------------------------------------


def ask_to_join(page, live_server, check):
    open_the_cluster(page, live_server, check)
    expect(page.get_by_role("link", name=DISCUSSION_TITLE)).to_have_count(0)
    field(page, "A word to the coordinators (optional)").fill("I plan Ghent's bus depots.")
    page.get_by_role("button", name="Ask to join").click()
    expect_message(page, "Your request is sent.")
    expect(page.get_by_text("Your request waits for a coordinator.")).to_be_visible()
    check(page)


def approve_the_request(page, live_server, check):
    open_the_cluster(page, live_server, check)
    page.get_by_role("link", name="Requests to decide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Membership requests")
    expect(page.get_by_text("I plan Ghent's bus depots.")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Approve Lotte Maes").click()
    expect_message(page, "Lotte Maes is a member now.")
    expect(page.get_by_text("No request is waiting.")).to_be_visible()
    check(page)


def post_in_the_members_only_discussion(page, live_server, check):
    open_the_cluster(page, live_server, check)
    expect(page.get_by_text("You are a member.")).to_be_visible()
    page.get_by_role("link", name=DISCUSSION_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DISCUSSION_TITLE)
    check(page)
    field(page, "Your reply").fill("Ours asked for overnight charging of 12 buses per hall.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(
        page.get_by_text("Ours asked for overnight charging of 12 buses per hall.")
    ).to_be_visible()
    check(page)


def publish_and_feature(page, live_server, check):
    page.goto(live_server.url + reverse("clusters:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Curator dashboard")
    check(page)
    page.get_by_role("group", name="Submissions").get_by_label(SOLUTION_TITLE).check()
    field(page, "Decision").select_option(label="Publish")
    page.get_by_role("button", name="Apply to the chosen submissions").click()
    expect_message(page, f"Decided: {SOLUTION_TITLE}.")
    check(page)

    page.get_by_label("on the cluster").first.select_option(label=CLUSTER_NAME)
    page.get_by_role("button", name=f"Feature {SOLUTION_TITLE}").click()
    expect_message(page, f"“{SOLUTION_TITLE}” is featured on {CLUSTER_NAME}.")
    check(page)

    page.get_by_role("link", name=CLUSTER_NAME, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CLUSTER_NAME)
    featured = page.get_by_role("region", name="Featured")
    expect(featured.get_by_role("link", name=SOLUTION_TITLE)).to_be_visible()
    check(page)
