"""The curators' admin for clusters: every decision goes through the same services as the site."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from clusters.models import (
    ActionCluster,
    Decision,
    Discussion,
    Document,
    FeaturedItem,
    Initiative,
    Membership,
    MembershipStatus,
    Post,
    PostReport,
)
from clusters.services import curation, discussions, initiatives, memberships
from marketplace.errors import DomainError


def _apply(modeladmin, request, queryset, decide) -> None:
    """Run one service per selected row; a refused row is reported, the others go through."""
    done = 0
    for obj in queryset:
        try:
            decide(obj)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.WARNING)
    modeladmin.message_user(request, _("%(count)d updated.") % {"count": done})


class AuditFieldsReadOnly:
    """Who decided and when is written by the services only."""

    audit_fields = ("decided_by", "decided_at", "decision_reason")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.audit_fields)


class FeaturedItemInline(admin.TabularInline):
    model = FeaturedItem
    extra = 0
    fields = ["solution", "reference_project", "knowledge_item", "position", "featured_by"]
    readonly_fields = ["featured_by"]
    autocomplete_fields = ["solution", "reference_project", "knowledge_item"]


@admin.register(ActionCluster)
class ActionClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "join_policy", "position", "updated_at"]
    list_editable = ["position"]
    list_filter = ["join_policy", "areas"]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    autocomplete_fields = ["knowledge_items"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [FeaturedItemInline]

    def save_formset(self, request, form, formset, change):
        # A featured item added here is recorded as featured by this curator.
        for item in formset.save(commit=False):
            if isinstance(item, FeaturedItem) and item.featured_by_id is None:
                item.featured_by = request.user
            item.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Initiative)
class InitiativeAdmin(AuditFieldsReadOnly, admin.ModelAdmin):
    list_display = ["name", "lead_cluster", "status", "featured", "lead_organisation", "created_at"]
    list_filter = ["status", "featured", "join_policy", "lead_cluster"]
    search_fields = ["name", "description", "goals", "lead_organisation__name"]
    list_select_related = ["lead_cluster", "lead_organisation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "lead_organisation",
        "proposed_by",
        "solutions",
        "reference_projects",
        "plans",
        "knowledge_items",
    ]
    readonly_fields = ["status", "created_at", "updated_at"]
    actions = ["accept", "feature", "unfeature", "archive"]

    @admin.action(description=_("Accept the selected proposals"))
    def accept(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            lambda obj: initiatives.initiative_accept(initiative=obj, actor=request.user),
        )

    @admin.action(description=_("Feature the selected initiatives"))
    def feature(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            lambda obj: initiatives.initiative_feature_set(
                initiative=obj, actor=request.user, featured=True
            ),
        )

    @admin.action(description=_("Stop featuring the selected initiatives"))
    def unfeature(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            lambda obj: initiatives.initiative_feature_set(
                initiative=obj, actor=request.user, featured=False
            ),
        )

    @admin.action(description=_("Close (archive) the selected initiatives"))
    def archive(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            lambda obj: initiatives.initiative_close(initiative=obj, actor=request.user),
        )


@admin.register(Membership)
class MembershipAdmin(AuditFieldsReadOnly, admin.ModelAdmin):
    list_display = ["user", "cluster", "initiative", "role", "status", "requested_at", "decided_by"]
    list_filter = ["status", "role", "cluster"]
    search_fields = ["user__email", "user__name", "cluster__name", "initiative__name"]
    list_select_related = ["user", "cluster", "initiative", "decided_by"]
    autocomplete_fields = ["user", "cluster", "initiative"]
    readonly_fields = ["status", "requested_at"]
    actions = ["approve", "appoint_coordinator"]

    @admin.action(description=_("Approve the selected requests"))
    def approve(self, request, queryset):
        _apply(
            self,
            request,
            queryset.filter(status=MembershipStatus.REQUESTED),
            lambda obj: memberships.membership_approve(membership=obj, actor=request.user),
        )

    @admin.action(description=_("Make the selected members coordinators"))
    def appoint_coordinator(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            lambda obj: memberships.coordinator_appoint(
                group=obj.group, user=obj.user, actor=request.user
            ),
        )


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ["author", "body", "created_at", "hidden_at", "hidden_by", "hidden_reason"]
    readonly_fields = fields


@admin.register(Discussion)
class DiscussionAdmin(admin.ModelAdmin):
    list_display = ["title", "cluster", "initiative", "members_only", "started_by", "last_post_at"]
    list_filter = ["members_only", "cluster", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "posts__body"]
    list_select_related = ["cluster", "initiative", "started_by"]
    autocomplete_fields = ["cluster", "initiative", "started_by"]
    readonly_fields = ["created_at", "last_post_at", "archived_at"]
    inlines = [PostInline]
    actions = ["archive"]

    @admin.action(description=_("Archive the selected discussions"))
    def archive(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            lambda obj: discussions.discussion_archive(discussion=obj, actor=request.user),
        )


@admin.register(PostReport)
class PostReportAdmin(AuditFieldsReadOnly, admin.ModelAdmin):
    list_display = ["post", "reporter", "reason", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["reason", "post__body", "reporter__email"]
    list_select_related = ["post", "reporter", "decided_by"]
    readonly_fields = ["post", "reporter", "reason", "status", "created_at"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "cluster", "initiative", "members_only", "size", "uploaded_at"]
    list_filter = ["members_only", "cluster"]
    search_fields = ["title", "uploaded_by__email"]
    list_select_related = ["cluster", "initiative", "uploaded_by"]
    autocomplete_fields = ["cluster", "initiative", "uploaded_by"]
    fields = [
        "cluster",
        "initiative",
        "title",
        "file",
        "members_only",
        "uploaded_by",
        "content_type",
        "size",
        "uploaded_at",
    ]
    readonly_fields = ["content_type", "size", "uploaded_at"]


@admin.register(FeaturedItem)
class FeaturedItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cluster", "position", "featured_by", "featured_at"]
    list_filter = ["cluster"]
    search_fields = ["solution__title", "reference_project__acronym", "knowledge_item__title"]
    list_select_related = ["cluster", "solution", "reference_project", "knowledge_item"]
    autocomplete_fields = ["solution", "reference_project", "knowledge_item"]
    readonly_fields = ["featured_by", "featured_at"]
    actions = ["unfeature"]

    def save_model(self, request, obj, form, change):
        if obj.featured_by_id is None:
            obj.featured_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Stop featuring the selected items"))
    def unfeature(self, request, queryset):
        _apply(
            self,
            request,
            queryset.select_related("cluster"),
            lambda obj: curation.feature_remove(featured=obj, actor=request.user),
        )


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["action", "content_type", "object_id", "actor", "reason", "created_at"]
    list_filter = ["action", "content_type"]
    search_fields = ["reason", "actor__email"]
    list_select_related = ["actor", "content_type"]
    readonly_fields = ["content_type", "object_id", "action", "reason", "actor", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
