from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealConfig(AppConfig):
    name = "deal"
    verbose_name = _("Deal")
