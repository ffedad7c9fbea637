from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.admin import apply_each, apply_with_reason
from marketplace.errors import DomainError
from shape.models import (
    Attachment,
    ChecklistAnswer,
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    DialogueMessage,
    DialogueThread,
    ImpactTarget,
    Instrument,
    Milestone,
    PlanEvent,
    PlanShare,
    PlanVersion,
    ProjectPlan,
    ReviewComment,
    Risk,
    StakeholderInvitation,
)
from shape.services import checklists as checklist_services
from shape.services import plans as plan_services


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that the workflow writes (history, versions, files): curators read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _assessed(template) -> bool:
    return template.plans.exists()


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
        if obj is not None and _assessed(obj.template):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["question", "dimension", "weight", "mandatory", "position"]
    list_filter = ["dimension__template", "mandatory"]
    search_fields = ["question", "guidance", "code"]
    list_select_related = ["dimension__template"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and _assessed(obj.dimension.template):
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


class ImpactTargetInline(admin.TabularInline):
    model = ImpactTarget
    extra = 0
    autocomplete_fields = ["indicator"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class RiskInline(admin.TabularInline):
    model = Risk
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["title", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # files are checked on upload by the plan's pages


@admin.register(ProjectPlan)
class ProjectPlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "promoter",
        "organisation",
        "city",
        "status",
        "stage",
        "bankability_score",
        "funding_sought_eur",
        "submitted_at",
        "updated_at",
    ]
    list_filter = ["status", "stage", "areas", "instruments", "city__country"]
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
    inlines = [ImpactTargetInline, MilestoneInline, RiskInline, AttachmentInline, EventInline]
    actions = ["start_review", "mark_bankable", "request_changes", "reject"]
    date_hierarchy = "submitted_at"

    # The review decisions, through the workflow services: each checks the plan's status,
    # records a PlanEvent and tells the promoter.

    @admin.action(description=_("Start the review of the selected submitted plans"))
    def start_review(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda plan: plan_services.plan_review_start(plan=plan, actor=request.user),
        )

    @admin.action(description=_("Approve the selected plans in review as bankable"))
    def mark_bankable(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda plan: plan_services.plan_mark_bankable(plan=plan, actor=request.user),
        )

    @admin.action(description=_("Ask for changes to the selected plans in review"))
    def request_changes(self, request, queryset):
        return apply_with_reason(
            self,
            request,
            queryset,
            title=_("What should the promoters change?"),
            change=lambda plan, reason: plan_services.plan_changes_request(
                plan=plan, actor=request.user, comment=reason
            ),
        )

    @admin.action(description=_("Reject the selected plans in review"))
    def reject(self, request, queryset):
        return apply_with_reason(
            self,
            request,
            queryset,
            title=_("Why are these plans rejected?"),
            change=lambda plan, reason: plan_services.plan_reject(
                plan=plan, actor=request.user, comment=reason
            ),
        )


@admin.register(StakeholderInvitation)
class StakeholderInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "plan", "created_at", "accepted_at", "revoked_at"]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
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
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "plan__title", "messages__body"]
    list_select_related = ["plan", "started_by"]
    readonly_fields = ["created_at", "resolved_at", "resolved_by", "started_by"]
    inlines = [MessageInline]


@admin.register(PlanEvent)
class PlanEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "plan", "from_status", "to_status", "actor", "comment"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["plan__title", "actor__email", "comment"]
    list_select_related = ["plan", "actor"]
    date_hierarchy = "created_at"


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "created_by", "created_at"]
    search_fields = ["plan__title", "created_by__email"]
    list_select_related = ["plan", "created_by"]
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    # The file itself is downloaded through the plan's access-checked page, not from here.
    list_display = ["title", "plan", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["title", "plan__title", "uploaded_by__email"]
    list_select_related = ["plan", "uploaded_by"]
    fields = ["plan", "title", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ReadOnlyAdmin):
    list_display = ["plan", "item", "answer", "answered_by", "updated_at"]
    list_filter = ["answer", "item__dimension__template"]
    search_fields = ["plan__title", "item__question", "evidence"]
    list_select_related = ["plan", "item", "answered_by"]
    exclude = ["evidence_file"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    # Curators comment from the plan's review page, under their own name.
    list_display = ["plan", "item", "author", "created_at", "body"]
    search_fields = ["plan__title", "body", "author__email"]
    list_select_related = ["plan", "item", "author"]
    date_hierarchy = "created_at"


@admin.register(PlanShare)
class PlanShareAdmin(ReadOnlyAdmin):
    list_display = ["plan", "investor", "shared_by", "created_at"]
    search_fields = ["plan__title", "investor__email", "investor__organisation__name"]
    list_select_related = ["plan", "investor", "shared_by"]
    date_hierarchy = "created_at"
