"""The plan editor's steps and what each needs before the plan can be submitted."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]
    # Fields (or related lists) that must be filled before submission.
    required: tuple[str, ...]


STEPS = (
    Step(
        "basics",
        _("Basics"),
        ("title", "city", "areas", "summary"),
        ("title", "city", "areas", "summary"),
    ),
    Step(
        "solution",
        _("Problem and solution"),
        ("problem", "proposed_solution", "solutions", "reference_projects"),
        ("problem", "proposed_solution"),
    ),
    Step(
        "finance",
        _("Finance"),
        (
            "stage",
            "total_investment_eur",
            "funding_sought_eur",
            "instruments",
            "revenue_model",
            "planned_start",
            "planned_end",
        ),
        ("stage", "total_investment_eur", "funding_sought_eur", "instruments", "planned_start"),
    ),
    Step("impact", _("Expected impact"), (), ("impact_targets",)),
    Step("delivery", _("Milestones and risks"), (), ("milestones", "risks")),
    Step("documents", _("Documents"), (), ()),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}

RELATED = {
    "areas",
    "solutions",
    "reference_projects",
    "instruments",
    "impact_targets",
    "milestones",
    "risks",
}


def _is_filled(plan, name: str) -> bool:
    if name in RELATED:
        return len(getattr(plan, name).all()) > 0  # uses the page's prefetch when present
    value = getattr(plan, name)
    return value not in (None, "")


def missing_by_step(plan) -> dict[str, list[str]]:
    """For each step, the labels of required fields that are still empty."""
    from shape.models import ProjectPlan

    labels = {
        field.name: field.verbose_name
        for field in ProjectPlan._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    extra = {
        "impact_targets": _("at least one impact target"),
        "milestones": _("at least one milestone"),
        "risks": _("at least one risk"),
    }
    return {
        step.slug: [
            str(extra.get(name) or labels.get(name, name))
            for name in step.required
            if not _is_filled(plan, name)
        ]
        for step in STEPS
    }
