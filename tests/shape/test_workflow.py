"""The plan's review workflow: each transition checks state and actor and leaves a record."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from accounts.models import Role
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.models import (
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    PlanStatus,
)
from shape.services import plans as services
from shape.uploads import MAX_DOCUMENT_BYTES
from tests.factories import UserFactory
from tests.services import require_postgres
from tests.shape.factories import PlanFactory
from tests.shape.factories import complete_plan as shared_complete_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    ChecklistTemplate.objects.filter(is_current=True).update(is_current=False)
    template = ChecklistTemplate.objects.create(name="Test checklist", version=99, is_current=True)
    dimension = ChecklistDimension.objects.create(template=template, code="fit", title="Fit")
    ChecklistItem.objects.create(
        dimension=dimension, code="commitment", question="Is there political commitment?"
    )
    return template


def complete_plan(promoter, template):
    return shared_complete_plan(promoter, template)


def submitted(promoter, template):
    return services.plan_submit(plan=complete_plan(promoter, template), actor=promoter)


def test_a_promoter_creates_a_draft_on_the_current_checklist(promoter, template):
    plan = services.plan_create(promoter=promoter, data={"title": "Solar schools"})

    assert plan.status == PlanStatus.DRAFT
    assert plan.checklist_template == template
    assert plan.organisation == promoter.organisation
    assert plan.events.get().to_status == PlanStatus.DRAFT


def test_a_member_who_is_not_a_promoter_cannot_create_a_plan(member):
    with pytest.raises(NotAllowed):
        services.plan_create(promoter=member, data={"title": "Solar schools"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"total_investment_eur": 1_000, "funding_sought_eur": 5_000}, "funding_sought_eur"),
        ({"planned_start": date(2027, 1, 1), "planned_end": date(2026, 1, 1)}, "planned_end"),
        ({"total_investment_eur": 10**12}, "total_investment_eur"),
    ],
)
def test_impossible_figures_are_refused_and_nothing_changes(promoter, template, data, field):
    plan = PlanFactory(promoter=promoter, checklist_template=template)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, actor=promoter, data=data)

    assert field in refused.value.message_dict
    plan.refresh_from_db()
    assert plan.total_investment_eur == 12_000_000


def test_submission_is_refused_with_the_list_of_what_is_missing(promoter, template):
    plan = PlanFactory(promoter=promoter, checklist_template=template)

    with pytest.raises(DomainError) as refused:
        services.plan_submit(plan=plan, actor=promoter)

    message = refused.value.message
    assert "city" in message
    assert "Is there political commitment?" in message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not plan.versions.exists()


def test_a_complete_plan_is_submitted_snapshotted_and_curators_are_told(
    promoter, curator, template, django_capture_on_commit_callbacks
):
    plan = complete_plan(promoter, template)

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=plan, actor=promoter)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.versions.get().snapshot["title"] == plan.title
    assert [message.to for message in mail.outbox] == [[curator.email]]


def test_the_full_review_round_trip(promoter, curator, template):
    plan = submitted(promoter, template)

    services.plan_review_start(plan=plan, actor=curator)
    services.plan_changes_request(plan=plan, actor=curator, comment="Add a second risk.")
    services.plan_update(plan=plan, actor=promoter, data={"summary": "Now with two risks."})
    services.plan_submit(plan=plan, actor=promoter)
    services.plan_review_start(plan=plan, actor=curator)
    services.plan_mark_bankable(plan=plan, actor=curator)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.BANKABLE
    assert list(plan.versions.values_list("number", flat=True)) == [2, 1]
    history = list(plan.events.order_by("created_at", "id").values_list("to_status", flat=True))
    assert history == [
        "submitted",
        "in_review",
        "changes_requested",
        "resubmitted",
        "in_review",
        "bankable",
    ]


def test_changes_and_rejections_need_a_reason(promoter, curator, template):
    plan = submitted(promoter, template)
    services.plan_review_start(plan=plan, actor=curator)

    with pytest.raises(DomainError):
        services.plan_changes_request(plan=plan, actor=curator, comment=" ")
    with pytest.raises(DomainError):
        services.plan_reject(plan=plan, actor=curator, comment="")


def test_a_transition_from_the_wrong_state_is_refused(promoter, curator, template):
    plan = complete_plan(promoter, template)

    with pytest.raises(StateConflict):
        services.plan_mark_bankable(plan=plan, actor=curator)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_curators_review(promoter, other_promoter, template):
    plan = submitted(promoter, template)

    with pytest.raises(NotAllowed):
        services.plan_review_start(plan=plan, actor=promoter)


def test_a_submitted_plan_cannot_be_edited(promoter, template):
    plan = submitted(promoter, template)

    with pytest.raises(StateConflict):
        services.plan_update(plan=plan, actor=promoter, data={"title": "Changed"})


def test_the_promoter_withdraws_at_any_time_but_a_co_editor_cannot(promoter, template):
    plan = submitted(promoter, template)
    co_editor = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    services.co_editor_add(plan=plan, user=co_editor, actor=promoter)

    with pytest.raises(NotAllowed):
        services.plan_withdraw(plan=plan, actor=co_editor)
    services.plan_withdraw(plan=plan, actor=promoter)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.WITHDRAWN


def test_a_co_editor_edits_a_draft(promoter, template):
    plan = PlanFactory(promoter=promoter, checklist_template=template)
    co_editor = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    services.co_editor_add(plan=plan, user=co_editor, actor=promoter)

    services.plan_update(plan=plan, actor=co_editor, data={"title": "Shared title"})

    plan.refresh_from_db()
    assert plan.title == "Shared title"


def test_an_attachment_of_the_wrong_type_or_size_is_refused(promoter, template):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = PlanFactory(promoter=promoter, checklist_template=template)
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    huge = SimpleUploadedFile("plan.pdf", b"0" * (MAX_DOCUMENT_BYTES + 1))

    for upload in (script, huge):
        with pytest.raises(DomainError) as refused:
            services.attachment_add(plan=plan, actor=promoter, title="Annex", file=upload)
        assert refused.value.field == "file"
    assert not plan.attachments.exists()


def test_a_bankable_plan_is_shared_with_investors_only(
    promoter, curator, investor, member, template
):
    plan = submitted(promoter, template)
    services.plan_review_start(plan=plan, actor=curator)
    services.plan_mark_bankable(plan=plan, actor=curator)

    services.plan_share(plan=plan, investor=investor, actor=promoter)
    with pytest.raises(DomainError):
        services.plan_share(plan=plan, investor=member, actor=promoter)

    assert list(plan.shares.values_list("investor", flat=True)) == [investor.pk]


@pytest.mark.django_db(transaction=True)
def test_two_curators_deciding_at_once_give_one_outcome(promoter, curator, template):
    require_postgres()
    other_curator = UserFactory(roles=[Role.MEMBER, Role.CURATOR])
    plan = submitted(promoter, template)
    services.plan_review_start(plan=plan, actor=curator)
    outcomes, barrier = [], threading.Barrier(2)

    def decide(actor, decision):
        barrier.wait()
        try:
            if decision == "bankable":
                services.plan_mark_bankable(plan=plan, actor=actor)
            else:
                services.plan_reject(plan=plan, actor=actor, comment="Not viable")
            outcomes.append(decision)
        except StateConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(curator, "bankable")),
        threading.Thread(target=decide, args=(other_curator, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) in (["bankable", "conflict"], ["conflict", "reject"])
    assert plan.events.filter(to_status__in=["bankable", "rejected"]).count() == 1
