from django.urls import path

from explore import views

app_name = "explore"

urlpatterns = [
    path("", views.index, name="index"),
    path("interests/", views.interests_update, name="interests-update"),
]
