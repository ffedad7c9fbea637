from django.db import transaction
from django.utils.translation import gettext as _

from explore import permissions
from explore.models import Area
from marketplace.errors import NotAllowed


@transaction.atomic
def interests_update(*, user, areas: list[Area]) -> None:
    if not permissions.can_choose_interests(user):
        raise NotAllowed(_("Only members choose areas of interest."))
    user.areas_of_interest.set(areas)
