"""Investor profiles and the matches the scoring job computes between them and plans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from explore.models import Area
from marketplace.models import TimeStampedModel, UploadedFile
from shape.models import MAX_AMOUNT_EUR, Instrument, ProjectPlan, Stage


class InvestorKind(models.TextChoices):
    COMMERCIAL_BANK = "commercial_bank", _("Commercial bank")
    PUBLIC_FINANCE = "public_finance", _("Public finance institution")
    NATIONAL_PROMOTIONAL_BANK = "national_promotional_bank", _("National promotional bank")
    INFRASTRUCTURE_FUND = "infrastructure_fund", _("Infrastructure fund")
    IMPACT_INVESTOR = "impact_investor", _("Impact investor")
    VENTURE_CAPITAL = "venture_capital", _("Venture capital")
    BUSINESS_ANGELS = "business_angels", _("Business angels")
    CROWDFUNDING = "crowdfunding", _("Crowdfunding platform")
    ESCO = "esco", _("Energy service company")


class InvestorProfile(TimeStampedModel):
    """What one financing organisation finances; one profile per organisation."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("All members")
        MATCHED = "matched", _("Only promoters of matched plans")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="investor_profile"
    )
    kind = models.CharField(_("type"), max_length=32, choices=InvestorKind.choices)
    ticket_min_eur = models.PositiveBigIntegerField(
        _("smallest ticket (EUR)"), validators=[MaxValueValidator(MAX_AMOUNT_EUR)]
    )
    ticket_max_eur = models.PositiveBigIntegerField(
        _("largest ticket (EUR)"), validators=[MaxValueValidator(MAX_AMOUNT_EUR)]
    )
    instruments = models.ManyToManyField(Instrument, related_name="investor_profiles")
    areas = models.ManyToManyField(Area, related_name="investor_profiles")
    eu_wide = models.BooleanField(_("invests anywhere in the EU"), default=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    stages = models.JSONField(_("project stages"), default=list)
    min_bankability = models.PositiveSmallIntegerField(
        _("minimum bankability score"), default=0, validators=[MaxValueValidator(100)]
    )
    exclusions = models.TextField(_("what we never finance"), blank=True)
    visibility = models.CharField(
        _("who sees this profile"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    is_active = models.BooleanField(_("active (paused profiles get no matches)"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("investor profile")
        verbose_name_plural = _("investor profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket_max_eur__gte=F("ticket_min_eur")),
                name="ticket_range_ordered",
            )
        ]

    def __str__(self):
        return str(self.organisation)

    def clean(self):
        errors = {}
        if (
            self.ticket_min_eur is not None
            and self.ticket_max_eur is not None
            and self.ticket_max_eur < self.ticket_min_eur
        ):
            errors["ticket_max_eur"] = _("The largest ticket cannot be below the smallest.")
        unknown = set(self.stages) - set(Stage.values)
        if unknown:
            errors["stages"] = _("Unknown stages: %(stages)s") % {"stages": ", ".join(unknown)}
        if not self.eu_wide and not self.countries:
            errors["countries"] = _("Choose the countries you invest in, or the whole EU.")
        if errors:
            raise ValidationError(errors)


class Match(models.Model):
    """One plan scored against one investor profile, with the parts of its score."""

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="matches")
    profile = models.ForeignKey(InvestorProfile, on_delete=models.CASCADE, related_name="matches")
    score = models.DecimalField(max_digits=4, decimal_places=1)
    parts = models.JSONField()
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "profile"], name="one_match_per_pair")
        ]
        indexes = [
            models.Index(fields=["profile", "-score"], name="matches_for_investor"),
            models.Index(fields=["plan", "-score"], name="matches_for_plan"),
        ]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self):
        return f"{self.plan} ↔ {self.profile}: {self.score}"


class MatchDecision(models.Model):
    """An investor saved or dismissed a plan; a dismissal lasts until the plan changes."""

    class Decision(models.TextChoices):
        SAVED = "saved", _("Saved")
        DISMISSED = "dismissed", _("Dismissed")

    profile = models.ForeignKey(InvestorProfile, on_delete=models.CASCADE, related_name="decisions")
    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    plan_updated_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "plan"], name="one_decision_per_plan")
        ]

    def __str__(self):
        return f"{self.profile}: {self.decision} {self.plan}"


class DeclineReason(models.TextChoices):
    """Why an investor says no; each reason points the promoter at a checklist dimension."""

    STRATEGIC_FIT = "strategic_fit", _("Weak link to an adopted city strategy")
    SCOPE = "scope", _("Scope or outputs not defined clearly enough")
    TECHNICAL = "technical", _("Technology not mature enough")
    PERMITS = "permits", _("Permits, land or legal questions open")
    REVENUES = "revenues", _("Business model or revenues not convincing")
    FINANCIAL = "financial", _("Financial model or structure does not work for us")
    CAPACITY = "capacity", _("Promoter capacity to deliver not shown")
    RISKS = "risks", _("Risks not identified or mitigated")
    IMPACT = "impact", _("Environmental or social impact not shown")
    PROCUREMENT = "procurement", _("Procurement plan missing or unclear")
    MONITORING = "monitoring", _("No baseline or monitoring of results")
    OUTSIDE_MANDATE = "outside_mandate", _("Outside our mandate (size, place or sector)")


# The checklist dimension (by code, see shape's checklist template) each reason maps to;
# a reason with no dimension is about the investor, not a gap in the plan.
DECLINE_REASON_DIMENSIONS = {
    DeclineReason.STRATEGIC_FIT: "strategic-fit",
    DeclineReason.SCOPE: "scope-outputs",
    DeclineReason.TECHNICAL: "technical-maturity",
    DeclineReason.PERMITS: "legal-permits",
    DeclineReason.REVENUES: "business-model",
    DeclineReason.FINANCIAL: "financial-model",
    DeclineReason.CAPACITY: "promoter-capacity",
    DeclineReason.RISKS: "risks",
    DeclineReason.IMPACT: "environmental-social",
    DeclineReason.PROCUREMENT: "procurement",
    DeclineReason.MONITORING: "kpis-monitoring",
    DeclineReason.OUTSIDE_MANDATE: None,
}


class DealRequest(TimeStampedModel):
    """One side asks the other for a one-to-one exchange about one plan."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Direction(models.TextChoices):
        TO_INVESTOR = "to_investor", _("Promoter to investor")
        TO_PROMOTER = "to_promoter", _("Investor to promoter")

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="deal_requests")
    profile = models.ForeignKey(
        InvestorProfile, on_delete=models.CASCADE, related_name="deal_requests"
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deal_requests_sent"
    )
    message = models.TextField(_("message"))
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("instrument")
    )
    amount_eur = models.PositiveBigIntegerField(
        _("amount of interest (EUR)"), validators=[MaxValueValidator(MAX_AMOUNT_EUR)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    respond_by = models.DateTimeField(_("answer expected by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    decline_note = models.TextField(_("note to the promoter"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "profile"],
                condition=Q(status="pending"),
                name="one_pending_request_per_pair",
            )
        ]
        indexes = [
            models.Index(fields=["profile", "status", "respond_by"], name="investor_inbox"),
            models.Index(fields=["status", "respond_by"], name="requests_due"),
        ]
        verbose_name = _("deal request")
        verbose_name_plural = _("deal requests")

    def __str__(self):
        return f"{self.plan} → {self.profile} ({self.status})"


class DealRoom(TimeStampedModel):
    """The private space an accepted request opens for the two parties and curators."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("In discussion")
        CLOSED = "closed", _("Deal closed")
        NOT_PURSUED = "not_pursued", _("Not pursued")

    request = models.OneToOneField(DealRequest, on_delete=models.CASCADE, related_name="room")
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN
    )
    closed_amount_eur = models.PositiveBigIntegerField(
        _("amount (EUR)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT_EUR)]
    )
    closed_instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instrument"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    not_pursued_reason = models.TextField(_("why it was not pursued"), blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal room")
        verbose_name_plural = _("deal rooms")

    def __str__(self):
        return str(self.request)


class RoomMessage(models.Model):
    room = models.ForeignKey(DealRoom, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("deal room message")
        verbose_name_plural = _("deal room messages")

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


class RoomDocument(UploadedFile):
    room = models.ForeignKey(DealRoom, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="deal-rooms/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("deal room document")
        verbose_name_plural = _("deal room documents")


class MeetingProposal(models.Model):
    """One side offers time slots; the other side picks one."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a choice")
        AGREED = "agreed", _("Agreed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    room = models.ForeignKey(DealRoom, on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    place = models.CharField(_("place or call link"), max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    chosen_slot = models.ForeignKey(
        "MeetingSlot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("meeting proposal")
        verbose_name_plural = _("meeting proposals")

    def __str__(self):
        return self.subject


class MeetingSlot(models.Model):
    proposal = models.ForeignKey(MeetingProposal, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=60, validators=[MaxValueValidator(8 * 60)]
    )

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} ({self.duration_minutes} min)"


class DealEvent(models.Model):
    """One step on the shared timeline of a request and its room."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Request sent")
        ACCEPTED = "accepted", _("Request accepted")
        DECLINED = "declined", _("Request declined")
        WITHDRAWN = "withdrawn", _("Request withdrawn")
        EXPIRED = "expired", _("Request expired")
        MESSAGE = "message", _("Message posted")
        DOCUMENT = "document", _("Document shared")
        MEETING_PROPOSED = "meeting_proposed", _("Meeting proposed")
        MEETING_AGREED = "meeting_agreed", _("Meeting agreed")
        MEETING_WITHDRAWN = "meeting_withdrawn", _("Meeting proposal withdrawn")
        CLOSED = "closed", _("Deal closed")
        NOT_PURSUED = "not_pursued", _("Not pursued")

    request = models.ForeignKey(DealRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")

    def __str__(self):
        return f"{self.request_id}: {self.kind}"
