"""Writes to bankability checklists: a plan's answers, and the curators' template versions."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.permissions import is_curator
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape import checklists, permissions
from shape.models import (
    ChecklistAnswer,
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    ProjectPlan,
)
from shape.uploads import document_check


def evidence_file_check(file) -> None:
    """Refuse evidence that is not one of the accepted document types or is over 10 MB."""
    document_check(file, field="evidence_file")


@transaction.atomic
def checklist_answer_set(
    *,
    plan: ProjectPlan,
    item: ChecklistItem,
    answer: str,
    evidence: str = "",
    evidence_file=None,
    actor,
) -> ChecklistAnswer:
    """Record the answer to one item and refresh the plan's bankability score with it.

    A plan without a checklist gets the current template on its first answer; after that
    it keeps its version, so later template changes never move an existing score.
    """
    plan = ProjectPlan.objects.select_for_update().get(pk=plan.pk)
    if not permissions.is_plan_editor(actor, plan):
        raise NotAllowed(_("Only the plan's promoter and co-editors answer its checklist."))
    if not permissions.can_edit_plan(actor, plan):
        raise StateConflict(
            _("The checklist cannot be changed while the plan's status is “%(status)s”.")
            % {"status": plan.get_status_display()}
        )
    if answer not in ChecklistAnswer.Answer.values:
        raise DomainError(_("Choose one of the answers."), field="answer")
    if evidence_file:
        evidence_file_check(evidence_file)

    changed = ["bankability_score", "updated_at"]
    if plan.checklist_template_id is None:
        current = ChecklistTemplate.objects.filter(is_current=True).first()
        if current is None:
            raise StateConflict(_("No checklist is offered at the moment."))
        plan.checklist_template = current
        changed.append("checklist_template")
    if item.dimension.template_id != plan.checklist_template_id:
        raise DomainError(_("That question is not on this plan's checklist."), field="item")

    values = {"answer": answer, "evidence": (evidence or "").strip(), "answered_by": actor}
    if evidence_file:
        values["evidence_file"] = evidence_file  # an answer without a new file keeps the old one
    record, _created = ChecklistAnswer.objects.update_or_create(
        plan=plan, item=item, defaults=values
    )
    plan.bankability_score = checklists.plan_score(plan)
    plan.save(update_fields=changed)
    return record


@transaction.atomic
def checklist_template_new_version(*, template: ChecklistTemplate, actor) -> ChecklistTemplate:
    """A copy of the template as the next version, not yet offered to plans.

    Curators edit the copy; plans already assessed keep pointing at the version they used.
    """
    if not is_curator(actor):
        raise NotAllowed(_("Only curators maintain checklists."))
    latest = ChecklistTemplate.objects.filter(name=template.name).aggregate(v=Max("version"))["v"]
    copy = ChecklistTemplate.objects.create(
        name=template.name,
        version=(latest or template.version) + 1,
        is_current=False,
        notes="",
    )
    items = list(
        ChecklistItem.objects.filter(dimension__template=template).order_by("dimension_id", "id")
    )
    for dimension in template.dimensions.order_by("position", "id"):
        new_dimension = ChecklistDimension.objects.create(
            template=copy, code=dimension.code, title=dimension.title, position=dimension.position
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                dimension=new_dimension,
                code=item.code,
                question=item.question,
                guidance=item.guidance,
                evidence_expected=item.evidence_expected,
                weight=item.weight,
                mandatory=item.mandatory,
                position=item.position,
            )
            for item in items
            if item.dimension_id == dimension.pk
        )
    return copy


@transaction.atomic
def checklist_template_make_current(*, template: ChecklistTemplate, actor) -> ChecklistTemplate:
    """Offer this version to new plans from now on; plans that have one keep theirs."""
    if not is_curator(actor):
        raise NotAllowed(_("Only curators maintain checklists."))
    if not ChecklistItem.objects.filter(dimension__template=template).exists():
        raise DomainError(_("A checklist without questions cannot be offered to plans."))
    # Lock every current row so two curators cannot both make a version current.
    list(ChecklistTemplate.objects.select_for_update().filter(is_current=True))
    ChecklistTemplate.objects.filter(is_current=True).exclude(pk=template.pk).update(
        is_current=False
    )
    template.is_current = True
    template.save(update_fields=["is_current"])
    return template
