"""Curators work in the Django admin: every registered model's pages open and search."""

import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.services import CURATED_APPS
from clusters.models import Document
from explore import services as explore_services
from explore.models import ModerationRecord, PublicationStatus, Solution
from shape.models import Attachment, PlanEvent, PlanStatus
from tests.clusters.factories import ClusterFactory
from tests.explore.factories import SolutionFactory
from tests.factories import UserFactory
from tests.shape.factories import PlanFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
PLATFORM_MODELS = [entry for entry in REGISTERED if entry[0] in CURATED_APPS]
THIRD_PARTY_MODELS = [entry for entry in REGISTERED if entry[0] not in CURATED_APPS]


@pytest.mark.parametrize(("app_label", "model_name"), PLATFORM_MODELS)
def test_a_curator_opens_and_searches_every_admin_list(client_for, curator, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    response = client_for(curator).get(url, {"q": "smart"})

    assert response.status_code == 200


def _may_add(user, app_label, model_name) -> bool:
    model = next(
        model
        for model in admin.site._registry
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
    )
    request = RequestFactory().get("/")
    request.user = user
    return admin.site._registry[model].has_add_permission(request)


@pytest.mark.parametrize(("app_label", "model_name"), PLATFORM_MODELS)
def test_a_curator_opens_every_add_page_that_the_workflow_allows(
    client_for, curator, app_label, model_name
):
    # Records that services write (history, decisions, matches) have no add page.
    url = reverse(f"admin:{app_label}_{model_name}_add")

    response = client_for(curator).get(url)

    assert response.status_code == (200 if _may_add(curator, app_label, model_name) else 403)


@pytest.fixture
def platform_rows(curator):
    """A few rows in most tables, so that list columns and change pages are really drawn."""
    from accounts import demo as accounts_demo
    from explore import demo as explore_demo
    from tests.deal.factories import DealRoomFactory

    accounts_demo.load()
    explore_demo.load()
    room = DealRoomFactory()
    plan = room.request.plan
    PlanEvent.objects.create(plan=plan, actor=curator, to_status=PlanStatus.BANKABLE, comment="OK")
    uploaded = {"file": "files/study.pdf", "content_type": "application/pdf", "size": 10}
    Attachment.objects.create(plan=plan, title="Study", uploaded_by=curator, **uploaded)
    Document.objects.create(cluster=ClusterFactory(), title="Minutes", **uploaded)


@pytest.mark.usefixtures("platform_rows")
def test_every_admin_list_and_change_page_draws_its_rows(client_for, curator):
    client = client_for(curator)
    for app_label, model_name in PLATFORM_MODELS:
        changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        model = next(
            m
            for m in admin.site._registry
            if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
        )
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{app_label}_{model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


@pytest.mark.parametrize(("app_label", "model_name"), THIRD_PARTY_MODELS)
def test_security_records_stay_with_superusers(client_for, curator, app_label, model_name):
    # Tokens, second factors, e-mail addresses and groups are not content to curate.
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    assert client_for(curator).get(url).status_code == 403


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_a_member_is_kept_out_of_every_admin_list(client_for, member, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    assert client_for(member).get(url).status_code in (302, 403)


def test_a_curator_publishes_pending_solutions_with_an_admin_action(client_for, member, curator):
    from explore import services
    from explore.models import PublicationStatus, Solution

    pending = services.content_create(
        model=Solution,
        author=member,
        data={"title": "Smart bins", "summary": "Bins that report when full.", "maturity": "pilot"},
        submit=True,
    )

    client_for(curator).post(
        reverse("admin:explore_solution_changelist"),
        {"action": "publish", "_selected_action": [pending.pk]},
    )

    pending.refresh_from_db()
    assert pending.status == PublicationStatus.PUBLISHED


# --- Actions go through the services ---------------------------------------------------------


def pending_solution(author):
    return explore_services.content_create(
        model=Solution,
        author=author,
        data={"title": "Smart bins", "summary": "Bins that report when full.", "maturity": "pilot"},
        submit=True,
    )


def run_action(client, changelist, action, objects, *, follow=False, **extra):
    return client.post(
        reverse(changelist),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **extra},
        follow=follow,
    )


def test_a_curator_sends_a_solution_back_with_a_reason_and_the_author_is_told(
    client_for, member, curator, django_capture_on_commit_callbacks
):
    pending = pending_solution(member)
    client = client_for(curator)

    asked = run_action(client, "admin:explore_solution_changelist", "reject", [pending])
    with django_capture_on_commit_callbacks(execute=True):
        run_action(
            client,
            "admin:explore_solution_changelist",
            "reject",
            [pending],
            apply="yes",
            reason="Add the cost of the sensors.",
        )

    assert asked.status_code == 200
    assert "Reason" in asked.content.decode()
    pending.refresh_from_db()
    assert pending.status == PublicationStatus.DRAFT
    record = ModerationRecord.objects.filter(object_id=pending.pk).first()
    assert record.action == ModerationRecord.Action.REJECTED
    assert record.reason == "Add the cost of the sensors."
    assert record.actor == curator
    assert mail.outbox[-1].to == [member.email]


def test_sending_back_without_a_reason_asks_again_and_changes_nothing(client_for, member, curator):
    pending = pending_solution(member)

    response = run_action(
        client_for(curator),
        "admin:explore_solution_changelist",
        "reject",
        [pending],
        apply="yes",
        reason="  ",
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == PublicationStatus.PENDING


def test_a_curator_archives_from_the_admin_with_a_record(client_for, curator):
    published = SolutionFactory()

    run_action(client_for(curator), "admin:explore_solution_changelist", "archive", [published])

    published.refresh_from_db()
    assert published.status == PublicationStatus.ARCHIVED
    assert ModerationRecord.objects.get(object_id=published.pk).actor == curator


def test_an_action_refused_by_the_service_is_reported_and_the_rest_goes_on(
    client_for, member, curator
):
    already_published = SolutionFactory()
    pending = pending_solution(member)

    response = run_action(
        client_for(curator),
        "admin:explore_solution_changelist",
        "publish",
        [already_published, pending],
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.status == PublicationStatus.PUBLISHED
    assert "decided already" in response.content.decode()


def test_a_curator_reviews_plans_from_the_admin_through_the_workflow(client_for, curator):
    plan = PlanFactory(status=PlanStatus.SUBMITTED)
    client = client_for(curator)

    run_action(client, "admin:shape_projectplan_changelist", "start_review", [plan])
    run_action(client, "admin:shape_projectplan_changelist", "mark_bankable", [plan])

    plan.refresh_from_db()
    assert plan.status == PlanStatus.BANKABLE
    assert list(plan.events.values_list("to_status", "actor")) == [
        (PlanStatus.BANKABLE, curator.pk),
        (PlanStatus.IN_REVIEW, curator.pk),
    ]


def test_asking_for_changes_from_the_admin_keeps_the_reason_on_the_plan(client_for, curator):
    plan = PlanFactory(status=PlanStatus.IN_REVIEW)

    run_action(
        client_for(curator),
        "admin:shape_projectplan_changelist",
        "request_changes",
        [plan],
        apply="yes",
        reason="Add the heat price per MWh.",
    )

    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED
    assert PlanEvent.objects.get(plan=plan).comment == "Add the heat price per MWh."


def test_a_draft_cannot_be_approved_from_the_admin(client_for, curator):
    draft = PlanFactory()

    run_action(client_for(curator), "admin:shape_projectplan_changelist", "mark_bankable", [draft])

    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert not PlanEvent.objects.filter(plan=draft).exists()


@pytest.mark.parametrize("people", [1, 30])
def test_the_people_list_costs_the_same_for_few_and_many(
    client_for, curator, django_assert_max_num_queries, people
):
    UserFactory.create_batch(people)
    client = client_for(curator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 200
