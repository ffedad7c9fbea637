from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def bench_baseline(request: HttpRequest) -> HttpResponse:
    # The least a request can cost in this app (middleware, routing, no database, no
    # template): `make bench` states page throughput as a share of this view's.
    return HttpResponse(b"ok", content_type="text/plain")


def bench_frame(request: HttpRequest) -> HttpResponse:
    # The frame every page is drawn in (header, navigation, footer) around no content: the
    # benchmark shows how much of a page's share of the baseline the frame alone takes.
    return render(request, "base.html")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors' failures in mind: the template needs nothing.
    return render(request, "500.html", status=500)
