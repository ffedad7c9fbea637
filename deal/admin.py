from django.contrib import admin

from deal.models import InvestorProfile, Match, MatchDecision


@admin.register(InvestorProfile)
class InvestorProfileAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "kind",
        "ticket_min_eur",
        "ticket_max_eur",
        "min_bankability",
        "is_active",
        "updated_at",
    ]
    list_filter = ["kind", "is_active", "eu_wide", "visibility"]
    search_fields = ["organisation__name", "exclusions"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["areas", "instruments"]
    readonly_fields = ["created_at", "updated_at", "updated_by"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["plan", "profile", "score", "computed_at"]
    list_filter = ["profile"]
    search_fields = ["plan__title", "profile__organisation__name"]
    list_select_related = ["plan", "profile__organisation"]

    def has_add_permission(self, request):
        return False  # matches come from the scoring job only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatchDecision)
class MatchDecisionAdmin(admin.ModelAdmin):
    list_display = ["profile", "plan", "decision", "created_at"]
    list_filter = ["decision"]
    search_fields = ["plan__title", "profile__organisation__name"]
