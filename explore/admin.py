from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from explore import services
from explore.models import (
    ActualValue,
    Area,
    City,
    Indicator,
    KnowledgeItem,
    Measurement,
    ModerationRecord,
    ProjectCity,
    ReferenceProject,
    Solution,
    Tag,
)
from marketplace.admin import apply_each, apply_with_reason


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["interested_members"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ModerationActions:
    """Publish, send back and archive from the admin, through the same services as the site.

    The services keep the moderation record and e-mail the author, as on the site.
    """

    actions = ["publish", "reject", "archive"]

    @admin.action(description=_("Publish the selected pending items"))
    def publish(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda item: services.content_publish(item=item, actor=request.user),
        )

    @admin.action(description=_("Send the selected pending items back to their authors"))
    def reject(self, request, queryset):
        return apply_with_reason(
            self,
            request,
            queryset,
            title=_("Why are these items sent back?"),
            change=lambda item, reason: services.content_reject(
                item=item, actor=request.user, reason=reason
            ),
        )

    @admin.action(description=_("Archive the selected items"))
    def archive(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda item: services.content_archive(item=item, actor=request.user),
        )

    @admin.display(description=_("Moderation history"))
    def moderation_history(self, item):
        records = ModerationRecord.objects.about(item).select_related("actor")[:10]
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} · {} · {} {}",
                (
                    (
                        date_format(record.created_at, "SHORT_DATETIME_FORMAT"),
                        record.get_action_display(),
                        record.actor or "—",
                        f"({record.reason})" if record.reason else "",
                    )
                    for record in records
                ),
            )
            or "—"
        )


@admin.register(Solution)
class SolutionAdmin(ModerationActions, admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "maturity",
        "provider",
        "cost_band",
        "published_at",
        "author",
        "updated_at",
    ]
    list_filter = ["status", "maturity", "cost_band", "provider_kind", "areas"]
    search_fields = ["title", "summary", "provider__name"]
    list_select_related = ["provider", "author"]
    autocomplete_fields = ["provider", "author", "revision_of"]
    filter_horizontal = ["areas", "tags", "cities"]
    readonly_fields = [
        "status",
        "published_at",
        "provider_kind",
        "provider_country",
        "cost_band",
        "created_at",
        "updated_at",
        "moderation_history",
    ]
    date_hierarchy = "published_at"


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(ModerationActions, admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "published_at",
        "event_start",
        "author",
        "updated_at",
    ]
    list_filter = ["kind", "status", "areas"]
    search_fields = ["title", "summary"]
    list_select_related = ["author"]
    autocomplete_fields = ["author", "revision_of"]
    filter_horizontal = ["areas"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at", "moderation_history"]
    date_hierarchy = "published_at"


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "population", "latitude", "longitude"]
    list_filter = ["country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProjectCityInline(admin.TabularInline):
    model = ProjectCity
    extra = 1
    autocomplete_fields = ["city"]


@admin.register(ReferenceProject)
class ReferenceProjectAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "programme", "start_year", "end_year", "eu_contribution_eur"]
    list_filter = ["programme", "start_year", "areas"]
    search_fields = ["acronym", "name", "description", "cities__name"]
    prepopulated_fields = {"slug": ["acronym"]}
    inlines = [ProjectCityInline]
    filter_horizontal = ["areas"]
    autocomplete_fields = ["solutions"]
    readonly_fields = ["created_at", "updated_at"]


class ActualValueInline(admin.TabularInline):
    model = ActualValue
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "area"]
    list_filter = ["direction", "area"]
    search_fields = ["code", "name", "definition"]
    prepopulated_fields = {"slug": ["code"]}


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = [
        "indicator",
        "city",
        "project",
        "country",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
    ]
    list_filter = ["indicator"]
    search_fields = ["indicator__code", "city__name", "project__acronym"]
    list_select_related = ["indicator", "city", "project"]
    autocomplete_fields = ["indicator", "city", "project"]
    inlines = [ActualValueInline]


@admin.register(ModerationRecord)
class ModerationRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "content_type", "object_id", "actor", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["reason", "actor__email"]
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the record of decisions is an audit trail

    def has_delete_permission(self, request, obj=None):
        return False
