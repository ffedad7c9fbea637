from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Organisation
from marketplace.models import TimeStampedModel

# Area bits live in a signed 64-bit column.
MAX_AREA_BIT = 62


class Area(models.Model):
    """A cross-cutting area; solutions, plans, investors and clusters are tagged with them."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # This area's bit in Solution.area_mask; fixed for the life of the area.
    bit = models.PositiveSmallIntegerField(
        unique=True, null=True, editable=False, validators=[MaxValueValidator(MAX_AREA_BIT)]
    )
    interested_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="areas_of_interest"
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.bit is None:
            self.bit = Area.first_free_bit()
        super().save(*args, **kwargs)

    @staticmethod
    def first_free_bit() -> int:
        taken = set(Area.objects.exclude(bit__isnull=True).values_list("bit", flat=True))
        free = next((bit for bit in range(MAX_AREA_BIT + 1) if bit not in taken), None)
        if free is None:
            raise ValidationError(
                _("There can be at most %(count)d areas.") % {"count": MAX_AREA_BIT + 1}
            )
        return free

    @staticmethod
    def mask_of(areas) -> int:
        mask = 0
        for area in areas:
            mask |= 1 << area.bit
        return mask


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("explore:tag-detail", args=[self.slug])


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    country = CountryField(_("country"), db_index=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("explore:city-detail", args=[self.slug])


class ReferenceProject(TimeStampedModel):
    """An implemented project, such as an EU lighthouse project, that others can learn from."""

    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    programme = models.CharField(_("programme"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    total_budget_eur = models.PositiveBigIntegerField(
        _("total budget (EUR)"), null=True, blank=True
    )
    eu_contribution_eur = models.PositiveBigIntegerField(
        _("EU contribution (EUR)"), null=True, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="projects", verbose_name=_("areas")
    )
    cities = models.ManyToManyField(
        City, through="ProjectCity", related_name="projects", verbose_name=_("cities")
    )
    solutions = models.ManyToManyField(
        "Solution", blank=True, related_name="projects", verbose_name=_("solutions used")
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("reference project")
        verbose_name_plural = _("reference projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="project_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(eu_contribution_eur__isnull=True)
                | Q(total_budget_eur__isnull=True)
                | Q(eu_contribution_eur__lte=models.F("total_budget_eur")),
                name="project_eu_share_within_budget",
            ),
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("explore:project-detail", args=[self.slug])

    def clean(self):
        if self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("A project cannot end before it starts.")})
        if (
            self.total_budget_eur is not None
            and self.eu_contribution_eur is not None
            and self.eu_contribution_eur > self.total_budget_eur
        ):
            raise ValidationError(
                {"eu_contribution_eur": _("The EU contribution cannot exceed the total budget.")}
            )


class ProjectCity(models.Model):
    class Role(models.TextChoices):
        LIGHTHOUSE = "lighthouse", _("Lighthouse city")
        FELLOW = "fellow", _("Fellow city")
        OBSERVER = "observer", _("Observer city")

    project = models.ForeignKey(
        ReferenceProject, on_delete=models.CASCADE, related_name="city_roles"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="project_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["role", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "city"], name="one_role_per_city_in_project")
        ]

    def __str__(self):
        return f"{self.city} ({self.get_role_display()}) in {self.project}"


class Maturity(models.TextChoices):
    IDEA = "idea", _("Idea")
    PILOT = "pilot", _("Pilot")
    DEMONSTRATED = "demonstrated", _("Demonstrated")
    AT_SCALE = "at_scale", _("Deployed at scale")


class CostBand(models.TextChoices):
    """Facet buckets for the typical cost, derived from its lower bound."""

    UNDER_50K = "under_50k", _("Under €50,000")
    FROM_50K = "50k_250k", _("€50,000 – €250,000")
    FROM_250K = "250k_1m", _("€250,000 – €1 million")
    FROM_1M = "1m_5m", _("€1 – €5 million")
    OVER_5M = "over_5m", _("Over €5 million")
    UNKNOWN = "unknown", _("Not stated")

    @classmethod
    def for_amount(cls, euros: int | None) -> "CostBand":
        if euros is None:
            return cls.UNKNOWN
        for limit, band in (
            (50_000, cls.UNDER_50K),
            (250_000, cls.FROM_50K),
            (1_000_000, cls.FROM_250K),
            (5_000_000, cls.FROM_1M),
        ):
            if euros < limit:
                return band
        return cls.OVER_5M


class ModeratedContent(TimeStampedModel):
    """What members submit: it is published only after a curator's review.

    An edit to a published item is a separate row pointing at it (`revision_of`), so the
    published version stays up until the edit is approved and copied over.
    """

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="+", verbose_name=_("areas"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # Kept current by a database trigger on PostgreSQL (see the migration); unused elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class Solution(ModeratedContent):
    # What a member's edit may change (explore.services) and a curator compares (selectors).
    EDITABLE_FIELDS = (
        "title",
        "summary",
        "body",
        "provider",
        "maturity",
        "cost_min_eur",
        "cost_max_eur",
        "replication_notes",
        "contact_name",
        "contact_email",
        "image",
    )
    EDITABLE_RELATIONS = ("areas", "tags", "cities")

    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="solutions", verbose_name=_("areas")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="solutions", verbose_name=_("tags"))
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solutions",
        verbose_name=_("provider"),
    )
    # Copied from the provider so facets count one table (kept in step by the services).
    provider_kind = models.CharField(max_length=32, blank=True, db_index=True)
    provider_country = CountryField(blank=True, db_index=True)
    maturity = models.CharField(
        _("maturity"), max_length=16, choices=Maturity.choices, db_index=True
    )
    cost_min_eur = models.PositiveBigIntegerField(
        _("typical cost from (EUR)"), null=True, blank=True
    )
    cost_max_eur = models.PositiveBigIntegerField(
        _("typical cost up to (EUR)"), null=True, blank=True
    )
    cost_band = models.CharField(
        max_length=16, choices=CostBand.choices, default=CostBand.UNKNOWN, db_index=True
    )
    # The areas again, one bit each (Area.bit): facets and area filters read one column
    # instead of joining the through table. Kept in step by services.solution_areas_set.
    area_mask = models.BigIntegerField(default=0, editable=False)
    cities = models.ManyToManyField(
        City, blank=True, related_name="solutions", verbose_name=_("deployed in")
    )
    replication_notes = models.TextField(_("replication notes"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    image = models.ImageField(_("image"), upload_to="solutions/%Y/", blank=True)
    revision_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="solution_listing"),
            models.Index(fields=["status", "title"], name="solution_by_title"),
            # Facet counts over the whole catalogue read this index alone.
            models.Index(
                fields=["maturity", "provider_kind", "provider_country", "cost_band", "area_mask"],
                condition=Q(status="published", revision_of__isnull=True),
                name="solution_facets_published",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_max_eur__isnull=True)
                | Q(cost_min_eur__isnull=True)
                | Q(cost_max_eur__gte=models.F("cost_min_eur")),
                name="solution_cost_range_ordered",
            ),
        ]

    def get_absolute_url(self):
        return reverse("explore:solution-detail", args=[self.slug])

    @property
    def maturity_label(self) -> str:
        """What get_maturity_display() gives, without rebuilding the choices: a list page
        shows it on each of its cards."""
        try:
            return Maturity(self.maturity).label
        except ValueError:
            return self.maturity

    def clean(self):
        if (
            self.cost_min_eur is not None
            and self.cost_max_eur is not None
            and self.cost_max_eur < self.cost_min_eur
        ):
            raise ValidationError(
                {"cost_max_eur": _("The upper cost cannot be below the lower cost.")}
            )


class SolutionSearchEntry(models.Model):
    """A published solution's searchable part: its vector and facet columns, and no more.

    A common word matches most of the catalogue; ranking and counting those rows here reads
    a small fraction of what the wide solution rows would cost. On PostgreSQL a trigger on
    the solution table keeps it current (migration 0006); elsewhere it stays empty and
    search reads Solution itself.
    """

    solution = models.OneToOneField(
        Solution,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the trigger removes the row with its solution
        db_constraint=False,
        related_name="+",
    )
    search_vector = SearchVectorField(null=True)
    # The title's words alone: a one-word search ranks every title match first.
    title_vector = SearchVectorField(null=True)
    # One token per facet value ("maturity=pilot", "area=3"), indexed like the words, so
    # that an index scan leaves out the rows that fail the facet choices (migration 0008).
    facet_vector = SearchVectorField(null=True)
    title = models.CharField(max_length=200)
    maturity = models.CharField(max_length=16)
    provider_kind = models.CharField(max_length=32, blank=True)
    provider_country = models.CharField(max_length=2, blank=True)
    cost_band = models.CharField(max_length=16)
    area_mask = models.BigIntegerField(default=0)
    published_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["-published_at", "-solution"], name="solution_search_newest"),
            models.Index(fields=["title", "solution"], name="solution_search_title"),
        ]

    def __str__(self):
        return self.title


class CatalogueVersion(models.Model):
    """One row whose number changes whenever the published catalogue changes.

    Cached counts are filed under this number, so a change makes them unreachable at once.
    The PostgreSQL trigger that keeps SolutionSearchEntry sets it from a sequence, so a
    number is never handed out twice, not even after a rollback. Without the row (other
    databases, or a flushed test database) nothing is cached.
    """

    version = models.BigIntegerField()

    def __str__(self):
        return str(self.version)


def events_on_at(moment) -> Q:
    """Events not over at `moment`: ending then or later; without an end, starting then or
    later (such an event is over once its start has passed)."""
    return Q(event_end__gte=moment) | Q(event_end__isnull=True, event_start__gte=moment)


class KnowledgeItem(ModeratedContent):
    EDITABLE_FIELDS = (
        "title",
        "summary",
        "body",
        "kind",
        "source_url",
        "event_start",
        "event_end",
        "event_place",
        "event_online_url",
    )
    EDITABLE_RELATIONS = ("areas",)

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        INSIGHT = "insight", _("Insight")
        STORY = "story", _("Story")
        GUIDANCE = "guidance", _("Guidance")
        EVENT = "event", _("Event")

    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="knowledge_items", verbose_name=_("areas")
    )
    source_url = models.URLField(_("source link"), blank=True)
    event_start = models.DateTimeField(_("starts"), null=True, blank=True)
    event_end = models.DateTimeField(_("ends"), null=True, blank=True)
    event_place = models.CharField(_("place"), max_length=200, blank=True)
    event_online_url = models.URLField(_("online link"), blank=True)
    revision_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        indexes = [
            models.Index(fields=["status", "kind", "-published_at"], name="knowledge_listing")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_end__isnull=True)
                | Q(event_start__isnull=True)
                | Q(event_end__gte=models.F("event_start")),
                name="event_ends_after_it_starts",
            ),
        ]

    def get_absolute_url(self):
        return reverse("explore:knowledge-detail", args=[self.slug])

    @property
    def event_is_over(self) -> bool:
        """An event whose end (or, without one, whose start) has passed."""
        if self.kind != self.Kind.EVENT or self.event_start is None:
            return False
        return (self.event_end or self.event_start) < timezone.now()

    def clean(self):
        errors = {}
        if self.kind == self.Kind.EVENT:
            if not self.event_start:
                errors["event_start"] = _("An event needs a start.")
            if not (self.event_place or self.event_online_url):
                errors["event_place"] = _("Give a place or an online link for the event.")
        if self.event_start and self.event_end and self.event_end < self.event_start:
            errors["event_end"] = _("An event cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    code = models.CharField(_("code"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("area")
    )
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("explore:indicator-detail", args=[self.slug])


class Measurement(models.Model):
    """One indicator followed for one city, project or country: baseline, target, actuals."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements"
    )
    project = models.ForeignKey(
        ReferenceProject,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
    )
    country = CountryField(_("country (national figure)"), blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_value = models.DecimalField(
        _("target"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["indicator__code", "baseline_year"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(city__isnull=False, project__isnull=True, country="")
                    | Q(city__isnull=True, project__isnull=False, country="")
                    | (Q(city__isnull=True, project__isnull=True) & ~Q(country=""))
                ),
                name="measurement_has_exactly_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.subject}"

    @property
    def subject(self):
        return self.city or self.project or self.country.name

    def clean(self):
        subjects = [bool(self.city_id), bool(self.project_id), bool(self.country)]
        if sum(subjects) != 1:
            raise ValidationError(_("Measure exactly one city, project or country."))
        if self.target_year and self.target_year < self.baseline_year:
            raise ValidationError({"target_year": _("The target cannot come before the baseline.")})


class ActualValue(models.Model):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["measurement", "year"], name="one_actual_per_year")
        ]

    def __str__(self):
        return f"{self.year}: {self.value}"


class ModerationRecordQuerySet(models.QuerySet):
    def about(self, item):
        """The records of one solution or knowledge item."""
        kind = ContentType.objects.get_for_model(item, for_concrete_model=True)
        return self.filter(content_type=kind, object_id=item.pk)


class ModerationRecord(models.Model):
    """Who decided what about a submission, when and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ModerationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("moderation record")
        verbose_name_plural = _("moderation records")

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"
