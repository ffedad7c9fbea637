"""Shape's API: plans scoped like the pages, the review workflow, the checklist."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from explore.models import Area, City
from marketplace.errors import StateConflict
from shape.models import (
    ChecklistAnswer,
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    Instrument,
    PlanEvent,
    PlanShare,
    PlanStatus,
    StakeholderInvitation,
)
from shape.services import plans as services
from tests.factories import UserFactory
from tests.services import require_postgres
from tests.shape.factories import PlanFactory
from tests.shape.factories import complete_plan as shared_complete_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for():
    """`api_for(user)`: an API client acting as that person (or anonymous)."""

    def act_as(user):
        client = APIClient()
        client.force_authenticate(user if user.is_authenticated else None)
        return client

    return act_as


@pytest.fixture
def template():
    ChecklistTemplate.objects.filter(is_current=True).update(is_current=False)
    template = ChecklistTemplate.objects.create(name="API checklist", version=7, is_current=True)
    fit = ChecklistDimension.objects.create(template=template, code="fit", title="Fit", position=1)
    money = ChecklistDimension.objects.create(
        template=template, code="money", title="Money", position=2
    )
    ChecklistItem.objects.create(
        dimension=fit, code="commitment", question="Is there political commitment?", weight=2
    )
    ChecklistItem.objects.create(
        dimension=money, code="revenue", question="Is the revenue model proven?", mandatory=False
    )
    return template


@pytest.fixture
def ghent():
    return City.objects.create(name="Ghent", slug="ghent", country="BE", latitude=51, longitude=3)


@pytest.fixture
def loan():
    return Instrument.objects.get_or_create(code="loan", defaults={"name": "Loan"})[0]


def complete_plan(promoter, template, city, instrument, **kwargs):
    return shared_complete_plan(promoter, template, city=city, instrument=instrument, **kwargs)


def in_review(promoter, curator, template, city, instrument):
    plan = complete_plan(promoter, template, city, instrument)
    plan = services.plan_submit(plan=plan, actor=promoter)
    return services.plan_review_start(plan=plan, actor=curator)


def invite(plan, person):
    return StakeholderInvitation.objects.create(
        plan=plan,
        email=person.email,
        role="expert",
        token=f"token-{plan.pk}-{person.pk}",
        stakeholder=person,
        accepted_at=plan.created_at,
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def plan_url(plan, name="plan-detail") -> str:
    return reverse(f"api:{name}", args=[plan.pk])


LIST = reverse("api:plan-list")
BANKABLE = reverse("api:plan-bankable")


# --- Who sees which plans ---------------------------------------------------------------------


def test_a_promoter_lists_their_own_plans_and_not_another_promoters_draft(
    api_for, promoter, other_promoter
):
    mine = PlanFactory(promoter=promoter)
    theirs = PlanFactory(promoter=other_promoter)

    assert ids(api_for(promoter).get(LIST)) == [mine.pk]
    assert api_for(promoter).get(plan_url(theirs)).status_code == 404


def test_a_co_editor_and_an_invited_stakeholder_see_the_plan(api_for, promoter, member):
    co_editor = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    plan = PlanFactory(promoter=promoter)
    plan.co_editors.add(co_editor)
    invite(plan, member)

    for person in (co_editor, member):
        assert ids(api_for(person).get(LIST)) == [plan.pk]
        response = api_for(person).get(plan_url(plan))
        assert response.status_code == 200
        assert response.json()["title"] == plan.title


def test_a_revoked_stakeholder_no_longer_sees_the_plan(api_for, promoter, member):
    plan = PlanFactory(promoter=promoter)
    invitation = invite(plan, member)
    invitation.revoked_at = invitation.accepted_at
    invitation.save()

    assert ids(api_for(member).get(LIST)) == []
    assert api_for(member).get(plan_url(plan)).status_code == 404


def test_curators_see_every_plan(api_for, curator, promoter, other_promoter):
    plans = [PlanFactory(promoter=promoter), PlanFactory(promoter=other_promoter)]

    assert sorted(ids(api_for(curator).get(LIST))) == sorted(plan.pk for plan in plans)
    assert api_for(curator).get(plan_url(plans[1])).status_code == 200


def test_an_investor_sees_only_teasers_and_only_of_bankable_plans(api_for, investor, promoter):
    draft = PlanFactory(promoter=promoter)
    bankable = PlanFactory(promoter=promoter, status=PlanStatus.BANKABLE, bankability_score=80)
    PlanFactory(promoter=promoter, status=PlanStatus.IN_REVIEW)

    assert ids(api_for(investor).get(LIST)) == []
    assert api_for(investor).get(plan_url(bankable)).status_code == 404
    assert api_for(investor).get(plan_url(draft)).status_code == 404
    response = api_for(investor).get(BANKABLE)
    assert ids(response) == [bankable.pk]
    [teaser] = response.json()["results"]
    assert set(teaser) == {
        "id",
        "title",
        "city",
        "areas",
        "stage",
        "funding_sought_eur",
        "instruments",
        "bankability_score",
    }
    assert teaser["bankability_score"] == 80


def test_an_investor_the_plan_was_shared_with_reads_it_in_full(api_for, investor, promoter):
    plan = PlanFactory(promoter=promoter, status=PlanStatus.BANKABLE)
    PlanShare.objects.create(plan=plan, investor=investor, shared_by=promoter)

    assert ids(api_for(investor).get(LIST)) == [plan.pk]
    assert api_for(investor).get(plan_url(plan)).json()["summary"] == plan.summary


def test_curators_see_teasers_and_everyone_else_is_refused(
    api_for, curator, promoter, member, visitor
):
    plan = PlanFactory(promoter=promoter, status=PlanStatus.BANKABLE)

    assert ids(api_for(curator).get(BANKABLE)) == [plan.pk]
    assert api_for(promoter).get(BANKABLE).status_code == 403
    assert api_for(member).get(BANKABLE).status_code == 403
    assert api_for(visitor).get(BANKABLE).status_code == 401


@pytest.mark.parametrize("name", ["plan-detail", "plan-checklist"])
def test_a_visitor_must_sign_in(api_for, visitor, promoter, name):
    plan = PlanFactory(promoter=promoter)

    assert api_for(visitor).get(LIST).status_code == 401
    assert api_for(visitor).get(plan_url(plan, name)).status_code == 401


@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999999"])
def test_an_id_that_is_not_a_plan_answers_404_in_json(api_for, promoter, pk):
    response = api_for(promoter).get(f"{LIST}{pk}/")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("rows", [1, 30])
def test_listing_plans_takes_the_same_queries_for_one_or_many(
    api_for, promoter, curator, investor, django_assert_max_num_queries, rows
):
    for _index in range(rows):
        plan = PlanFactory(promoter=promoter, status=PlanStatus.BANKABLE)
        plan.areas.set(Area.objects.all()[:2])
    client, curator_client, investor_client = (
        api_for(promoter),
        api_for(curator),
        api_for(investor),
    )

    # roles, count, rows, areas
    with django_assert_max_num_queries(4):
        assert len(ids(client.get(LIST))) == min(rows, 20)
    with django_assert_max_num_queries(4):
        assert len(ids(curator_client.get(LIST))) == min(rows, 20)
    # roles, count, rows, areas, instruments
    with django_assert_max_num_queries(5):
        assert len(ids(investor_client.get(BANKABLE))) == min(rows, 20)


# --- Creating and changing a plan ----------------------------------------------------------


def test_a_promoter_creates_a_plan_with_relations_by_slug_and_code(
    api_for, promoter, template, ghent, loan
):
    area = Area.objects.first()
    body = {
        "title": "Solar schools",
        "city": "ghent",
        "areas": [area.slug],
        "instruments": ["loan"],
        "stage": "concept",
        "total_investment_eur": 2_000_000,
        "funding_sought_eur": 1_500_000,
        "planned_start": "2027-01-01",
        "planned_end": "2029-12-31",
    }

    response = api_for(promoter).post(LIST, body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft"
    assert created["city"]["slug"] == "ghent"
    assert [row["slug"] for row in created["areas"]] == [area.slug]
    assert created["instruments"] == [{"code": "loan", "name": "Loan"}]
    assert created["checklist_template"] == template.pk
    assert created["planned_end"] == "2029-12-31"


@pytest.mark.parametrize("person", ["member", "investor", "curator"])
def test_only_promoters_create_plans(api_for, request, person):
    response = api_for(request.getfixturevalue(person)).post(
        LIST, {"title": "Solar schools"}, format="json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 42}, "title"),
        ({"title": "Solar", "total_investment_eur": "12"}, "total_investment_eur"),
        ({"title": "Solar", "total_investment_eur": 1.5}, "total_investment_eur"),
        ({"title": "Solar", "funding_sought_eur": -1}, "funding_sought_eur"),
        ({"title": "Solar", "total_investment_eur": 10**12}, "total_investment_eur"),
        ({"title": "Solar", "areas": "mobility"}, "areas"),
        ({"title": "Solar", "city": "atlantis"}, "city"),
        ({"title": "Solar", "instruments": ["magic-money"]}, "instruments"),
        ({"title": "Solar", "planned_start": "next spring"}, "planned_start"),
        ({"title": "Solar", "stage": "dreaming"}, "stage"),
        (
            {"title": "Solar", "total_investment_eur": 1_000, "funding_sought_eur": 5_000},
            "funding_sought_eur",
        ),
        ({"title": "Solar", "planned_start": "2027-01-01", "planned_end": "2026-01-01"}, None),
    ],
)
def test_input_of_the_wrong_type_or_impossible_figures_is_a_400_naming_the_field(
    api_for, promoter, body, field
):
    response = api_for(promoter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert (field or "planned_end") in response.json()
    assert not promoter.promoted_plans.exists()


def test_an_editor_changes_only_the_fields_sent(api_for, promoter):
    plan = PlanFactory(promoter=promoter, title="Old title")

    response = api_for(promoter).patch(plan_url(plan), {"title": "New title"}, format="json")

    assert response.status_code == 200
    assert response.json()["title"] == "New title"
    plan.refresh_from_db()
    assert plan.title == "New title"
    assert plan.total_investment_eur == 12_000_000


def test_funding_above_the_stored_investment_is_refused_on_update(api_for, promoter):
    plan = PlanFactory(promoter=promoter)

    response = api_for(promoter).patch(
        plan_url(plan), {"funding_sought_eur": 13_000_000}, format="json"
    )

    assert response.status_code == 400
    assert "funding_sought_eur" in response.json()


def test_a_plan_under_review_cannot_be_changed(api_for, promoter):
    plan = PlanFactory(promoter=promoter, status=PlanStatus.SUBMITTED)

    response = api_for(promoter).patch(plan_url(plan), {"title": "Sneaky"}, format="json")

    assert response.status_code == 409
    plan.refresh_from_db()
    assert plan.title != "Sneaky"


def test_readers_who_are_not_editors_cannot_change_a_plan(
    api_for, promoter, other_promoter, curator, member
):
    plan = PlanFactory(promoter=promoter)
    invite(plan, member)

    assert api_for(curator).patch(plan_url(plan), {"title": "X"}, format="json").status_code == 403
    assert api_for(member).patch(plan_url(plan), {"title": "X"}, format="json").status_code == 403
    outsider = api_for(other_promoter).patch(plan_url(plan), {"title": "X"}, format="json")
    assert outsider.status_code == 404


def test_put_is_not_offered(api_for, promoter):
    plan = PlanFactory(promoter=promoter)

    assert api_for(promoter).put(plan_url(plan), {"title": "X"}, format="json").status_code == 405


# --- Submitting, withdrawing, reviewing --------------------------------------------------


def test_an_incomplete_plan_is_refused_with_the_list_of_what_is_missing(
    api_for, promoter, template
):
    plan = PlanFactory(promoter=promoter, checklist_template=template)

    response = api_for(promoter).post(plan_url(plan, "plan-submit"))

    assert response.status_code == 400
    missing = response.json()["missing"]
    assert "city" in missing
    assert "checklist: Is there political commitment?" in missing
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_complete_plan_is_submitted_and_cannot_be_submitted_twice(
    api_for, promoter, template, ghent, loan
):
    plan = complete_plan(promoter, template, ghent, loan)
    client = api_for(promoter)

    response = client.post(plan_url(plan, "plan-submit"))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert client.post(plan_url(plan, "plan-submit")).status_code == 409


def test_a_stakeholder_cannot_submit_and_an_outsider_gets_404(
    api_for, promoter, other_promoter, member, template, ghent, loan
):
    plan = complete_plan(promoter, template, ghent, loan)
    invite(plan, member)

    assert api_for(member).post(plan_url(plan, "plan-submit")).status_code == 403
    assert api_for(other_promoter).post(plan_url(plan, "plan-submit")).status_code == 404


def test_the_promoter_withdraws_a_plan_once(api_for, promoter, member):
    plan = PlanFactory(promoter=promoter)
    invite(plan, member)

    assert api_for(member).post(plan_url(plan, "plan-withdraw")).status_code == 403
    response = api_for(promoter).post(
        plan_url(plan, "plan-withdraw"), {"comment": "No budget"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert plan.events.filter(to_status=PlanStatus.WITHDRAWN, comment="No budget").exists()
    assert api_for(promoter).post(plan_url(plan, "plan-withdraw")).status_code == 409


def test_a_curator_takes_a_plan_through_review_to_bankable(
    api_for, promoter, curator, template, ghent, loan
):
    plan = services.plan_submit(plan=complete_plan(promoter, template, ghent, loan), actor=promoter)
    client = api_for(curator)
    review = plan_url(plan, "plan-review")

    started = client.post(review, {"decision": "start"}, format="json")
    assert started.status_code == 200
    assert started.json()["status"] == "in_review"

    decided = client.post(review, {"decision": "bankable", "comment": "Solid"}, format="json")
    assert decided.status_code == 200
    assert decided.json()["status"] == "bankable"
    assert (
        client.post(review, {"decision": "reject", "comment": "Late"}, format="json").status_code
        == 409
    )


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_asking_for_changes_or_rejecting_needs_a_comment(
    api_for, promoter, curator, template, ghent, loan, decision
):
    plan = in_review(promoter, curator, template, ghent, loan)

    response = api_for(curator).post(
        plan_url(plan, "plan-review"), {"decision": decision, "comment": "  "}, format="json"
    )

    assert response.status_code == 400
    assert "comment" in response.json()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW


def test_changes_requested_reopen_the_plan_for_its_editors(
    api_for, promoter, curator, template, ghent, loan
):
    plan = in_review(promoter, curator, template, ghent, loan)
    api_for(curator).post(
        plan_url(plan, "plan-review"),
        {"decision": "request_changes", "comment": "Add a tariff study"},
        format="json",
    )

    edited = api_for(promoter).patch(plan_url(plan), {"revenue_model": "Tariffs"}, format="json")
    resubmitted = api_for(promoter).post(plan_url(plan, "plan-submit"))

    assert edited.status_code == 200
    assert resubmitted.json()["status"] == "resubmitted"


def test_only_curators_review_and_an_unknown_decision_is_a_400(
    api_for, promoter, curator, member, template, ghent, loan
):
    plan = services.plan_submit(plan=complete_plan(promoter, template, ghent, loan), actor=promoter)
    invite(plan, member)
    review = plan_url(plan, "plan-review")

    assert api_for(promoter).post(review, {"decision": "start"}, format="json").status_code == 403
    assert api_for(member).post(review, {"decision": "start"}, format="json").status_code == 403
    assert api_for(curator).post(review, {"decision": "approve"}, format="json").status_code == 400
    assert api_for(curator).post(review, {"decision": "bankable"}, format="json").status_code == 409


@pytest.mark.django_db(transaction=True)
def test_two_curators_deciding_at_once_give_one_outcome(
    promoter, curator, template, ghent, loan, api_for
):
    require_postgres()
    other_curator = UserFactory(roles=[Role.MEMBER, Role.CURATOR])
    plan = in_review(promoter, curator, template, ghent, loan)
    outcomes = []
    barrier = threading.Barrier(2)

    def decide(actor, body):
        barrier.wait()
        try:
            response = api_for(actor).post(plan_url(plan, "plan-review"), body, format="json")
            outcomes.append(response.status_code)
        except StateConflict:
            outcomes.append(409)
        finally:
            connection.close()  # each thread opened its own connection

    threads = [
        threading.Thread(target=decide, args=(curator, {"decision": "bankable"})),
        threading.Thread(
            target=decide, args=(other_curator, {"decision": "reject", "comment": "No"})
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [200, 409]
    decisions = PlanEvent.objects.filter(
        plan=plan, to_status__in=[PlanStatus.BANKABLE, PlanStatus.REJECTED]
    )
    assert decisions.count() == 1


# --- The checklist -------------------------------------------------------------------------


def test_the_checklist_shows_dimensions_answers_scores_and_gaps(api_for, promoter, template):
    plan = PlanFactory(promoter=promoter, checklist_template=template)
    commitment = ChecklistItem.objects.get(code="commitment")
    ChecklistAnswer.objects.create(plan=plan, item=commitment, answer="partly", evidence="Vote")

    response = api_for(promoter).get(plan_url(plan, "plan-checklist"))

    assert response.status_code == 200
    body = response.json()
    assert body["template"] == {"id": template.pk, "name": "API checklist", "version": 7}
    assert [d["code"] for d in body["dimensions"]] == ["fit", "money"]
    fit, money = body["dimensions"]
    assert fit["score"] == 50
    assert fit["items"][0]["answer"]["answer"] == "partly"
    assert fit["items"][0]["answer"]["evidence"] == "Vote"
    assert money["score"] == 0
    assert money["items"][0]["answer"] is None
    # 2 × ½ earned of 3 possible
    assert body["score"] == 33
    assert body["readiness"] == "not_ready"
    assert [gap["code"] for gap in body["gaps"]] == ["commitment", "revenue"]


def test_an_editor_answers_an_item_by_code_or_id_and_the_score_follows(api_for, promoter, template):
    plan = PlanFactory(promoter=promoter, checklist_template=template)
    revenue = ChecklistItem.objects.get(code="revenue")
    client = api_for(promoter)
    url = plan_url(plan, "plan-checklist")

    first = client.post(url, {"item": "commitment", "answer": "met"}, format="json")
    second = client.post(
        url, {"item": revenue.pk, "answer": "met", "evidence": "Audited"}, format="json"
    )

    assert first.status_code == 200, first.content
    assert first.json()["score"] == 67
    assert second.json()["score"] == 100
    assert second.json()["readiness"] == "investment_ready"
    assert second.json()["gaps"] == []
    plan.refresh_from_db()
    assert plan.bankability_score == 100


def test_a_plan_without_a_checklist_gets_the_current_one_with_its_first_answer(
    api_for, promoter, template
):
    plan = PlanFactory(promoter=promoter, checklist_template=None)

    response = api_for(promoter).post(
        plan_url(plan, "plan-checklist"), {"item": "commitment", "answer": "na"}, format="json"
    )

    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert plan.checklist_template == template


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item": "no-such-item", "answer": "met"}, "item"),
        ({"item": True, "answer": "met"}, "item"),
        ({"item": "commitment", "answer": "maybe"}, "answer"),
        ({"item": "commitment", "answer": "met", "evidence": 7}, "evidence"),
    ],
)
def test_a_bad_answer_is_a_400_naming_the_field(api_for, promoter, template, body, field):
    plan = PlanFactory(promoter=promoter, checklist_template=template)

    response = api_for(promoter).post(plan_url(plan, "plan-checklist"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not plan.answers.exists()


def test_an_item_of_another_template_is_not_on_the_plans_checklist(api_for, promoter, template):
    plan = PlanFactory(promoter=promoter, checklist_template=template)
    other = ChecklistTemplate.objects.create(name="Other", version=1)
    dimension = ChecklistDimension.objects.create(template=other, code="x", title="X")
    stranger = ChecklistItem.objects.create(dimension=dimension, code="x1", question="X?")

    response = api_for(promoter).post(
        plan_url(plan, "plan-checklist"), {"item": stranger.pk, "answer": "met"}, format="json"
    )

    assert response.status_code == 400
    assert "item" in response.json()


def test_only_editors_answer_and_only_while_the_plan_is_editable(
    api_for, promoter, curator, member, other_promoter, template
):
    plan = PlanFactory(promoter=promoter, checklist_template=template)
    invite(plan, member)
    url = plan_url(plan, "plan-checklist")
    body = {"item": "commitment", "answer": "met"}

    assert api_for(member).get(url).status_code == 200
    assert api_for(curator).post(url, body, format="json").status_code == 403
    assert api_for(member).post(url, body, format="json").status_code == 403
    assert api_for(other_promoter).post(url, body, format="json").status_code == 404
    plan.status = PlanStatus.SUBMITTED
    plan.save()
    assert api_for(promoter).post(url, body, format="json").status_code == 409


# --- Checklist templates -----------------------------------------------------------------------


def test_members_read_checklist_templates_and_filter_the_current_one(
    api_for, member, visitor, template
):
    ChecklistTemplate.objects.create(name="API checklist", version=6)
    client = api_for(member)
    url = reverse("api:checklist-template-list")

    every = client.get(url).json()["results"]
    current = client.get(url, {"current": "true"}).json()["results"]
    detail = client.get(reverse("api:checklist-template-detail", args=[template.pk])).json()

    ours = [row["version"] for row in every if row["name"] == "API checklist"]
    assert ours == [7, 6]
    assert [row["id"] for row in current] == [template.pk]
    assert [d["code"] for d in detail["dimensions"]] == ["fit", "money"]
    assert detail["dimensions"][0]["items"][0]["code"] == "commitment"
    assert client.get(url, {"current": "yes"}).status_code == 400
    assert api_for(visitor).get(url).status_code == 401


@pytest.mark.parametrize("rows", [1, 15])
def test_listing_templates_takes_the_same_queries_for_one_or_many(
    api_for, member, django_assert_max_num_queries, rows
):
    ChecklistTemplate.objects.all().delete()
    for version in range(rows):
        template = ChecklistTemplate.objects.create(name="Checklist", version=version + 1)
        for position in range(3):
            dimension = ChecklistDimension.objects.create(
                template=template, code=f"d{position}", title="D", position=position
            )
            ChecklistItem.objects.create(dimension=dimension, code="i", question="Q?")
    client = api_for(member)

    # count, templates, dimensions, items
    with django_assert_max_num_queries(4):
        response = client.get(reverse("api:checklist-template-list"))

    assert len(response.json()["results"]) == rows
