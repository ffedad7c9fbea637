"""Who may see and do what in Explore."""

from accounts.permissions import is_member


def can_choose_interests(user) -> bool:
    return is_member(user)
