from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealConfig(AppConfig):
    name = "deal"
    verbose_name = _("Deal")

    def ready(self):
        from deal.receivers import rescore_on_plan_status_change
        from shape.signals import plan_status_changed

        plan_status_changed.connect(rescore_on_plan_status_change, dispatch_uid="deal-rescore")
