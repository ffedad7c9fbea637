"""Shape's plan pages: the step editor, the plan page, its workflow buttons and versions."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from explore.models import Area, City, Indicator
from shape.models import (
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    Instrument,
    Milestone,
    PlanStatus,
    Risk,
)
from shape.services import plans as services
from tests.factories import UserFactory
from tests.shape.factories import PlanFactory
from tests.shape.factories import complete_plan as shared_complete_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    """The current checklist: the data migration's when present, else a one-item stand-in."""
    current = ChecklistTemplate.objects.filter(is_current=True).first()
    if current and ChecklistItem.objects.filter(dimension__template=current).exists():
        return current
    current = ChecklistTemplate.objects.create(name="Page test checklist", is_current=True)
    dimension = ChecklistDimension.objects.create(template=current, code="fit", title="Fit")
    ChecklistItem.objects.create(
        dimension=dimension, code="commitment", question="Is there political commitment?"
    )
    return current


@pytest.fixture
def city():
    return City.objects.create(
        name="Ghent", slug="ghent-test", country="BE", latitude=51, longitude=3
    )


@pytest.fixture
def indicator():
    return Indicator.objects.create(
        code="ENE-T1",
        slug="ene-t1",
        name="Energy use",
        unit="GJ",
        direction="lower",
        area=Area.objects.first(),
    )


@pytest.fixture
def instrument():
    return Instrument.objects.get_or_create(code="loan", defaults={"name": "Loan"})[0]


def complete_plan(promoter, template, city, indicator, instrument, **fields):
    return shared_complete_plan(
        promoter, template, city=city, indicator=indicator, instrument=instrument, **fields
    )


@pytest.fixture
def plan(promoter, template, city, indicator, instrument):
    return complete_plan(promoter, template, city, indicator, instrument)


def edit_url(plan, step):
    return reverse("shape:plan-edit", args=[plan.pk, step])


def detail_url(plan):
    return reverse("shape:plan-detail", args=[plan.pk])


def action(client, plan, name, **data):
    return client.post(reverse(f"shape:{name}", args=[plan.pk]), data, follow=True)


def page_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


FINANCE = {
    "stage": "feasibility",
    "total_investment_eur": "1000000",
    "funding_sought_eur": "600000",
    "revenue_model": "Heat sales",
    "planned_start": "2027-01-01",
    "planned_end": "2029-12-31",
}


# --- The editor -----------------------------------------------------------------------------


def test_a_promoter_writes_a_plan_step_by_step_and_resumes_where_they_left(
    client_for, promoter, city, instrument
):
    client = client_for(promoter)
    area = Area.objects.first()

    response = client.post(
        reverse("shape:plan-create"),
        {"title": "Solar schools", "city": city.pk, "areas": [area.pk], "summary": "Panels."},
    )

    plan = promoter.promoted_plans.get()
    assert plan.status == PlanStatus.DRAFT
    assert response.url == edit_url(plan, "solution")
    response = client.post(
        edit_url(plan, "solution"),
        {"problem": "Bills", "proposed_solution": "Roofs", "continue": "1"},
    )
    assert response.url == edit_url(plan, "finance")
    response = client.post(
        edit_url(plan, "finance"), {**FINANCE, "instruments": [instrument.pk], "save": "1"}
    )
    assert response.url == edit_url(plan, "finance")

    basics = client.get(edit_url(plan, "basics")).content.decode()
    finance = client.get(edit_url(plan, "finance")).content.decode()
    assert 'value="Solar schools"' in basics
    assert 'value="1000000"' in finance
    assert 'value="2029-12-31"' in finance
    plan.refresh_from_db()
    assert plan.funding_sought_eur == 600_000
    assert list(plan.instruments.all()) == [instrument]


def test_the_progress_list_marks_the_current_step_and_what_is_missing(client_for, promoter):
    plan = PlanFactory(promoter=promoter, city=None)

    html = client_for(promoter).get(edit_url(plan, "solution")).content.decode()

    assert 'aria-current="step"' in html
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Problem and solution" in current
    assert "missing: city" in html
    assert "at least one milestone" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"total_investment_eur": "100", "funding_sought_eur": "200"},
            "funding_sought_eur",
            "Funding sought cannot exceed the total investment.",
        ),
        (
            {"planned_start": "2028-01-01", "planned_end": "2027-01-01"},
            "planned_end",
            "The plan cannot end before it starts.",
        ),
        ({"total_investment_eur": "-5"}, "total_investment_eur", "greater than or equal to 0"),
    ],
)
def test_the_finance_step_shows_field_errors_and_saves_nothing(
    client_for, promoter, changes, field, message
):
    plan = PlanFactory(promoter=promoter)

    response = client_for(promoter).post(edit_url(plan, "finance"), {**FINANCE, **changes})

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.total_investment_eur == 12_000_000


def test_a_promoter_adds_and_removes_milestones_risks_targets_and_documents(
    client_for, promoter, indicator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory(promoter=promoter)
    client = client_for(promoter)

    client.post(
        edit_url(plan, "delivery"),
        {"part": "milestone", "milestone-title": "Tender", "milestone-due_date": "2027-05-01"},
    )
    client.post(
        edit_url(plan, "delivery"),
        {
            "part": "risk",
            "risk-description": "Delays",
            "risk-likelihood": "2",
            "risk-impact": "3",
        },
    )
    client.post(
        edit_url(plan, "impact"),
        {
            "part": "impact",
            "impact-indicator": indicator.pk,
            "impact-baseline_value": "10",
            "impact-baseline_year": "2024",
            "impact-target_value": "7",
            "impact-target_year": "2030",
        },
    )
    upload = SimpleUploadedFile("study.pdf", b"%PDF-1.4", content_type="application/pdf")
    client.post(
        edit_url(plan, "documents"),
        {"part": "attachment", "attachment-title": "Feasibility study", "attachment-file": upload},
    )

    assert plan.milestones.count() == plan.risks.count() == plan.impact_targets.count() == 1
    assert plan.attachments.get().title == "Feasibility study"
    delivery = client.get(edit_url(plan, "delivery")).content.decode()
    assert "Tender" in delivery
    assert "Delays" in delivery
    milestone = plan.milestones.get()
    response = client.post(
        reverse("shape:plan-part-remove", args=[plan.pk, "delivery", "milestone", milestone.pk])
    )
    assert response.url == edit_url(plan, "delivery")
    assert not plan.milestones.exists()


def test_a_list_step_shows_the_model_errors_on_its_form(client_for, promoter, indicator):
    plan = PlanFactory(promoter=promoter)

    response = client_for(promoter).post(
        edit_url(plan, "impact"),
        {
            "part": "impact",
            "impact-indicator": indicator.pk,
            "impact-baseline_value": "10",
            "impact-baseline_year": "2030",
            "impact-target_value": "7",
            "impact-target_year": "2024",
        },
    )

    assert response.status_code == 200
    assert response.context["part_forms"]["impact"].errors["target_year"]
    assert not plan.impact_targets.exists()


def test_the_last_step_offers_submission(client_for, promoter):
    plan = PlanFactory(promoter=promoter)

    html = client_for(promoter).get(edit_url(plan, "documents")).content.decode()

    assert reverse("shape:plan-submit", args=[plan.pk]) in html


# --- Submission and review ------------------------------------------------------------------


def test_submission_is_refused_with_the_list_of_what_is_missing(client_for, promoter, template):
    plan = PlanFactory(promoter=promoter, checklist_template=template)

    response = action(client_for(promoter), plan, "plan-submit")

    assert "Still missing" in page_messages(response)
    assert "at least one milestone" in page_messages(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_review_cycle_from_submission_to_bankable(
    client_for, promoter, curator, plan, instrument, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client_for(promoter), plan, "plan-submit")
    assert "sent for review" in page_messages(response)
    assert [message.to for message in mail.outbox] == [[curator.email]]
    assert plan.versions.count() == 1

    curator_client = client_for(curator)
    action(curator_client, plan, "plan-review")
    response = action(curator_client, plan, "plan-changes-request", comment="  ")
    assert "Say why" in page_messages(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW
    action(curator_client, plan, "plan-changes-request", comment="Add a second funder.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED

    promoter_client = client_for(promoter)
    response = promoter_client.post(
        edit_url(plan, "finance"), {**FINANCE, "instruments": [instrument.pk]}
    )
    assert response.status_code == 302
    action(promoter_client, plan, "plan-submit")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RESUBMITTED
    assert plan.versions.count() == 2

    compare = promoter_client.get(reverse("shape:plan-versions", args=[plan.pk]), {"a": 1, "b": 2})
    row = compare.content.decode().split("Total investment")[1].split("</tr>")[0]
    assert "12000000" in row
    assert "1000000" in row
    assert "Changed" in row

    curator_client = client_for(curator)
    action(curator_client, plan, "plan-review")
    response = action(curator_client, plan, "plan-mark-bankable")
    assert "bankable" in page_messages(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.BANKABLE
    assert [event.to_status for event in plan.events.order_by("id")][-2:] == [
        PlanStatus.IN_REVIEW,
        PlanStatus.BANKABLE,
    ]


def test_a_curator_rejects_with_a_reason(client_for, promoter, curator, plan):
    services.plan_submit(plan=plan, actor=promoter)
    client = client_for(curator)
    action(client, plan, "plan-review")

    refused = action(client, plan, "plan-reject")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW
    assert "Say why" in page_messages(refused)
    action(client, plan, "plan-reject", comment="No revenue model.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REJECTED
    assert "No revenue model." in client.get(detail_url(plan)).content.decode()


def test_withdrawal_needs_the_confirmation_box(client_for, promoter):
    plan = PlanFactory(promoter=promoter)
    client = client_for(promoter)

    action(client, plan, "plan-withdraw")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    action(client, plan, "plan-withdraw", confirm="1")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WITHDRAWN


def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(
    client_for, curator, promoter
):
    plan = PlanFactory(promoter=promoter)

    response = action(client_for(curator), plan, "plan-mark-bankable")

    assert "cannot move" in page_messages(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not plan.events.exists()


def test_a_promoter_cannot_make_a_curators_decision(client_for, promoter, plan):
    services.plan_submit(plan=plan, actor=promoter)

    response = client_for(promoter).post(reverse("shape:plan-review", args=[plan.pk]))

    assert response.status_code == 403


def test_a_curator_comments_on_one_checklist_item(client_for, curator, plan, template):
    item = ChecklistItem.objects.filter(dimension__template=template).first()

    client_for(curator).post(
        reverse("shape:review-comment-add", args=[plan.pk]),
        {"body": "Which council vote?", "item": item.pk},
    )

    comment = plan.review_comments.get()
    assert comment.item == item
    assert comment.author == curator


# --- Who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "detail", "edit"),
    [
        ("promoter", 200, 200),
        ("other_promoter", 404, 404),
        ("member", 404, 404),
        ("investor", 404, 404),
        ("curator", 200, 403),
    ],
)
def test_who_may_see_and_edit_a_plan(request, client_for, promoter, persona, detail, edit):
    plan = PlanFactory(promoter=promoter)
    client = client_for(request.getfixturevalue(persona))

    assert client.get(detail_url(plan)).status_code == detail
    assert client.get(edit_url(plan, "basics")).status_code == edit
    posted = client.post(edit_url(plan, "basics"), {"title": "Renamed"})
    assert posted.status_code == (302 if edit == 200 else edit)


def test_anonymous_visitors_are_sent_to_sign_in(client, promoter):
    plan = PlanFactory(promoter=promoter)
    urls = [
        detail_url(plan),
        edit_url(plan, "basics"),
        reverse("shape:plan-create"),
        reverse("shape:review-queue"),
        reverse("shape:plan-versions", args=[plan.pk]),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_only_promoters_start_plans(client_for, member):
    assert client_for(member).get(reverse("shape:plan-create")).status_code == 403


def test_a_submitted_plan_is_read_only_for_its_promoter(client_for, promoter, plan):
    services.plan_submit(plan=plan, actor=promoter)

    assert client_for(promoter).get(edit_url(plan, "finance")).status_code == 403


@pytest.mark.parametrize("name", ["plan-submit", "plan-withdraw", "plan-review", "plan-reject"])
def test_transitions_only_accept_post(client_for, promoter, name):
    plan = PlanFactory(promoter=promoter)

    assert client_for(promoter).get(reverse(f"shape:{name}", args=[plan.pk])).status_code == 405


def test_an_unknown_step_is_not_found(client_for, promoter):
    plan = PlanFactory(promoter=promoter)

    assert client_for(promoter).get(edit_url(plan, "nonsense")).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("curator", 200), ("promoter", 403)])
def test_the_review_queue_is_for_curators(request, client_for, persona, status, plan):
    services.plan_submit(plan=plan, actor=plan.promoter)

    response = client_for(request.getfixturevalue(persona)).get(reverse("shape:review-queue"))

    assert response.status_code == status
    if status == 200:
        assert plan.title in response.content.decode()


def test_an_investor_sees_the_teaser_and_the_full_plan_only_once_shared(
    client_for, promoter, curator, investor, plan
):
    services.plan_submit(plan=plan, actor=promoter)
    services.plan_review_start(plan=plan, actor=curator)
    services.plan_mark_bankable(plan=plan, actor=curator)
    client = client_for(investor)

    index = client.get(reverse("shape:index")).content.decode()
    assert plan.title in index
    assert "Loan" in index
    assert plan.problem not in index
    assert client.get(detail_url(plan)).status_code == 404
    services.plan_share(plan=plan, investor=investor, actor=promoter)
    assert client.get(detail_url(plan)).status_code == 200


def test_the_index_lists_a_promoters_plans(client_for, promoter):
    plan = PlanFactory(promoter=promoter, title="Solar schools")

    html = client_for(promoter).get(reverse("shape:index")).content.decode()

    assert "Solar schools" in html
    assert plan.get_status_display() in html
    assert reverse("shape:plan-create") in html


def test_the_index_explains_shape_to_visitors(client):
    response = client.get(reverse("shape:index"))

    assert response.status_code == 200
    assert "How Shape works" in response.content.decode()


# --- Co-editors -----------------------------------------------------------------------------


def test_the_promoter_adds_and_removes_a_co_editor_by_email(client_for, promoter, member):
    plan = PlanFactory(promoter=promoter)
    client = client_for(promoter)

    client.post(reverse("shape:co-editor-add", args=[plan.pk]), {"email": "MEMBER@example.org"})
    assert list(plan.co_editors.all()) == [member]
    assert client_for(member).get(edit_url(plan, "basics")).status_code == 200
    # A co-editor edits but does not decide who else does.
    response = client_for(member).post(
        reverse("shape:co-editor-add", args=[plan.pk]), {"email": "promoter@example.org"}
    )
    assert response.status_code == 403

    client = client_for(promoter)
    response = client.post(
        reverse("shape:co-editor-add", args=[plan.pk]), {"email": "nobody@example.org"}, follow=True
    )
    assert "No member" in page_messages(response)
    client.post(reverse("shape:co-editor-remove", args=[plan.pk, member.pk]))
    assert not plan.co_editors.exists()
    assert client_for(member).get(detail_url(plan)).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def _detail_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(plan)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["promoter", "curator"])
def test_the_plan_page_needs_the_same_queries_for_1_and_10_milestones_and_risks(
    request, client_for, django_assert_max_num_queries, promoter, persona
):
    plan = PlanFactory(promoter=promoter)
    plan.co_editors.add(UserFactory(roles=[Role.MEMBER, Role.PROMOTER]))
    Milestone.objects.create(plan=plan, title="M0", due_date=date(2027, 1, 1))
    Risk.objects.create(plan=plan, description="R0", likelihood=1, impact=1)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(30):
        client.get(detail_url(plan))
    one = _detail_queries(client, plan)

    for n in range(1, 10):
        Milestone.objects.create(plan=plan, title=f"M{n}", due_date=date(2027, 1, n + 1))
        Risk.objects.create(plan=plan, description=f"R{n}", likelihood=2, impact=3)

    assert _detail_queries(client, plan) == one
