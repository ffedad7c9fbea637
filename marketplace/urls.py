from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from clusters import api as clusters_api
from deal import api as deal_api
from explore import api as explore_api
from explore.sitemaps import SITEMAPS
from marketplace import health, views
from shape import api as shape_api

# The admin signs in through allauth: same rate limits, e-mail verification and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Smart Cities Marketplace"

api_v1 = [
    path("me/", accounts_api.me, name="me"),
    *accounts_api.router.urls,
    *explore_api.router.urls,
    *shape_api.router.urls,
    *clusters_api.router.urls,
    *deal_api.router.urls,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("explore/", include("explore.urls")),
    path("shape/", include("shape.urls")),
    path("deal/", include("deal.urls")),
    path("clusters/", include("clusters.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler500 = "marketplace.views.server_error"

if settings.BENCH_BASELINE:
    urlpatterns += [
        path("bench/baseline/", views.bench_baseline, name="bench-baseline"),
        path("bench/frame/", views.bench_frame, name="bench-frame"),
    ]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Only public uploads; plans' files go through their access-checked download views.
    urlpatterns += static(
        f"{settings.MEDIA_URL}solutions/", document_root=settings.MEDIA_ROOT / "solutions"
    )
