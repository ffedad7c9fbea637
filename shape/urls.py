from django.urls import path

from shape.views import plans

app_name = "shape"

urlpatterns = [
    path("", plans.index, name="index"),
]
