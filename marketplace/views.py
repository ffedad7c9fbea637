from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors' failures in mind: the template needs nothing.
    return render(request, "500.html", status=500)
