from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.notifications_update, name="notifications-update"),
    path("profile/api-token/", views.api_token_renew, name="api-token-renew"),
    path("profile/api-token/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("profile/export/", views.personal_data_export, name="data-export"),
    path(
        "profile/colleagues/<int:person_id>/confirm/",
        views.colleague_confirm,
        name="colleague-confirm",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path(
        "notifications/read/",
        views.notifications_mark_all_read,
        name="notifications-mark-all-read",
    ),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
