"""Who may see and do what with accounts, organisations and roles.

Every app asks these role questions here instead of reading flags itself.
"""

from accounts.models import Role


def is_member(user) -> bool:
    return user.is_authenticated and user.is_active and Role.MEMBER in user.roles


def is_promoter(user) -> bool:
    return is_member(user) and Role.PROMOTER in user.roles


def is_investor(user) -> bool:
    return is_member(user) and Role.INVESTOR in user.roles


def is_curator(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or Role.CURATOR in user.roles


def can_grant_role(actor, role: str, *, to) -> bool:
    """Members choose promoter and investor for themselves; only staff make curators."""
    if role == Role.CURATOR:
        return actor.is_authenticated and actor.is_active and actor.is_staff
    if actor == to:
        return actor.is_authenticated and role != Role.MEMBER
    return is_curator(actor)


def can_confirm_colleague(actor, person) -> bool:
    """A confirmed member of the same organisation, or a curator, vouches for a newcomer."""
    if is_curator(actor):
        return True
    return (
        actor.is_authenticated
        and actor.organisation_confirmed
        and actor.organisation_id is not None
        and actor.organisation_id == person.organisation_id
        and actor != person
    )


def can_view_member_details(viewer, person) -> bool:
    """Contact details of a person: themself, curators, and people who chose to be listed."""
    return viewer == person or is_curator(viewer) or person.listed_in_directories
