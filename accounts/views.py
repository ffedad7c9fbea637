from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from accounts import permissions, selectors, services
from accounts.forms import NotificationPreferencesForm, ProfileForm
from accounts.models import Organisation, User
from marketplace.errors import DomainError


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = selectors.user_with_roles(user_id=request.user.pk)
    form = ProfileForm.for_user(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    context = {
        "profile_user": user,
        "form": form,
        "notifications_form": NotificationPreferencesForm(
            current=selectors.notification_preferences_for(user=user)
        ),
        "api_token": Token.objects.filter(user=user).first(),
        "awaiting_confirmation": (
            selectors.colleagues_awaiting_confirmation(organisation=user.organisation)
            if user.organisation and user.organisation_confirmed
            else []
        ),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def notifications_update(request: HttpRequest) -> HttpResponse:
    current = selectors.notification_preferences_for(user=request.user)
    form = NotificationPreferencesForm(request.POST, current=current)
    if form.is_valid():
        services.notification_preferences_update(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification preferences were saved."))
    else:
        messages.error(request, _("Choose one of the offered options for every notification."))
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_renew(request: HttpRequest) -> HttpResponse:
    services.api_token_renew(user=request.user)
    messages.success(request, _("A new API token was created. The old one no longer works."))
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    services.api_token_revoke(user=request.user)
    messages.success(request, _("Your API token was revoked."))
    return redirect("accounts:profile")


@login_required
@require_POST
def colleague_confirm(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _get_colleague_for_user(request.user, person_id)
    try:
        services.colleague_confirm(person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is now confirmed.") % {"name": person})
    return redirect("accounts:profile")


@login_required
def personal_data_export(request: HttpRequest) -> HttpResponse:
    user = selectors.user_with_roles(user_id=request.user.pk)
    response = JsonResponse(
        selectors.personal_data_export(user=user), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="my-marketplace-data.json"'
    return response


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = selectors.organisation_with_listed_people(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return render(request, "accounts/organisation_detail.html", {"organisation": organisation})


def _get_colleague_for_user(actor, person_id: int) -> User:
    """The person, if the actor may vouch for them; 404 otherwise so ids reveal nothing."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not permissions.can_confirm_colleague(actor, person):
        raise Http404
    return person


NOTIFICATIONS_PER_PAGE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notifications = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unread_only": unread_only}
    return render(request, "accounts/notifications.html", context)


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = selectors.notifications_for(user=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("accounts:notifications")


@login_required
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            marked,
        )
        % {"count": marked},
    )
    return redirect("accounts:notifications")
