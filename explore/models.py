from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A cross-cutting area; solutions, plans, investors and clusters are tagged with them."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    interested_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="areas_of_interest"
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name
