from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import signals  # noqa: F401 - connects the receivers
        from accounts.services import curator_group_sync

        # Without a sender: permissions of apps migrated after this one must be seen too.
        post_migrate.connect(curator_group_sync, dispatch_uid="accounts-curator-group")
