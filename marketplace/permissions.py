"""Helpers the apps' permissions modules share."""

from django.http import Http404


def require(allowed: bool, *, hide: bool = False) -> None:
    """Stop the request when `allowed` is false: 404 when the object must stay hidden."""
    from django.core.exceptions import PermissionDenied

    if allowed:
        return
    if hide:
        raise Http404
    raise PermissionDenied
