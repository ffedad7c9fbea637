from django.db.models import QuerySet

from explore.models import Area


def area_list() -> QuerySet[Area]:
    return Area.objects.all()


def areas_chosen_by(*, user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.areas_of_interest.values_list("pk", flat=True))
