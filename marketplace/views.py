from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


# Crawlers may read every public page; not the signed-in areas, the sign-in pages, the
# streamed exports or the API (the sitemap lists the pages that hold the same data).
ROBOTS_DISALLOWED = ["/admin/", "/accounts/", "/api/", "/shape/", "/deal/", "/explore/*/export."]


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


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
