from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import NotificationPreference, Organisation, Role, RoleGrant, User
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
        "is_active",
        "date_joined",
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
    list_display = ["name", "kind", "country", "city", "verified", "created_at"]
    list_filter = ["kind", "verified", "country"]
    search_fields = ["name", "city", "website"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    actions = ["mark_verified"]

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
