from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import is_curator

# Pages a curator without a second factor may still reach: setting one up, signing out.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class CuratorMFAMiddleware:
    """Curators hold the keys to moderation and the admin: they must use a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                message = _("Curators must set up two-factor authentication first.")
                return JsonResponse({"detail": message}, status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _needs_second_factor(self, request) -> bool:
        if not settings.CURATOR_MFA_REQUIRED or request.path.startswith(_OPEN_PREFIXES):
            return False
        user = request.user
        if not is_curator(user):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
