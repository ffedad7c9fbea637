"""The audit trail every clusters service leaves, and how it tells people about it."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify
from clusters.models import Decision
from marketplace.errors import DomainError


def decision_record(target, action: str, *, actor, reason: str = "") -> Decision:
    return Decision.objects.create(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=target.pk,
        action=action,
        actor=actor,
        reason=reason,
    )


def member_tell(*, recipient, title, url: str, actor=None, body="") -> None:
    """An in-site notification, e-mailed as the person chose (call inside the transaction)."""
    if recipient is None or recipient == actor:
        return
    notify(
        recipient=recipient,
        kind=NotificationKind.CLUSTER,
        title=title,
        url=url,
        body=body,
        actor=actor,
    )


def required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give a reason: it is recorded and shown to the person concerned."), field="reason"
        )
    return reason
