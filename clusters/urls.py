from django.urls import path

from clusters import views_statistics
from clusters.views import curation, discussions, groups

app_name = "clusters"

# Pages shared by clusters and initiatives take the kind from the URL.
GROUP = "<str:kind>/<slug:slug>"

urlpatterns = [
    path("", groups.cluster_list, name="index"),
    path("requests/", curation.membership_requests, name="requests"),
    path("requests/<int:pk>/<str:decision>/", curation.membership_decide, name="membership-decide"),
    path(
        "memberships/<int:pk>/coordinator/",
        curation.coordinator_appoint,
        name="coordinator-appoint",
    ),
    path("curation/", curation.dashboard, name="dashboard"),
    path("curation/moderation/", curation.moderation_bulk, name="moderation-bulk"),
    path("curation/requests/", curation.membership_bulk, name="membership-bulk"),
    path("curation/proposals/", curation.proposal_bulk, name="proposal-bulk"),
    path("curation/reports/", curation.report_bulk, name="report-bulk"),
    path(
        "curation/proposals/<int:pk>/<str:decision>/",
        curation.proposal_decide,
        name="proposal-decide",
    ),
    path("curation/reports/<int:pk>/<str:decision>/", curation.report_decide, name="report-decide"),
    path("curation/featured/", curation.feature_add, name="feature-add"),
    path("curation/featured/<int:pk>/remove/", curation.feature_remove, name="feature-remove"),
    path("statistics/", views_statistics.statistics_page, name="statistics"),
    path("statistics/<slug:table>.svg", views_statistics.statistics_chart, name="statistics-chart"),
    path(
        "statistics/<slug:table>.csv", views_statistics.statistics_export, name="statistics-export"
    ),
    path("initiatives/<slug:slug>/", groups.initiative_detail, name="initiative-detail"),
    path("initiatives/<slug:slug>/close/", groups.initiative_close, name="initiative-close"),
    path("discussions/<int:pk>/", discussions.discussion_detail, name="discussion-detail"),
    path("discussions/<int:pk>/posts/", discussions.post_create, name="post-create"),
    path(
        "discussions/<int:pk>/archive/", discussions.discussion_archive, name="discussion-archive"
    ),
    path("posts/<int:pk>/report/", discussions.post_report, name="post-report"),
    path("documents/<int:pk>/download/", discussions.document_download, name="document-download"),
    path(f"{GROUP}/members/", groups.group_members, name="group-members"),
    path(f"{GROUP}/join/", groups.group_join, name="group-join"),
    path(f"{GROUP}/leave/", groups.group_leave, name="group-leave"),
    path(f"{GROUP}/discussions/new/", discussions.discussion_create, name="discussion-create"),
    path(f"{GROUP}/documents/new/", discussions.document_upload, name="document-upload"),
    path("<slug:slug>/propose/", groups.initiative_propose, name="initiative-propose"),
    path("<slug:slug>/", groups.cluster_detail, name="cluster-detail"),
]
