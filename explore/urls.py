from django.urls import path

from explore.feeds import KnowledgeFeed
from explore.views import calendars, catalogue, contribute, exports, visuals

app_name = "explore"

urlpatterns = [
    path("", catalogue.index, name="index"),
    path("search/", catalogue.site_search, name="search"),
    path("solutions/", catalogue.solution_list, name="solution-list"),
    path("solutions/<slug:slug>/", catalogue.solution_detail, name="solution-detail"),
    path("tags/<slug:slug>/", catalogue.tag_detail, name="tag-detail"),
    path("projects/", catalogue.project_list, name="project-list"),
    path("projects/<slug:slug>/", catalogue.project_detail, name="project-detail"),
    path("cities/", catalogue.city_list, name="city-list"),
    path("cities/<slug:slug>/", catalogue.city_detail, name="city-detail"),
    path("indicators/", catalogue.indicator_list, name="indicator-list"),
    path("indicators/<slug:slug>/", catalogue.indicator_detail, name="indicator-detail"),
    path("map/", visuals.explore_map, name="map"),
    path(
        "indicators/<slug:slug>/comparison.svg",
        visuals.indicator_comparison_chart,
        name="indicator-comparison-chart",
    ),
    path("measurements/<int:pk>/chart.svg", visuals.measurement_chart, name="measurement-chart"),
    path("knowledge/", catalogue.knowledge_list, name="knowledge-list"),
    path("knowledge/events.ics", calendars.events_feed, name="events-feed"),
    path("knowledge/feed/", KnowledgeFeed(), name="knowledge-feed"),
    path("knowledge/<slug:slug>/", catalogue.knowledge_detail, name="knowledge-detail"),
    path("knowledge/<slug:slug>/event.ics", calendars.event_ics, name="event-ics"),
    path(
        "solutions/export.<str:fmt>",
        exports.list_export,
        {"kind": "solutions"},
        name="solution-export",
    ),
    path(
        "projects/export.<str:fmt>",
        exports.list_export,
        {"kind": "projects"},
        name="project-export",
    ),
    path("cities/export.<str:fmt>", exports.list_export, {"kind": "cities"}, name="city-export"),
    path(
        "indicators/export.<str:fmt>",
        exports.list_export,
        {"kind": "indicators"},
        name="indicator-export",
    ),
    path(
        "knowledge/export.<str:fmt>",
        exports.list_export,
        {"kind": "knowledge"},
        name="knowledge-export",
    ),
    path("interests/", contribute.interests_update, name="interests-update"),
    path("contribute/<str:kind>/", contribute.item_create, name="item-create"),
    path("contribute/<str:kind>/<int:pk>/", contribute.item_edit, name="item-edit"),
    path("contribute/<str:kind>/<int:pk>/submit/", contribute.item_submit, name="item-submit"),
    path("my-submissions/", contribute.my_submissions, name="my-submissions"),
    path("moderation/", contribute.moderation_queue, name="moderation-queue"),
    path(
        "moderation/<str:kind>/<int:pk>/<str:decision>/",
        contribute.moderation_decide,
        name="moderation-decide",
    ),
]
