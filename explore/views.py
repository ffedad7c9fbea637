from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from explore import permissions, selectors, services
from explore.forms import InterestsForm
from marketplace.permissions import require


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "explore/index.html", {"areas": selectors.area_list()})


@login_required
@require_POST
def interests_update(request: HttpRequest) -> HttpResponse:
    require(permissions.can_choose_interests(request.user))
    form = InterestsForm(request.POST)
    if form.is_valid():
        services.interests_update(user=request.user, areas=list(form.cleaned_data["areas"]))
        messages.success(request, _("Your areas of interest were saved."))
    else:
        messages.error(request, _("Choose areas from the list."))
    return redirect("accounts:profile")
