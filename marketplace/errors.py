class DomainError(Exception):
    """A rule of the domain refused an action; views show it, the API answers 400."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StateConflict(DomainError):
    """The object is not in a state that allows the action; the API answers 409."""


class NotAllowed(DomainError):
    """The actor may see the object but not do this to it; the API answers 403."""
