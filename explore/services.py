"""Every write in Explore: submissions, their moderation, and members' interests."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from explore import permissions
from explore.models import (
    Area,
    CostBand,
    ModerationRecord,
    PublicationStatus,
    Solution,
)
from marketplace import jobs
from marketplace.errors import DomainError, NotAllowed, StateConflict


def _fields_for(item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return item.EDITABLE_FIELDS, item.EDITABLE_RELATIONS


@transaction.atomic
def interests_update(*, user, areas: list[Area]) -> None:
    if not permissions.can_choose_interests(user):
        raise NotAllowed(_("Only members choose areas of interest."))
    user.areas_of_interest.set(areas)


def unique_slug(model, title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "item"
    candidate, counter = base, 2
    taken = model.objects.exclude(pk=exclude_pk).filter(slug__startswith=base)
    existing = set(taken.values_list("slug", flat=True))
    while candidate in existing:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def _apply(item, data: dict) -> None:
    fields, relations = _fields_for(item)
    for name in fields:
        if name in data:
            setattr(item, name, data[name])
    if isinstance(item, Solution):
        _derive_solution_fields(item)
    item.full_clean(exclude=["slug", "search_vector", *relations])


def _derive_solution_fields(solution: Solution) -> None:
    solution.cost_band = CostBand.for_amount(solution.cost_min_eur)
    provider = solution.provider
    solution.provider_kind = provider.kind if provider else ""
    solution.provider_country = provider.country if provider else ""


def _set_relations(item, data: dict) -> None:
    _fields, relations = _fields_for(item)
    for name in relations:
        if name not in data:
            continue
        if isinstance(item, Solution) and name == "areas":
            solution_areas_set(solution=item, areas=data[name])
        else:
            getattr(item, name).set(data[name])


def solution_areas_set(*, solution: Solution, areas) -> None:
    """File a solution under areas, keeping its one-column copy (`area_mask`) in step."""
    areas = list(areas)
    solution.areas.set(areas)
    mask = Area.mask_of(areas)
    if mask != solution.area_mask:
        solution.area_mask = mask
        Solution.objects.filter(pk=solution.pk).update(area_mask=mask)


def _record(item, action: str, actor, reason: str = "") -> ModerationRecord:
    return ModerationRecord.objects.create(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
        action=action,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def content_create(*, model, author, data: dict, submit: bool = False):
    """A member's new solution or knowledge item, saved as a draft (or submitted at once)."""
    if not permissions.can_submit_content(author):
        raise NotAllowed(_("Only members can contribute."))
    if model is Solution and not data.get("provider"):
        data = {**data, "provider": author.organisation}
    item = model(author=author, slug=unique_slug(model, data.get("title", "")))
    _apply(item, data)
    item.save()
    _set_relations(item, data)
    if submit:
        return content_submit(item=item, actor=author)
    return item


@transaction.atomic
def content_update(*, item, actor, data: dict, submit: bool = False):
    """Change an item. A published one keeps showing while its edit waits for review."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not permissions.can_edit_item(actor, item):
        raise NotAllowed(_("You may not edit this item."))
    if item.status == PublicationStatus.PUBLISHED and item.revision_of_id is None:
        return _revision_propose(item=item, actor=actor, data=data)
    if item.status == PublicationStatus.PENDING and not submit:
        item.status = PublicationStatus.DRAFT  # editing takes it out of the queue until resubmitted
    _apply(item, data)
    item.save()
    _set_relations(item, data)
    if submit and item.status == PublicationStatus.DRAFT:
        return content_submit(item=item, actor=actor)
    return item


def _revision_propose(*, item, actor, data: dict):
    model = type(item)
    revision = (
        model.objects.filter(revision_of=item).exclude(status=PublicationStatus.ARCHIVED).first()
    )
    if revision is None:
        # An archived earlier edit keeps its slug, so a later one may need a free variant.
        slug = unique_slug(model, f"{item.slug}-edit-{item.pk}")
        revision = model(revision_of=item, author=actor, slug=slug)
        _copy_content(source=item, target=revision)
    _apply(revision, data)
    revision.status = PublicationStatus.PENDING
    revision.save()
    _copy_relations(source=item, target=revision, data=data)
    _record(revision, ModerationRecord.Action.SUBMITTED, actor)
    return revision


def _copy_content(*, source, target) -> None:
    fields, _relations = _fields_for(source)
    for name in fields:
        setattr(target, name, getattr(source, name))
    if isinstance(source, Solution):
        _derive_solution_fields(target)


def _copy_relations(*, source, target, data: dict) -> None:
    _fields, relations = _fields_for(source)
    _set_relations(
        target,
        {
            name: data[name] if name in data else list(getattr(source, name).all())
            for name in relations
        },
    )


@transaction.atomic
def content_submit(*, item, actor):
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not permissions.can_edit_item(actor, item):
        raise NotAllowed(_("You may not submit this item."))
    if item.status != PublicationStatus.DRAFT:
        raise StateConflict(_("Only a draft can be submitted for review."))
    item.status = PublicationStatus.PENDING
    item.save(update_fields=["status", "updated_at"])
    _record(item, ModerationRecord.Action.SUBMITTED, actor)
    return item


@transaction.atomic
def content_publish(*, item, actor):
    """A curator approves a pending item; an approved edit replaces its published original."""
    item = _pending_for_decision(item, actor)
    if item.revision_of_id:
        original = type(item).objects.select_for_update().get(pk=item.revision_of_id)
        _copy_content(source=item, target=original)
        original.save()
        _copy_relations(source=item, target=original, data={})
        record = _record(original, ModerationRecord.Action.PUBLISHED, actor, _("Edit approved"))
        _notify_author(record, author=item.author)
        item.delete()
        return original
    item.status = PublicationStatus.PUBLISHED
    item.published_at = item.published_at or timezone.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    _notify_author(_record(item, ModerationRecord.Action.PUBLISHED, actor), author=item.author)
    return item


@transaction.atomic
def content_reject(*, item, actor, reason: str):
    """A curator sends a pending item back to its author as a draft, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why, so the author can improve it."), field="reason")
    item = _pending_for_decision(item, actor)
    item.status = PublicationStatus.DRAFT
    item.save(update_fields=["status", "updated_at"])
    _notify_author(
        _record(item, ModerationRecord.Action.REJECTED, actor, reason), author=item.author
    )
    return item


@transaction.atomic
def content_archive(*, item, actor, reason: str = ""):
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not permissions.can_edit_item(actor, item):
        raise NotAllowed(_("You may not archive this item."))
    if item.status == PublicationStatus.ARCHIVED:
        raise StateConflict(_("This item is archived already."))
    item.status = PublicationStatus.ARCHIVED
    item.save(update_fields=["status", "updated_at"])
    _record(item, ModerationRecord.Action.ARCHIVED, actor, reason)
    return item


def _pending_for_decision(item, actor):
    """Lock the item and check it still waits for a decision: two curators, one outcome."""
    if not permissions.can_moderate(actor):
        raise NotAllowed(_("Only curators decide on submissions."))
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.status != PublicationStatus.PENDING:
        raise StateConflict(_("This submission has been decided already."))
    return item


def _notify_author(record: ModerationRecord, *, author) -> None:
    if author is not None and author.email:
        jobs.enqueue("explore.tasks.send_moderation_decision", record.pk, author.pk)


def moderation_decision_send(*, record_id: int, author_id: int) -> None:
    record = ModerationRecord.objects.filter(pk=record_id).first()
    author = User.objects.filter(pk=author_id, is_active=True).first()
    if record is None or author is None or record.item is None:
        return
    context = {
        "record": record,
        "item": record.item,
        "author": author,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("explore/email/decision_subject.txt", context).strip()
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        message=render_to_string("explore/email/decision.txt", context),
        from_email=None,
        recipient_list=[author.email],
    )
