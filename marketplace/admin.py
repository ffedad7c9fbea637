"""The admin's shared action helpers, and the outbox of queued tasks.

Admin actions change state through the apps' services, like the site does, so every
decision leaves its audit record and sends its e-mails. These helpers apply one service
call per selected object and report what could not be done.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from marketplace.models import OutboxTask


def apply_each(modeladmin, request, queryset, change: Callable) -> int:
    """Call `change(obj)` for each selected object; a refused one is reported, not fatal."""
    done = 0
    for obj in queryset:
        try:
            change(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(request, _("%(count)d updated.") % {"count": done})
    return done


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The people concerned read it."),
    )


def apply_with_reason(modeladmin, request, queryset, *, title, change: Callable):
    """An action that first asks why: `change(obj, reason)` runs once a reason is given."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        apply_each(
            modeladmin, request, queryset, lambda obj: change(obj, form.cleaned_data["reason"])
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/action_with_reason.html", context)


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    list_display = ["task_name", "created_at", "attempts", "last_error"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "last_error"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # tasks are queued by the services, in their transaction

    def has_change_permission(self, request, obj=None):
        return False
