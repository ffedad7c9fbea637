"""Who may see and do what in Deal."""

from accounts.permissions import is_curator, is_investor


def can_keep_investor_profile(user, organisation) -> bool:
    """Confirmed investors of a financing organisation keep its profile."""
    return (
        is_investor(user)
        and user.organisation_confirmed
        and user.organisation_id == organisation.pk
        and organisation.is_financing
    )


def can_see_plans_for_investor(user, profile) -> bool:
    return is_curator(user) or (
        is_investor(user)
        and user.organisation_confirmed
        and user.organisation_id == profile.organisation_id
    )


def can_run_full_rescore(user) -> bool:
    return is_curator(user)
