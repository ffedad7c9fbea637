from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator told the total up front, so it does not run a COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self):
        return self._known_count
