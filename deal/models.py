"""Investor profiles and the matches the scoring job computes between them and plans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from explore.models import Area
from marketplace.models import TimeStampedModel
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
