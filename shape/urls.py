from django.urls import path

from shape import views

app_name = "shape"

urlpatterns = [
    path("", views.index, name="index"),
]
