"""Deal requests: one side asks the other about one plan; one function per transition.

Every transition locks the request row and reads its state after the lock, so two people
acting at the same moment (an accept and a withdrawal) get exactly one outcome: the first
wins, the second is told what happened instead.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import NotificationKind, Role, User
from accounts.services import notify
from deal import permissions
from deal.models import DealEvent, DealRequest, DealRoom, DeclineReason, InvestorProfile
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.models import Instrument, PlanStatus, ProjectPlan
from shape.permissions import can_view_teaser

MESSAGE_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000


def _duplicate() -> StateConflict:
    return StateConflict(
        _(
            "A request about this plan is already waiting for an answer between you and this "
            "investor. Open it from your requests instead of sending another."
        )
    )


@transaction.atomic
def request_send(
    *,
    actor,
    plan: ProjectPlan,
    profile: InvestorProfile,
    instrument: Instrument,
    amount_eur: int,
    message: str,
) -> DealRequest:
    """Ask for a one-to-one exchange: a plan's team asks a fund, or a fund's investor a team.

    The plan's team writes to the investor; an investor of the profile's organisation writes
    to the promoter. Field problems are raised with the field's name, so a form shows them.
    """
    direction = _direction(actor, plan, profile)
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what you would like to discuss."), field="message")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise DomainError(
            _("Keep the message under %(max)d characters.") % {"max": MESSAGE_MAX_LENGTH},
            field="message",
        )
    if plan.status != PlanStatus.BANKABLE:
        raise DomainError(_("Only bankable plans can be the subject of a request."), field="plan")
    if not profile.is_active:
        if direction == DealRequest.Direction.TO_PROMOTER:
            raise DomainError(
                _("Your organisation's investor profile is paused: resume it to send requests.")
            )
        raise DomainError(
            _("%(investor)s has paused its investor profile and takes no requests for now.")
            % {"investor": profile.organisation.name},
            field="profile",
        )
    _check_amount(profile, amount_eur)
    if not profile.instruments.filter(pk=instrument.pk).exists():
        offered = ", ".join(str(each) for each in profile.instruments.all())
        raise DomainError(
            _("%(investor)s does not offer this instrument. It offers: %(offered)s.")
            % {"investor": profile.organisation.name, "offered": offered or _("none")},
            field="instrument",
        )
    if DealRequest.objects.filter(
        plan=plan, profile=profile, status=DealRequest.Status.PENDING
    ).exists():
        raise _duplicate()
    deal_request = _create(
        plan=plan,
        profile=profile,
        direction=direction,
        sent_by=actor,
        message=message,
        instrument=instrument,
        amount_eur=amount_eur,
        respond_by=timezone.now() + timedelta(days=settings.DEAL_REQUEST_EXPIRY_DAYS),
    )
    DealEvent.objects.create(request=deal_request, actor=actor, kind=DealEvent.Kind.SENT)
    _notify_side(
        deal_request,
        _receiver_people(deal_request),
        format_lazy(
            gettext_lazy("New deal request about {plan}"),
            plan=plan.title,
        ),
        actor=actor,
        body=message,
    )
    return deal_request


def _direction(actor, plan, profile) -> str:
    if permissions.can_request_for_plan(actor, plan):
        if not permissions.profile_visible_for_plan(profile, plan):
            raise DomainError(_("Choose an investor from the list."), field="profile")
        return DealRequest.Direction.TO_INVESTOR
    if permissions.can_request_as_investor(actor, profile):
        if not can_view_teaser(actor, plan):
            raise DomainError(_("Choose a bankable plan you can see."), field="plan")
        return DealRequest.Direction.TO_PROMOTER
    raise NotAllowed(
        _("Only the plan's team, or confirmed investors of the fund, can send this request.")
    )


def _check_amount(profile, amount_eur) -> None:
    if amount_eur is None or not profile.ticket_min_eur <= amount_eur <= profile.ticket_max_eur:
        raise DomainError(
            _("%(investor)s invests from EUR %(min)s to EUR %(max)s per project.")
            % {
                "investor": profile.organisation.name,
                "min": f"{profile.ticket_min_eur:,}",
                "max": f"{profile.ticket_max_eur:,}",
            },
            field="amount_eur",
        )


def _create(**fields) -> DealRequest:
    # Two people sending at once both pass the check above; the partial unique constraint
    # lets one in and the savepoint keeps the transaction usable for the other's message.
    try:
        with transaction.atomic():
            return DealRequest.objects.create(**fields)
    except IntegrityError:
        if DealRequest.objects.filter(
            plan=fields["plan"], profile=fields["profile"], status=DealRequest.Status.PENDING
        ).exists():
            raise _duplicate() from None
        raise


def _locked(deal_request: DealRequest) -> DealRequest:
    """The request row, locked until the transaction ends, with its current state."""
    return (
        DealRequest.objects.select_for_update(of=("self",))
        .select_related("plan", "profile__organisation")
        .get(pk=deal_request.pk)
    )


def _still_pending(deal_request: DealRequest) -> None:
    if deal_request.status != DealRequest.Status.PENDING:
        raise StateConflict(
            _("This request was already %(status)s: nothing was changed.")
            % {"status": deal_request.get_status_display().lower()}
        )


@transaction.atomic
def request_accept(*, deal_request: DealRequest, actor) -> DealRoom:
    """The side the request went to says yes; a deal room opens for both."""
    deal_request = _locked(deal_request)
    _still_pending(deal_request)
    if not permissions.is_request_receiver_side(actor, deal_request):
        raise NotAllowed(_("Only the side this request was sent to can accept it."))
    _decide(deal_request, actor, DealRequest.Status.ACCEPTED)
    room = DealRoom.objects.create(request=deal_request)
    DealEvent.objects.create(request=deal_request, actor=actor, kind=DealEvent.Kind.ACCEPTED)
    _notify_side(
        deal_request,
        _sender_people(deal_request),
        format_lazy(
            gettext_lazy("Your deal request about {plan} was accepted"),
            plan=deal_request.plan.title,
        ),
        actor=actor,
        url=room_url(room),
        body=gettext_lazy("A deal room is open for both of you."),
    )
    return room


@transaction.atomic
def request_decline(
    *, deal_request: DealRequest, actor, reasons: list[str], note: str = ""
) -> DealRequest:
    """Say no with one or more reasons; each points the promoter at a part of the checklist."""
    reasons = list(dict.fromkeys(reasons or []))
    if not reasons:
        raise DomainError(_("Choose at least one reason."), field="reasons")
    unknown = [reason for reason in reasons if reason not in DeclineReason.values]
    if unknown:
        raise DomainError(
            _("Unknown reasons: %(reasons)s.") % {"reasons": ", ".join(unknown)}, field="reasons"
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(
            _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}, field="note"
        )
    deal_request = _locked(deal_request)
    _still_pending(deal_request)
    if not permissions.is_request_receiver_side(actor, deal_request):
        raise NotAllowed(_("Only the side this request was sent to can decline it."))
    deal_request.decline_reasons = reasons
    deal_request.decline_note = note
    _decide(deal_request, actor, DealRequest.Status.DECLINED, "decline_reasons", "decline_note")
    labels = ", ".join(str(DeclineReason(reason).label) for reason in reasons)
    DealEvent.objects.create(
        request=deal_request, actor=actor, kind=DealEvent.Kind.DECLINED, detail=labels[:300]
    )
    _notify_side(
        deal_request,
        _sender_people(deal_request),
        format_lazy(
            gettext_lazy("Your deal request about {plan} was declined"),
            plan=deal_request.plan.title,
        ),
        actor=actor,
        body=format_lazy(gettext_lazy("Reasons: {reasons}"), reasons=labels),
    )
    return deal_request


@transaction.atomic
def request_withdraw(*, deal_request: DealRequest, actor) -> DealRequest:
    """The sender's side takes the request back while it still waits for an answer."""
    deal_request = _locked(deal_request)
    _still_pending(deal_request)
    if not permissions.is_request_sender_side(actor, deal_request):
        raise NotAllowed(_("Only the side that sent this request can withdraw it."))
    _decide(deal_request, actor, DealRequest.Status.WITHDRAWN)
    DealEvent.objects.create(request=deal_request, actor=actor, kind=DealEvent.Kind.WITHDRAWN)
    _notify_side(
        deal_request,
        _receiver_people(deal_request),
        format_lazy(
            gettext_lazy("The deal request about {plan} was withdrawn"),
            plan=deal_request.plan.title,
        ),
        actor=actor,
    )
    return deal_request


def requests_expire(*, now=None) -> int:
    """Expire the pending requests whose answer time has passed; running it again is harmless.

    Each request is locked on its own (skipping one being answered right now: if it is still
    pending, the next run takes it), so a long backlog never holds many locks at once.
    """
    now = now or timezone.now()
    due = DealRequest.objects.filter(status=DealRequest.Status.PENDING, respond_by__lt=now)
    expired = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            deal_request = (
                DealRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("plan", "profile__organisation")
                .filter(pk=pk, status=DealRequest.Status.PENDING, respond_by__lt=now)
                .first()
            )
            if deal_request is None:
                continue
            _decide(deal_request, None, DealRequest.Status.EXPIRED, at=now)
            DealEvent.objects.create(request=deal_request, kind=DealEvent.Kind.EXPIRED)
            title = format_lazy(
                gettext_lazy("The deal request about {plan} expired without an answer"),
                plan=deal_request.plan.title,
            )
            people = [*_sender_people(deal_request), *_receiver_people(deal_request)]
            _notify_side(deal_request, people, title, actor=None)
            expired += 1
    return expired


def _decide(deal_request, actor, status, *fields, at=None) -> None:
    deal_request.status = status
    deal_request.decided_at = at or timezone.now()
    deal_request.decided_by = actor
    deal_request.save(update_fields=["status", "decided_at", "decided_by", "updated_at", *fields])


# --- Who hears about it ----------------------------------------------------------------------


def _team(deal_request) -> list:
    plan = deal_request.plan
    people = [plan.promoter, *plan.co_editors.all()]
    return [person for person in people if person.is_active]


def _fund(deal_request) -> list:
    return list(
        User.objects.filter(
            organisation_id=deal_request.profile.organisation_id,
            organisation_confirmed=True,
            is_active=True,
            role_grants__role=Role.INVESTOR,
        ).distinct()
    )


def _sender_people(deal_request) -> list:
    if deal_request.direction == DealRequest.Direction.TO_INVESTOR:
        return _team(deal_request)
    return _fund(deal_request)


def _receiver_people(deal_request) -> list:
    if deal_request.direction == DealRequest.Direction.TO_INVESTOR:
        return _fund(deal_request)
    return _team(deal_request)


def request_url(deal_request) -> str:
    return reverse("deal:request-detail", args=[deal_request.pk])


def room_url(room) -> str:
    # The rooms part serves this page; until it is mounted, the request page stands in.
    try:
        return reverse("deal:room-detail", args=[room.pk])
    except NoReverseMatch:
        return request_url(room.request)


def _notify_side(deal_request, people, title, *, actor, url="", body="") -> None:
    seen = set()
    for person in people:
        if person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        notify(
            recipient=person,
            kind=NotificationKind.DEAL_REQUEST,
            title=title,
            url=url or request_url(deal_request),
            body=body,
            actor=actor,
        )
