"""Every write to a project plan: editing, the review workflow, versions and history."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_curator
from marketplace import jobs
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape import permissions
from shape.models import (
    Attachment,
    ChecklistItem,
    ChecklistTemplate,
    ImpactTarget,
    Milestone,
    PlanEvent,
    PlanShare,
    PlanStatus,
    PlanVersion,
    ProjectPlan,
    ReviewComment,
    Risk,
)
from shape.signals import plan_status_changed
from shape.steps import missing_by_step
from shape.uploads import document_check, document_details

PLAN_FIELDS = [
    "title",
    "city",
    "summary",
    "problem",
    "proposed_solution",
    "stage",
    "total_investment_eur",
    "funding_sought_eur",
    "revenue_model",
    "planned_start",
    "planned_end",
]
PLAN_RELATIONS = ["areas", "solutions", "reference_projects", "instruments"]


def _locked(plan: ProjectPlan) -> ProjectPlan:
    return ProjectPlan.objects.select_for_update().get(pk=plan.pk)


def _require_editable(plan: ProjectPlan, actor) -> None:
    if not permissions.is_plan_editor(actor, plan):
        raise NotAllowed(_("Only the plan's promoter and co-editors change it."))
    if plan.status not in permissions.EDITABLE_STATUSES:
        raise StateConflict(
            _("The plan cannot be changed while its status is “%(status)s”.")
            % {"status": plan.get_status_display()}
        )


@transaction.atomic
def plan_create(*, promoter, data: dict) -> ProjectPlan:
    if not permissions.can_create_plan(promoter):
        raise NotAllowed(_("Only promoters create project plans."))
    plan = ProjectPlan(
        promoter=promoter,
        organisation=promoter.organisation,
        checklist_template=ChecklistTemplate.objects.filter(is_current=True).first(),
    )
    _apply(plan, data)
    plan.save()
    _set_relations(plan, data)
    _record(plan, actor=promoter, from_status="", to_status=PlanStatus.DRAFT)
    return plan


@transaction.atomic
def plan_update(*, plan: ProjectPlan, actor, data: dict) -> ProjectPlan:
    """Save one step of the editor: only the fields given change."""
    plan = _locked(plan)
    _require_editable(plan, actor)
    _apply(plan, data)
    plan.save()
    _set_relations(plan, data)
    return plan


def _apply(plan: ProjectPlan, data: dict) -> None:
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    plan.full_clean(exclude=["promoter", "organisation", "checklist_template"])


def _set_relations(plan: ProjectPlan, data: dict) -> None:
    for name in PLAN_RELATIONS:
        if name in data:
            getattr(plan, name).set(data[name])


@transaction.atomic
def co_editor_add(*, plan: ProjectPlan, user, actor) -> None:
    if plan.promoter_id != actor.pk:
        raise NotAllowed(_("Only the promoter adds co-editors."))
    if user.pk == plan.promoter_id:
        raise DomainError(_("The promoter edits the plan already."), field="email")
    plan.co_editors.add(user)


@transaction.atomic
def co_editor_remove(*, plan: ProjectPlan, user, actor) -> None:
    if plan.promoter_id != actor.pk:
        raise NotAllowed(_("Only the promoter removes co-editors."))
    plan.co_editors.remove(user)


def _add_part(model, *, plan, actor, data: dict):
    with transaction.atomic():
        plan = _locked(plan)
        _require_editable(plan, actor)
        part = model(plan=plan, **data)
        part.full_clean()
        part.save()
        return part


def _remove_part(model, *, plan, actor, pk: int) -> None:
    with transaction.atomic():
        plan = _locked(plan)
        _require_editable(plan, actor)
        deleted, _rows = model.objects.filter(plan=plan, pk=pk).delete()
        if not deleted:
            raise DomainError(_("That entry no longer exists."))


def impact_target_add(*, plan, actor, data: dict) -> ImpactTarget:
    return _add_part(ImpactTarget, plan=plan, actor=actor, data=data)


def milestone_add(*, plan, actor, data: dict) -> Milestone:
    return _add_part(Milestone, plan=plan, actor=actor, data=data)


def risk_add(*, plan, actor, data: dict) -> Risk:
    return _add_part(Risk, plan=plan, actor=actor, data=data)


PARTS = {"impact": ImpactTarget, "milestone": Milestone, "risk": Risk, "attachment": Attachment}


def plan_part_remove(*, plan, actor, kind: str, pk: int) -> None:
    if kind not in PARTS:
        raise DomainError(_("Unknown kind of entry."))
    _remove_part(PARTS[kind], plan=plan, actor=actor, pk=pk)


def attachment_add(*, plan, actor, title: str, file) -> Attachment:
    document_check(file, field="file")
    return _add_part(
        Attachment,
        plan=plan,
        actor=actor,
        data={"title": title, "file": file, "uploaded_by": actor, **document_details(file)},
    )


def plan_missing(plan: ProjectPlan) -> list[str]:
    """Everything still needed before the plan can be submitted, in the editor's order."""
    missing = [label for labels in missing_by_step(plan).values() for label in labels]
    if plan.checklist_template_id is None:
        missing.append(_("the bankability checklist"))
        return missing
    unanswered = ChecklistItem.objects.filter(
        dimension__template=plan.checklist_template_id, mandatory=True
    ).exclude(answers__plan=plan)
    for item in unanswered.order_by("dimension__position", "position"):
        missing.append(_("checklist: %(question)s") % {"question": item.question})
    return missing


# --- The review workflow ------------------------------------------------------------------


def _transition(plan, *, actor, allowed_from, to_status, comment="") -> ProjectPlan:
    if plan.status not in allowed_from:
        raise StateConflict(
            _("A plan whose status is “%(status)s” cannot move to “%(target)s”.")
            % {"status": plan.get_status_display(), "target": PlanStatus(to_status).label}
        )
    from_status = plan.status
    plan.status = to_status
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    event = _record(
        plan, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )
    jobs.enqueue("shape.tasks.send_plan_event_email", event.pk)
    plan_status_changed.send(
        sender=ProjectPlan, plan=plan, from_status=from_status, to_status=to_status
    )
    return plan


def _record(plan, *, actor, from_status, to_status, comment="") -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )


@transaction.atomic
def plan_submit(*, plan: ProjectPlan, actor) -> ProjectPlan:
    """Send the plan for review, refused with the list of what is missing."""
    plan = _locked(plan)
    if not permissions.can_submit_plan(actor, plan):
        raise NotAllowed(_("Only the plan's promoter and co-editors submit it."))
    missing = plan_missing(plan)
    if missing:
        raise DomainError(
            _("The plan cannot be submitted yet. Still missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    target = (
        PlanStatus.RESUBMITTED
        if plan.status == PlanStatus.CHANGES_REQUESTED
        else PlanStatus.SUBMITTED
    )
    plan.submitted_at = timezone.now()
    plan = _transition(
        plan, actor=actor, allowed_from=permissions.EDITABLE_STATUSES, to_status=target
    )
    version_snapshot(plan=plan, actor=actor)
    return plan


def _curator_decision(plan, *, actor, allowed_from, to_status, comment="", needs_comment=False):
    plan = _locked(plan)
    if not permissions.can_review_plan(actor, plan):
        raise NotAllowed(_("Only curators review plans."))
    comment = (comment or "").strip()
    if needs_comment and not comment:
        raise DomainError(_("Say why, so the promoter knows what to do."), field="comment")
    return _transition(
        plan, actor=actor, allowed_from=allowed_from, to_status=to_status, comment=comment
    )


@transaction.atomic
def plan_review_start(*, plan, actor) -> ProjectPlan:
    return _curator_decision(
        plan,
        actor=actor,
        allowed_from={PlanStatus.SUBMITTED, PlanStatus.RESUBMITTED},
        to_status=PlanStatus.IN_REVIEW,
    )


@transaction.atomic
def plan_changes_request(*, plan, actor, comment: str) -> ProjectPlan:
    return _curator_decision(
        plan,
        actor=actor,
        allowed_from={PlanStatus.IN_REVIEW},
        to_status=PlanStatus.CHANGES_REQUESTED,
        comment=comment,
        needs_comment=True,
    )


@transaction.atomic
def plan_mark_bankable(*, plan, actor, comment: str = "") -> ProjectPlan:
    return _curator_decision(
        plan,
        actor=actor,
        allowed_from={PlanStatus.IN_REVIEW},
        to_status=PlanStatus.BANKABLE,
        comment=comment,
    )


@transaction.atomic
def plan_reject(*, plan, actor, comment: str) -> ProjectPlan:
    return _curator_decision(
        plan,
        actor=actor,
        allowed_from={PlanStatus.IN_REVIEW},
        to_status=PlanStatus.REJECTED,
        comment=comment,
        needs_comment=True,
    )


@transaction.atomic
def plan_withdraw(*, plan, actor, comment: str = "") -> ProjectPlan:
    plan = _locked(plan)
    if not permissions.can_withdraw_plan(actor, plan):
        raise NotAllowed(_("Only the promoter withdraws the plan."))
    still_open = set(PlanStatus.values) - {PlanStatus.WITHDRAWN, PlanStatus.REJECTED}
    return _transition(
        plan, actor=actor, allowed_from=still_open, to_status=PlanStatus.WITHDRAWN, comment=comment
    )


@transaction.atomic
def review_comment_add(*, plan, actor, body: str, item=None) -> ReviewComment:
    if not is_curator(actor):
        raise NotAllowed(_("Only curators comment on a review."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a comment."), field="body")
    if item is not None and item.dimension.template_id != plan.checklist_template_id:
        raise DomainError(_("That item is not on this plan's checklist."), field="item")
    return ReviewComment.objects.create(plan=plan, item=item, author=actor, body=body)


@transaction.atomic
def plan_share(*, plan, investor, actor) -> PlanShare:
    """Show the full bankable plan to one investor."""
    from accounts.permissions import is_investor

    plan = _locked(plan)
    if not permissions.can_share_plan(actor, plan):
        raise NotAllowed(_("Only the promoter shares a bankable plan."))
    if not is_investor(investor):
        raise DomainError(_("Plans are shared with investors only."), field="investor")
    share, _created = PlanShare.objects.get_or_create(
        plan=plan, investor=investor, defaults={"shared_by": actor}
    )
    return share


# --- Versions -------------------------------------------------------------------------------


def plan_snapshot(plan: ProjectPlan) -> dict:
    """Everything a reviewer compares between two submissions, as plain data."""
    values = {name: _plain(getattr(plan, name)) for name in PLAN_FIELDS}
    values["city"] = str(plan.city) if plan.city_id else ""
    for name in PLAN_RELATIONS:
        values[name] = sorted(str(obj) for obj in getattr(plan, name).all())
    values["impact_targets"] = [str(target) for target in plan.impact_targets.all()]
    values["milestones"] = [f"{m.due_date}: {m.title}" for m in plan.milestones.all()]
    values["risks"] = [
        f"{r.description} ({r.get_likelihood_display()}/{r.get_impact_display()}): {r.mitigation}"
        for r in plan.risks.all()
    ]
    values["checklist"] = {
        answer.item.code: answer.get_answer_display()
        for answer in plan.answers.select_related("item")
    }
    values["bankability_score"] = plan.bankability_score
    return values


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def version_snapshot(*, plan: ProjectPlan, actor) -> PlanVersion:
    number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return PlanVersion.objects.create(
        plan=plan, number=number, snapshot=plan_snapshot(plan), created_by=actor
    )
