from django.urls import path

from deal.views import matches, requests, rooms

app_name = "deal"

urlpatterns = [
    path("", matches.index, name="index"),
    # Investor profiles, "Plans for you", a plan's teaser, "Investors for this plan", re-scoring
    # (views/matches.py)
    path("profile/", matches.profile_mine, name="profile-mine"),
    path("profile/edit/", matches.profile_edit, name="profile-edit"),
    path("profile/pause/", matches.profile_set_active, {"active": False}, name="profile-pause"),
    path("profile/resume/", matches.profile_set_active, {"active": True}, name="profile-resume"),
    path("profiles/<int:pk>/", matches.profile_detail, name="profile-detail"),
    path("profiles/<int:pk>/plans/", matches.profile_plans, name="profile-plans"),
    path(
        "profiles/<int:pk>/plans/<int:plan_pk>/decide/",
        matches.match_decide,
        name="match-decide",
    ),
    path("plans-for-you/", matches.plans_for_you, name="plans-for-you"),
    path("plans-for-you/saved/", matches.plans_saved, name="plans-saved"),
    path("plans/<int:pk>/", matches.plan_teaser, name="plan-teaser"),
    path("plans/<int:pk>/investors/", matches.plan_investors, name="plan-investors"),
    path("rescore/", matches.rescore, name="rescore"),
    path("rescore/<slug:run_id>/", matches.rescore_progress, name="rescore-progress"),
    # Deal requests: sending, the investor inbox, sent requests, decisions (views/requests.py)
    path("requests/new/", requests.request_create, name="request-create"),
    path("requests/inbox/", requests.request_inbox, name="request-inbox"),
    path("requests/sent/", requests.request_sent, name="request-sent"),
    path("requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("requests/<int:pk>/accept/", requests.request_accept, name="request-accept"),
    path("requests/<int:pk>/decline/", requests.request_decline, name="request-decline"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw, name="request-withdraw"),
    # Deal rooms: messages, documents, meetings, outcome, timeline (views/rooms.py)
    path("rooms/", rooms.room_list, name="room-list"),
    path("rooms/<int:pk>/", rooms.room_detail, name="room-detail"),
    path("rooms/<int:pk>/messages/", rooms.room_message_post, name="room-message-post"),
    path("rooms/<int:pk>/documents/", rooms.room_document_upload, name="room-document-upload"),
    path(
        "rooms/<int:pk>/documents/<int:document_id>/",
        rooms.room_document_download,
        name="room-document-download",
    ),
    path("rooms/<int:pk>/meetings/", rooms.meeting_propose, name="room-meeting-propose"),
    path(
        "rooms/<int:pk>/meetings/<int:proposal_id>/choose/",
        rooms.meeting_choose,
        name="room-meeting-choose",
    ),
    path(
        "rooms/<int:pk>/meetings/<int:proposal_id>/withdraw/",
        rooms.meeting_withdraw,
        name="room-meeting-withdraw",
    ),
    path("rooms/<int:pk>/close/", rooms.room_close, name="room-close"),
    path("rooms/<int:pk>/not-pursued/", rooms.room_not_pursued, name="room-not-pursued"),
]
