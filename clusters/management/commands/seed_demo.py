from django.core.management import BaseCommand

from accounts import demo as accounts_demo
from clusters import demo as clusters_demo
from deal import demo as deal_demo
from explore import demo as explore_demo

# Clusters sees every phase (DESIGN.md), so the platform-wide demo loader lives here.
# Each app's demo module is loaded in the order of the phases.
DEMO_LOADERS = [explore_demo.load, deal_demo.load, clusters_demo.load]


class Command(BaseCommand):
    help = "Load demo data for every app (safe to run again: it updates, never duplicates)."

    def handle(self, *args, **options):
        logins = accounts_demo.load()
        for loader in DEMO_LOADERS:
            loader()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with:"))
        for email, roles in logins:
            self.stdout.write(f"  {email:<24} {accounts_demo.DEMO_PASSWORD}   ({', '.join(roles)})")
        self.stdout.write(
            "The curator is asked to set up two-factor authentication (any TOTP app) "
            "at first login."
        )
