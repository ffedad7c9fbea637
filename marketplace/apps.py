from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Platform")

    def ready(self):
        # Register every app's tasks in web processes too, so the outbox can look a
        # task up by name (a worker does this itself at start).
        autodiscover_modules("tasks")
