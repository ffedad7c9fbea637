"""Scoring a plan's bankability checklist.

The scoring functions are pure: they take the template's items (each with its dimension,
weight and mandatory flag) and the plan's answers as a mapping `item id → answer`, and
write nothing. Credit per answer: met 1, partly ½, not met 0; "not applicable" leaves the
item out of both the points earned and the points possible; an item without an answer
counts as not met. Scores are integers 0-100, rounded half up from exact fractions, so the
same answers always give the same score on every machine.

`checklist_items`, `plan_answers` and `missing_mandatory` read the database for callers
(pages, the submit service) that start from a plan.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from shape.models import ChecklistAnswer, ChecklistItem

Answer = ChecklistAnswer.Answer

CREDIT = {Answer.MET: Fraction(1), Answer.PARTLY: Fraction(1, 2), Answer.NOT_MET: Fraction(0)}


class Readiness(models.TextChoices):
    NOT_READY = "not_ready", _("Not ready")
    EMERGING = "emerging", _("Emerging")
    ADVANCED = "advanced", _("Advanced")
    INVESTMENT_READY = "investment_ready", _("Investment-ready")


# The lowest overall score of each level, highest first.
READINESS_THRESHOLDS = (
    (85, Readiness.INVESTMENT_READY),
    (70, Readiness.ADVANCED),
    (40, Readiness.EMERGING),
    (0, Readiness.NOT_READY),
)


def readiness_for(score: int) -> Readiness:
    for lowest, level in READINESS_THRESHOLDS:
        if score >= lowest:
            return level
    return Readiness.NOT_READY


def percent(earned: Fraction, possible: Fraction) -> int:
    """`earned / possible` as a whole percentage, halves rounded up; 0 when nothing counts."""
    if possible <= 0:
        return 0
    exact = Fraction(earned) * 100 / Fraction(possible)
    return int(exact + Fraction(1, 2))  # floor(x + ½): no banker's rounding, no floats


@dataclass(frozen=True)
class DimensionScore:
    dimension: object  # a ChecklistDimension
    score: int | None  # None when every item is "not applicable"
    answered: int
    items: int

    @property
    def applicable(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class Gap:
    """An item that still holds the score back, and what would close it."""

    item: object  # a ChecklistItem
    answer: str | None  # None when unanswered

    @property
    def dimension(self):
        return self.item.dimension

    @property
    def status_label(self) -> str:
        return Answer(self.answer).label if self.answer else _("Not answered")

    @property
    def next_step(self) -> str:
        return self.item.guidance

    @property
    def evidence_expected(self) -> str:
        return self.item.evidence_expected


@dataclass(frozen=True)
class Assessment:
    overall: int
    readiness: Readiness
    dimensions: list[DimensionScore]
    gaps: list[Gap]
    answered: int
    items: int

    @property
    def readiness_label(self) -> str:
        return self.readiness.label


def _dimension_key(dimension) -> tuple:
    return (dimension.position, dimension.pk or 0)


def _points(items: Iterable, answers: Mapping[int, str]) -> tuple[Fraction, Fraction]:
    earned = possible = Fraction(0)
    for item in items:
        answer = answers.get(item.pk)
        if answer == Answer.NOT_APPLICABLE:
            continue
        possible += item.weight
        earned += item.weight * CREDIT.get(answer, Fraction(0))
    return earned, possible


def overall_score(items: Iterable, answers: Mapping[int, str]) -> int:
    return percent(*_points(items, answers))


def assess(items: Iterable, answers: Mapping[int, str]) -> Assessment:
    """Scores per dimension and overall, the readiness level and the gap list."""
    items = list(items)
    by_dimension: dict[object, list] = {}
    for item in items:
        by_dimension.setdefault(item.dimension_id, []).append(item)

    dimensions = []
    for dimension_items in sorted(
        by_dimension.values(), key=lambda group: _dimension_key(group[0].dimension)
    ):
        earned, possible = _points(dimension_items, answers)
        dimensions.append(
            DimensionScore(
                dimension=dimension_items[0].dimension,
                score=percent(earned, possible) if possible else None,
                answered=sum(1 for item in dimension_items if item.pk in answers),
                items=len(dimension_items),
            )
        )

    overall = overall_score(items, answers)
    return Assessment(
        overall=overall,
        readiness=readiness_for(overall),
        dimensions=dimensions,
        gaps=gaps(items, answers),
        answered=sum(1 for item in items if item.pk in answers),
        items=len(items),
    )


def gaps(items: Iterable, answers: Mapping[int, str]) -> list[Gap]:
    """Every item not fully met (unanswered counts), heaviest first, then checklist order."""
    open_items = [
        item for item in items if answers.get(item.pk) not in (Answer.MET, Answer.NOT_APPLICABLE)
    ]
    open_items.sort(
        key=lambda item: (-item.weight, *_dimension_key(item.dimension), item.position, item.pk)
    )
    return [Gap(item=item, answer=answers.get(item.pk)) for item in open_items]


def unanswered_mandatory(items: Iterable, answers: Mapping[int, str]) -> list:
    """Mandatory items without any answer ("not applicable" is an answer), in checklist order."""
    return [item for item in items if item.mandatory and item.pk not in answers]


# --- Loading from the database ---------------------------------------------------------------


def checklist_items(template_id: int | None) -> list[ChecklistItem]:
    """The template's items with their dimensions, in checklist order (one query)."""
    if template_id is None:
        return []
    return list(
        ChecklistItem.objects.filter(dimension__template_id=template_id)
        .select_related("dimension")
        .order_by("dimension__position", "dimension_id", "position", "id")
    )


def plan_answers(plan) -> dict[int, str]:
    return dict(plan.answers.values_list("item_id", "answer"))


def plan_score(plan) -> int:
    """The overall score of the plan's answers against its own template version."""
    return overall_score(checklist_items(plan.checklist_template_id), plan_answers(plan))


def missing_mandatory(plan) -> list[ChecklistItem]:
    """Mandatory items of the plan's checklist still unanswered; the submit service lists them."""
    return unanswered_mandatory(checklist_items(plan.checklist_template_id), plan_answers(plan))
