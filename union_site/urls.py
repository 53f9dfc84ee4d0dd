from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.cache import cache_public
from cms.sitemap import PublicSitemap
from cms.urls import api_urlpatterns, page_urlpatterns

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("workplace.portal.urls")),
    # Open data and the sitemap are the same in every language.
    path("api/coverage/", include(api_urlpatterns)),
    path("api/v1/", include("cms.api")),
    path(
        "sitemap.xml",
        cache_public(sitemap),
        {"sitemaps": {"pages": PublicSitemap}},
        name="sitemap",
    ),
    # For load balancers and monitors: no login, never cached (union_site/health.py).
    path("health/", include("union_site.health")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages: Vietnamese at /…, English at /en/…. Wagtail's page serving catches everything
# else, so it comes last.
urlpatterns += i18n_patterns(path("", include(page_urlpatterns)), prefix_default_language=False)
