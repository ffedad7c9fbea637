"""Read queries for Shape's pages and API, scoped to what each person may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from accounts.permissions import is_curator, is_investor
from shape import permissions
from shape.models import (
    PlanEvent,
    PlanStatus,
    PlanVersion,
    ProjectPlan,
    StakeholderInvitation,
)


def get_plan_for_user(user, pk, *, write: bool = False) -> ProjectPlan:
    """The plan if the user may see it (404 otherwise); with write=True, 403 if read-only."""
    plan = (
        ProjectPlan.objects.select_related("promoter", "organisation", "city", "checklist_template")
        .filter(pk=pk)
        .first()
    )
    if plan is None or not permissions.can_view_plan(user, plan):
        raise Http404
    if write and not permissions.can_edit_plan(user, plan):
        raise PermissionDenied
    return plan


def plans_visible_to(user) -> QuerySet[ProjectPlan]:
    """Every plan whose full content the user may read (pages, lists, API and exports)."""
    if not user.is_authenticated:
        return ProjectPlan.objects.none()
    if is_curator(user):
        return ProjectPlan.objects.all()
    stakeholder = StakeholderInvitation.objects.filter(
        plan=OuterRef("pk"), stakeholder=user, accepted_at__isnull=False, revoked_at__isnull=True
    )
    return ProjectPlan.objects.filter(
        Q(promoter=user)
        | Q(co_editors=user)
        | Exists(stakeholder)
        | Q(status=PlanStatus.BANKABLE, shares__investor=user)
    ).distinct()


def own_plans(*, user) -> QuerySet[ProjectPlan]:
    return (
        ProjectPlan.objects.filter(Q(promoter=user) | Q(co_editors=user))
        .distinct()
        .select_related("city")
        .order_by("-updated_at")
    )


def review_queue(*, user) -> QuerySet[ProjectPlan]:
    if not is_curator(user):
        return ProjectPlan.objects.none()
    waiting = [PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, PlanStatus.RESUBMITTED]
    return (
        ProjectPlan.objects.filter(status__in=waiting)
        .select_related("promoter", "organisation", "city")
        .order_by("submitted_at")
    )


# What a teaser shows of a plan (and needs to decide who may see it).
TEASER_FIELDS = ("title", "city", "stage", "funding_sought_eur", "bankability_score", "status")


def bankable_teasers(*, user) -> QuerySet[ProjectPlan]:
    """What investors see of bankable plans: enough to ask for more, not the plan itself."""
    if not (is_investor(user) or is_curator(user)):
        return ProjectPlan.objects.none()
    return (
        ProjectPlan.objects.filter(status=PlanStatus.BANKABLE)
        .select_related("city")
        .prefetch_related("areas", "instruments")
        .only(*TEASER_FIELDS)
        .order_by("-bankability_score", "-updated_at")
    )


def plan_detail(*, plan: ProjectPlan) -> ProjectPlan:
    """The plan (as get_plan_for_user loaded it) with everything its page shows prefetched."""
    prefetch_related_objects(
        [plan],
        "areas",
        "instruments",
        "solutions",
        "reference_projects",
        "co_editors",
        "impact_targets__indicator",
        "milestones",
        "risks",
        "attachments",
        Prefetch("events", queryset=PlanEvent.objects.select_related("actor")),
        Prefetch("versions", queryset=PlanVersion.objects.only("plan", "number", "created_at")),
    )
    return plan


def plan_versions(*, plan: ProjectPlan, first: int, second: int) -> tuple[PlanVersion, PlanVersion]:
    versions = {v.number: v for v in plan.versions.filter(number__in=[first, second])}
    if first not in versions or second not in versions:
        raise Http404
    return versions[first], versions[second]
