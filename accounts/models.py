from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.models import TimeStampedModel


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        CITY = "city", _("City or municipality")
        PUBLIC_AUTHORITY = "public_authority", _("Public authority")
        COMPANY = "company", _("Company")
        SME = "sme", _("SME or start-up")
        RESEARCH = "research", _("Research")
        NGO = "ngo", _("NGO")
        INVESTOR = "investor", _("Investor or fund")
        BANK = "bank", _("Bank")
        PUBLIC_FINANCE = "public_finance", _("Public finance institution")

    FINANCING_KINDS = frozenset({Kind.INVESTOR, Kind.BANK, Kind.PUBLIC_FINANCE})

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Checked by a curator.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def is_financing(self) -> bool:
        return self.kind in self.FINANCING_KINDS


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    organisation_confirmed = models.BooleanField(
        _("confirmed in organisation"),
        default=False,
        help_text=_("Whether the organisation (or a curator) confirmed this person belongs."),
    )
    listed_in_directories = models.BooleanField(_("show me in member directories"), default=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        """The platform roles held; loaded once per instance (prefetch `role_grants`)."""
        return frozenset(grant.role for grant in self.role_grants.all())


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    PROMOTER = "promoter", _("Promoter")
    INVESTOR = "investor", _("Investor")
    CURATOR = "curator", _("Curator")


SELF_CHOSEN_ROLES = (Role.PROMOTER, Role.INVESTOR)


class RoleGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


class NotificationKind(models.TextChoices):
    MODERATION = "moderation", _("Decisions on my submissions")
    DIALOGUE = "dialogue", _("Replies in project plan dialogues")
    DEAL_REQUEST = "deal_request", _("Deal requests and their status")
    DEAL_ROOM = "deal_room", _("Messages and documents in deal rooms")
    MATCH = "match", _("New strong investor or plan matches")
    CLUSTER = "cluster", _("Cluster and initiative membership")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"


class Notification(models.Model):
    """Something that happened for one person; shown in the site and e-mailed per preference.

    The title is written in the site's default language when it is created, like the
    match reasons, because it may be read later in a digest or by a worker.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    awaiting_digest = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=models.Q(read_at=None), name="unread_notifications"
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(awaiting_digest=True),
                name="notifications_for_digest",
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.recipient}: {self.title}"
