"""Project plans, their bankability checklists, stakeholder dialogue and review history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from explore.models import Area, City, Indicator, ReferenceProject, Solution
from marketplace.models import TimeStampedModel, UploadedFile

# Amounts above this are refused as absurd for a single city project (EUR 100 billion).
MAX_AMOUNT_EUR = 100_000_000_000


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    CONCEPT = "concept", _("Concept")
    PRE_FEASIBILITY = "pre_feasibility", _("Pre-feasibility")
    FEASIBILITY = "feasibility", _("Feasibility")
    PROCUREMENT_READY = "procurement_ready", _("Procurement-ready")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")


class Instrument(models.Model):
    """A kind of financing (grant, loan, …); reference data loaded by a migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("financing instrument")
        verbose_name_plural = _("financing instruments")

    def __str__(self):
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    BANKABLE = "bankable", _("Bankable")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChecklistTemplate(models.Model):
    """A versioned bankability checklist. A plan keeps the version it was assessed with."""

    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("offered to new plans"), default=False)
    notes = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="one_template_per_version"),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_template"
            ),
        ]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self):
        return f"{self.name} v{self.version}"


class ChecklistDimension(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=160)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="unique_dimension_code")
        ]

    def __str__(self):
        return self.title


class ChecklistItem(models.Model):
    dimension = models.ForeignKey(
        ChecklistDimension, on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=60)
    question = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    evidence_expected = models.TextField(_("evidence expected"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    mandatory = models.BooleanField(_("must be answered before submission"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_item_code")
        ]

    def __str__(self):
        return self.question


class ProjectPlan(TimeStampedModel):
    promoter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="promoted_plans",
        verbose_name=_("promoter"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plans", null=True, blank=True
    )
    co_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_edited_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="plans", verbose_name=_("areas"))
    summary = models.TextField(_("summary"), blank=True)
    problem = models.TextField(_("the problem"), blank=True)
    proposed_solution = models.TextField(_("the proposed solution"), blank=True)
    solutions = models.ManyToManyField(
        Solution, blank=True, related_name="plans", verbose_name=_("solutions it builds on")
    )
    reference_projects = models.ManyToManyField(
        ReferenceProject, blank=True, related_name="plans", verbose_name=_("reference projects")
    )
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, default=Stage.IDEA)
    total_investment_eur = models.PositiveBigIntegerField(
        _("total investment (EUR)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AMOUNT_EUR)],
    )
    funding_sought_eur = models.PositiveBigIntegerField(
        _("funding sought (EUR)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AMOUNT_EUR)],
    )
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="plans", verbose_name=_("financing instruments sought")
    )
    revenue_model = models.TextField(_("revenue model"), blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        db_index=True,
    )
    checklist_template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="plans", null=True, blank=True
    )
    # The checklist's overall score (0-100), kept by the services whenever an answer changes.
    bankability_score = models.PositiveSmallIntegerField(_("bankability score"), default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("project plan")
        verbose_name_plural = _("project plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_sought_eur__isnull=True)
                | Q(total_investment_eur__isnull=True)
                | Q(funding_sought_eur__lte=F("total_investment_eur")),
                name="plan_funding_within_investment",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="plan_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("shape:plan-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if (
            self.funding_sought_eur is not None
            and self.total_investment_eur is not None
            and self.funding_sought_eur > self.total_investment_eur
        ):
            errors["funding_sought_eur"] = _("Funding sought cannot exceed the total investment.")
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The plan cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class ImpactTarget(models.Model):
    """Expected impact: an Explore indicator's baseline and target for this plan."""

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="impact_targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    baseline_value = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_value = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"))

    class Meta:
        ordering = ["indicator__code"]

    def __str__(self):
        return f"{self.indicator.code}: {self.baseline_value} → {self.target_value}"

    def clean(self):
        if self.target_year and self.baseline_year and self.target_year < self.baseline_year:
            raise ValidationError({"target_year": _("The target cannot come before the baseline.")})


class Milestone(models.Model):
    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.title


class Risk(models.Model):
    class Level(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(_("risk"), max_length=300)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Level.choices)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices)
    mitigation = models.TextField(_("mitigation"), blank=True)

    class Meta:
        ordering = ["-impact", "-likelihood", "id"]

    def __str__(self):
        return self.description

    @property
    def severity(self) -> int:
        return self.likelihood * self.impact


class Attachment(UploadedFile):
    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="plans/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at"]


class ChecklistAnswer(models.Model):
    class Answer(models.TextChoices):
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        NOT_APPLICABLE = "na", _("Not applicable")

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "item"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.item.code}: {self.answer}"


class PlanVersion(models.Model):
    """A snapshot of the whole plan, taken at every submission."""

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_per_plan")
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class PlanEvent(models.Model):
    """The plan's history: every status change, who made it, when and why."""

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=24, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=PlanStatus.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.plan}: {self.from_status} → {self.to_status}"


class ReviewComment(models.Model):
    """A curator's remark on the plan as a whole or on one checklist item."""

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="review_comments")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.body[:60]


class StakeholderRole(models.TextChoices):
    CITY_OFFICIAL = "city_official", _("City official")
    UTILITY = "utility", _("Utility")
    CITIZEN_REPRESENTATIVE = "citizen_representative", _("Citizen representative")
    FINANCIER = "financier", _("Financier")
    EXPERT = "expert", _("Expert")
    OTHER = "other", _("Other")


class StakeholderInvitation(models.Model):
    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=32, choices=StakeholderRole.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    stakeholder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stakeholder_invitations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "email"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()}) on {self.plan}"


class DialogueThread(models.Model):
    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="threads")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("subject"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]

    def __str__(self):
        return self.title


class DialogueMessage(models.Model):
    thread = models.ForeignKey(DialogueThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:60]


class PlanShare(models.Model):
    """The promoter shows the full plan to one investor (Deal builds on this)."""

    plan = models.ForeignKey(ProjectPlan, on_delete=models.CASCADE, related_name="shares")
    investor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans_shared_with_me"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "investor"], name="one_share_per_investor")
        ]

    def __str__(self):
        return f"{self.plan} → {self.investor}"
