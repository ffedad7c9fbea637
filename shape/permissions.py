"""Who may see and do what with project plans.

Drafts and everything under review are seen by the promoter, co-editors, invited
stakeholders and curators only. Bankable plans show a teaser to investors; the full plan
only to investors the promoter shared it with.
"""

from accounts.permissions import is_curator, is_investor, is_promoter
from shape.models import PlanStatus

EDITABLE_STATUSES = {PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED}
UNDER_REVIEW = {PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, PlanStatus.RESUBMITTED}


def is_plan_editor(user, plan) -> bool:
    """The promoter who owns the plan, or a co-editor they added."""
    if not user.is_authenticated:
        return False
    if plan.promoter_id == user.pk:
        return True
    # Iterating .all() reuses a prefetched list, so pages asking several questions about
    # one plan do not query the co-editors each time.
    return any(co_editor.pk == user.pk for co_editor in plan.co_editors.all())


def is_plan_stakeholder(user, plan) -> bool:
    if not user.is_authenticated:
        return False
    return plan.invitations.filter(
        stakeholder=user, accepted_at__isnull=False, revoked_at__isnull=True
    ).exists()


def has_plan_shared(user, plan) -> bool:
    return user.is_authenticated and plan.shares.filter(investor=user).exists()


def can_view_plan(user, plan) -> bool:
    """The full plan: its team, its stakeholders, curators, and investors it was shared with."""
    return (
        is_curator(user)
        or is_plan_editor(user, plan)
        or is_plan_stakeholder(user, plan)
        or (plan.status == PlanStatus.BANKABLE and has_plan_shared(user, plan))
    )


def can_view_teaser(user, plan) -> bool:
    return plan.status == PlanStatus.BANKABLE and (is_investor(user) or can_view_plan(user, plan))


def can_create_plan(user) -> bool:
    return is_promoter(user)


def can_edit_plan(user, plan) -> bool:
    return plan.status in EDITABLE_STATUSES and is_plan_editor(user, plan)


def can_submit_plan(user, plan) -> bool:
    return is_plan_editor(user, plan)


def can_withdraw_plan(user, plan) -> bool:
    return plan.promoter_id == user.pk


def can_review_plan(user, plan) -> bool:
    return is_curator(user)


def can_invite_stakeholders(user, plan) -> bool:
    return is_plan_editor(user, plan) and plan.status != PlanStatus.WITHDRAWN


def can_discuss_plan(user, plan) -> bool:
    return is_curator(user) or is_plan_editor(user, plan) or is_plan_stakeholder(user, plan)


def can_share_plan(user, plan) -> bool:
    return plan.promoter_id == user.pk and plan.status == PlanStatus.BANKABLE


def can_resolve_thread(user, thread) -> bool:
    """Whoever started the thread, the plan's editors and curators close and reopen it."""
    plan = thread.plan
    if not can_discuss_plan(user, plan):
        return False
    return thread.started_by_id == user.pk or is_curator(user) or is_plan_editor(user, plan)
