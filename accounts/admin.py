from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import (
    Notification,
    NotificationPreference,
    Organisation,
    Role,
    RoleGrant,
    User,
)
from marketplace.errors import DomainError


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ["role", "granted_at", "granted_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Roles change through the actions below so that curator grants stay consistent.
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "organisation",
        "organisation_confirmed",
        "role_list",
        "is_active",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "organisation_confirmed", "role_grants__role"]
    search_fields = ["email", "name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleGrantInline]
    actions = ["grant_curator", "revoke_curator", "confirm_in_organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["name", "organisation", "organisation_confirmed", "listed_in_directories"]},
        ),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("Roles"))
    def role_list(self, user):
        return ", ".join(str(Role(role).label) for role in sorted(user.roles)) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Curators run the platform, they do not hand out superpowers.
            fields += ["is_staff", "is_superuser", "groups"]
        return fields

    @admin.action(description=_("Make curator"))
    def grant_curator(self, request, queryset):
        self._for_each(
            request,
            queryset,
            lambda user: services.role_grant(user=user, role=Role.CURATOR, actor=request.user),
        )

    @admin.action(description=_("Remove curator role"))
    def revoke_curator(self, request, queryset):
        self._for_each(
            request,
            queryset,
            lambda user: services.role_revoke(user=user, role=Role.CURATOR, actor=request.user),
        )

    @admin.action(description=_("Confirm in their organisation"))
    def confirm_in_organisation(self, request, queryset):
        self._for_each(
            request,
            queryset,
            lambda user: services.colleague_confirm(person=user, actor=request.user),
        )

    def _for_each(self, request, queryset, change):
        done = 0
        for user in queryset:
            try:
                change(user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)
        self.message_user(request, _("%(count)d people updated.") % {"count": done})


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "city", "verified", "people_count", "created_at"]
    list_filter = ["kind", "verified", "country"]
    search_fields = ["name", "city", "website"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    actions = ["mark_verified"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description=_("People"), ordering="people_count")
    def people_count(self, organisation):
        return organisation.people_count

    @admin.action(description=_("Mark as verified"))
    def mark_verified(self, request, queryset):
        updated = queryset.update(verified=True)
        self.message_user(request, _("%(count)d organisations verified.") % {"count": updated})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Who holds which role since when, granted by whom; changed with the people's actions."""

    list_display = ["user", "role", "granted_at", "granted_by"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "granted_by__email"]
    list_select_related = ["user", "granted_by"]
    date_hierarchy = "granted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "awaiting_digest"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "awaiting_digest"]
    search_fields = ["title", "recipient__email", "recipient__name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # notifications come from the services (accounts.services.notify)

    def has_change_permission(self, request, obj=None):
        return False
