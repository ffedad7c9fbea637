from django.urls import path

from deal import views

app_name = "deal"

urlpatterns = [
    path("", views.index, name="index"),
]
