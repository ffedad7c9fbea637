from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShapeConfig(AppConfig):
    name = "shape"
    verbose_name = _("Shape")
