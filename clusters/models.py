"""Action clusters, their initiatives, who belongs to them and what they share.

A cluster or an initiative is a "group": memberships, discussions and documents belong
to exactly one of the two (a check constraint holds it), so one set of services and
permissions serves both.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from explore.models import Area, KnowledgeItem, ReferenceProject, Solution
from marketplace.models import TimeStampedModel, UploadedFile
from shape.models import ProjectPlan

ONE_GROUP = Q(cluster__isnull=False, initiative__isnull=True) | Q(
    cluster__isnull=True, initiative__isnull=False
)


class Decided(models.Model):
    """Who decided, when and why: the audit fields of every request a coordinator or curator
    answers."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        abstract = True


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Anyone may join")
    APPROVAL = "approval", _("A coordinator approves each request")


class ActionCluster(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="clusters", verbose_name=_("areas")
    )
    join_policy = models.CharField(
        _("joining"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # News and events shown on the page; explore may not import clusters, so the link is here.
    knowledge_items = models.ManyToManyField(
        KnowledgeItem,
        blank=True,
        related_name="tagged_clusters",
        verbose_name=_("news and events"),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("action cluster")
        verbose_name_plural = _("action clusters")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:cluster-detail", args=[self.slug])


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


class Initiative(Decided, TimeStampedModel):
    lead_cluster = models.ForeignKey(
        ActionCluster,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("lead cluster"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_initiatives",
        verbose_name=_("lead organisation"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.PROPOSED,
        db_index=True,
    )
    join_policy = models.CharField(
        _("joining"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    featured = models.BooleanField(_("featured"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    solutions = models.ManyToManyField(
        Solution, blank=True, related_name="initiatives", verbose_name=_("solutions")
    )
    reference_projects = models.ManyToManyField(
        ReferenceProject,
        blank=True,
        related_name="initiatives",
        verbose_name=_("reference projects"),
    )
    plans = models.ManyToManyField(
        ProjectPlan, blank=True, related_name="initiatives", verbose_name=_("project plans")
    )
    knowledge_items = models.ManyToManyField(
        KnowledgeItem,
        blank=True,
        related_name="tagged_initiatives",
        verbose_name=_("news and events"),
    )

    class Meta:
        ordering = ["-featured", "name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [models.Index(fields=["lead_cluster", "status"], name="initiative_by_cluster")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:initiative-detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status in (InitiativeStatus.ACTIVE, InitiativeStatus.CLOSED)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    LEFT = "left", _("Left")


class GroupItem(models.Model):
    """Something that belongs to exactly one cluster or one initiative."""

    cluster = models.ForeignKey(
        ActionCluster,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("cluster"),
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("initiative"),
    )

    class Meta:
        abstract = True

    @property
    def group(self):
        return self.cluster if self.cluster_id else self.initiative

    def clean(self):
        if bool(self.cluster_id) == bool(self.initiative_id):
            raise ValidationError(_("Choose either a cluster or an initiative."))


class Membership(Decided, GroupItem):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cluster_memberships",
        verbose_name=_("member"),
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.REQUESTED,
        db_index=True,
    )
    message = models.CharField(_("message to the coordinators"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=ONE_GROUP, name="membership_in_one_group"),
            models.UniqueConstraint(
                fields=["cluster", "user"],
                condition=Q(cluster__isnull=False),
                name="one_membership_per_cluster",
            ),
            models.UniqueConstraint(
                fields=["initiative", "user"],
                condition=Q(initiative__isnull=False),
                name="one_membership_per_initiative",
            ),
        ]
        indexes = [
            models.Index(fields=["cluster", "status"], name="membership_cluster_status"),
            models.Index(fields=["initiative", "status"], name="membership_initiative_status"),
        ]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.APPROVED

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == MembershipRole.COORDINATOR


class Discussion(GroupItem):
    title = models.CharField(_("subject"), max_length=200)
    members_only = models.BooleanField(_("members only"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        ordering = ["-last_post_at", "-created_at", "-id"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        constraints = [models.CheckConstraint(condition=ONE_GROUP, name="discussion_in_one_group")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("clusters:discussion-detail", args=[self.pk])


class Post(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=10_000)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self):
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HIDDEN = "hidden", _("Post hidden")
    DISMISSED = "dismissed", _("Dismissed")


class PostReport(Decided):
    """A member flags a post; a curator hides the post or dismisses the report."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("what is wrong with it"), max_length=500)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.OPEN,
        db_index=True,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reported post")
        verbose_name_plural = _("reported posts")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_reporter")
        ]

    def __str__(self):
        return f"{self.post} ({self.get_status_display()})"


class Document(GroupItem, UploadedFile):  # noqa: DJ008 - __str__ from UploadedFile
    file = models.FileField(_("file"), upload_to="clusters/%Y/%m/")
    members_only = models.BooleanField(_("members only"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # Redeclared only for its label in the admin, which the other uploads do not have.
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.CheckConstraint(condition=ONE_GROUP, name="document_in_one_group")]


class FeaturedItem(models.Model):
    """A published solution, reference project or knowledge item a curator shows on a cluster."""

    cluster = models.ForeignKey(
        ActionCluster, on_delete=models.CASCADE, related_name="featured_items"
    )
    solution = models.ForeignKey(
        Solution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reference_project = models.ForeignKey(
        ReferenceProject, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    knowledge_item = models.ForeignKey(
        KnowledgeItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("featured by"),
    )
    featured_at = models.DateTimeField(_("featured"), auto_now_add=True)

    class Meta:
        ordering = ["position", "-featured_at", "-id"]
        verbose_name = _("featured item")
        verbose_name_plural = _("featured items")
        constraints = [
            models.CheckConstraint(
                condition=Q(solution__isnull=False, reference_project__isnull=True)
                & Q(knowledge_item__isnull=True)
                | Q(solution__isnull=True, reference_project__isnull=False)
                & Q(knowledge_item__isnull=True)
                | Q(solution__isnull=True, reference_project__isnull=True)
                & Q(knowledge_item__isnull=False),
                name="featured_item_is_one_thing",
            ),
            models.UniqueConstraint(
                fields=["cluster", "solution"],
                condition=Q(solution__isnull=False),
                name="feature_solution_once",
            ),
            models.UniqueConstraint(
                fields=["cluster", "reference_project"],
                condition=Q(reference_project__isnull=False),
                name="feature_project_once",
            ),
            models.UniqueConstraint(
                fields=["cluster", "knowledge_item"],
                condition=Q(knowledge_item__isnull=False),
                name="feature_knowledge_once",
            ),
        ]

    def __str__(self):
        return f"{self.content} on {self.cluster}"

    @property
    def content(self):
        return self.solution or self.reference_project or self.knowledge_item

    def clean(self):
        chosen = [self.solution_id, self.reference_project_id, self.knowledge_item_id]
        if sum(1 for pk in chosen if pk) != 1:
            raise ValidationError(_("Feature exactly one solution, project or knowledge item."))


class Decision(models.Model):
    """The audit trail: who decided what about which object, when and why."""

    class Action(models.TextChoices):
        MEMBERSHIP_REQUESTED = "membership_requested", _("Membership requested")
        MEMBERSHIP_APPROVED = "membership_approved", _("Membership approved")
        MEMBERSHIP_REJECTED = "membership_rejected", _("Membership rejected")
        MEMBERSHIP_LEFT = "membership_left", _("Left")
        COORDINATOR_APPOINTED = "coordinator_appointed", _("Coordinator appointed")
        COORDINATOR_REMOVED = "coordinator_removed", _("Coordinator removed")
        INITIATIVE_PROPOSED = "initiative_proposed", _("Initiative proposed")
        INITIATIVE_ACCEPTED = "initiative_accepted", _("Initiative accepted")
        INITIATIVE_DECLINED = "initiative_declined", _("Initiative declined")
        INITIATIVE_CLOSED = "initiative_closed", _("Initiative closed")
        POST_HIDDEN = "post_hidden", _("Post hidden")
        REPORT_DISMISSED = "report_dismissed", _("Report dismissed")
        FEATURED = "featured", _("Featured")
        UNFEATURED = "unfeatured", _("No longer featured")
        DISCUSSION_ARCHIVED = "discussion_archived", _("Discussion archived")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="decision_target")]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"
