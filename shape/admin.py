from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from shape.models import (
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    DialogueMessage,
    DialogueThread,
    Instrument,
    PlanEvent,
    ProjectPlan,
    StakeholderInvitation,
)
from shape.services import checklists as checklist_services


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code"]


class DimensionInline(admin.TabularInline):
    model = ChecklistDimension
    extra = 0
    show_change_link = True


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_current", "created_at"]
    list_filter = ["is_current", "name"]
    search_fields = ["name", "notes"]
    readonly_fields = ["is_current", "created_at"]
    inlines = [DimensionInline]
    actions = ["new_version", "make_current"]

    @admin.action(description=_("Copy to a new version (to edit without changing assessed plans)"))
    def new_version(self, request, queryset):
        self._each(request, queryset, checklist_services.checklist_template_new_version)

    @admin.action(description=_("Offer this version to new plans"))
    def make_current(self, request, queryset):
        self._each(request, queryset, checklist_services.checklist_template_make_current)

    def _each(self, request, queryset, change):
        for template in queryset:
            try:
                change(template=template, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{template}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(template)s updated.") % {"template": template})


class ItemInline(admin.StackedInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistDimension)
class ChecklistDimensionAdmin(admin.ModelAdmin):
    list_display = ["title", "template", "position"]
    list_filter = ["template"]
    search_fields = ["title", "items__question"]
    inlines = [ItemInline]

    def has_change_permission(self, request, obj=None):
        # A version that plans were assessed against stays as it was: copy it to change it.
        if obj is not None and obj.template.plans.exists():
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


class EventInline(admin.TabularInline):
    model = PlanEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "from_status", "to_status", "comment"]

    def has_add_permission(self, request, obj=None):
        return False  # history is written by the workflow services only


@admin.register(ProjectPlan)
class ProjectPlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "promoter",
        "organisation",
        "status",
        "stage",
        "bankability_score",
        "funding_sought_eur",
        "updated_at",
    ]
    list_filter = ["status", "stage", "areas", "instruments"]
    search_fields = ["title", "summary", "promoter__email", "organisation__name"]
    list_select_related = ["promoter", "organisation"]
    autocomplete_fields = ["promoter", "organisation", "city", "co_editors"]
    filter_horizontal = ["areas", "instruments"]
    raw_id_fields = ["solutions", "reference_projects"]
    readonly_fields = [
        "status",
        "bankability_score",
        "checklist_template",
        "submitted_at",
        "created_at",
        "updated_at",
    ]
    inlines = [EventInline]


@admin.register(StakeholderInvitation)
class StakeholderInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "plan", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "plan__title"]
    list_select_related = ["plan"]
    readonly_fields = [
        "token",
        "created_at",
        "accepted_at",
        "revoked_at",
        "stakeholder",
        "invited_by",
    ]


class MessageInline(admin.TabularInline):
    model = DialogueMessage
    extra = 0
    readonly_fields = ["author", "created_at"]


@admin.register(DialogueThread)
class DialogueThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "started_by", "created_at", "resolved_at"]
    search_fields = ["title", "plan__title", "messages__body"]
    list_select_related = ["plan", "started_by"]
    readonly_fields = ["created_at", "resolved_at", "resolved_by", "started_by"]
    inlines = [MessageInline]
