from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from deal.models import (
    DealEvent,
    DealRequest,
    DealRoom,
    InvestorProfile,
    Match,
    MatchDecision,
    MeetingProposal,
    MeetingSlot,
    RoomDocument,
    RoomMessage,
)


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


# --- Deal rooms ---------------------------------------------------------------------------------


class RoomMessageInline(admin.TabularInline):
    model = RoomMessage
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # the parties write messages in the room, not curators here


@admin.register(DealRoom)
class DealRoomAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "plan_title",
        "investor",
        "outcome",
        "closed_amount_eur",
        "closed_on",
        "created_at",
    ]
    list_filter = ["outcome", "closed_instrument", "created_at"]
    search_fields = ["request__plan__title", "request__profile__organisation__name"]
    list_select_related = ["request__plan", "request__profile__organisation"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "request",
        "created_at",
        "updated_at",
        "outcome_recorded_by",
        "outcome_recorded_at",
    ]
    inlines = [RoomMessageInline]

    @admin.display(description=_("plan"), ordering="request__plan__title")
    def plan_title(self, room):
        return room.request.plan.title

    @admin.display(description=_("investor"), ordering="request__profile__organisation__name")
    def investor(self, room):
        return room.request.profile.organisation

    def has_add_permission(self, request):
        return False  # a room opens only when a deal request is accepted


@admin.register(RoomDocument)
class RoomDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "room", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "uploaded_at"]
    search_fields = ["title", "room__request__plan__title"]
    list_select_related = ["room__request__plan", "room__request__profile__organisation"]
    # The file itself is not offered here: its public URL is not served. Curators download
    # it from the room page, through the access-checked view.
    fields = ["room", "title", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["room", "download", "content_type", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("file"))
    def download(self, document):
        url = reverse("deal:room-document-download", args=[document.room_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def has_add_permission(self, request):
        return False


class MeetingSlotInline(admin.TabularInline):
    model = MeetingSlot
    extra = 0


@admin.register(MeetingProposal)
class MeetingProposalAdmin(admin.ModelAdmin):
    list_display = ["subject", "room", "status", "proposed_by", "chosen_slot", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "room__request__plan__title"]
    list_select_related = [
        "proposed_by",
        "chosen_slot",
        "room__request__plan",
        "room__request__profile__organisation",
    ]
    readonly_fields = ["room", "proposed_by", "chosen_slot", "chosen_by", "created_at"]
    inlines = [MeetingSlotInline]


# --- Deal requests ------------------------------------------------------------------------------


class DealEventInline(admin.TabularInline):
    model = DealEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "detail"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # the timeline is written by the services only


@admin.register(DealRequest)
class DealRequestAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "plan",
        "profile",
        "direction",
        "status",
        "amount_eur",
        "instrument",
        "respond_by",
        "created_at",
    ]
    list_filter = ["status", "direction", "instrument", "created_at"]
    search_fields = ["plan__title", "profile__organisation__name", "sent_by__email", "message"]
    list_select_related = ["plan", "profile__organisation", "instrument"]
    date_hierarchy = "created_at"
    # Status changes go through the services (they lock, notify and write the timeline).
    readonly_fields = [
        "plan",
        "profile",
        "direction",
        "sent_by",
        "status",
        "instrument",
        "amount_eur",
        "message",
        "respond_by",
        "decided_at",
        "decided_by",
        "decline_reasons",
        "decline_note",
        "created_at",
        "updated_at",
    ]
    inlines = [DealEventInline]

    def has_add_permission(self, request):
        return False  # requests are sent by promoters and investors on the site


@admin.register(DealEvent)
class DealEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "request", "kind", "actor", "detail"]
    list_filter = ["kind", "created_at"]
    search_fields = ["request__plan__title", "request__profile__organisation__name", "detail"]
    list_select_related = ["request__plan", "request__profile__organisation", "actor"]
    date_hierarchy = "created_at"
    readonly_fields = ["request", "actor", "kind", "detail", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
