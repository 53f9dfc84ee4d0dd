"""Public URLs: open data (language-neutral) and the pages (under the language prefix).

``union_site.urls`` mounts ``api_urlpatterns`` at ``/api/coverage/`` and ``page_urlpatterns``
inside ``i18n_patterns`` so that Vietnamese pages live at ``/…`` and English ones at ``/en/…``.
"""

from django.urls import path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views

from . import views
from .cache import cache_public

api_urlpatterns = (
    [
        path("", views.coverage_index, name="coverage_index"),
        path("<slug:slug>.json", views.coverage_json, name="coverage_json"),
        path("<slug:slug>.csv", views.coverage_csv, name="coverage_csv"),
        path("<slug:slug>.xlsx", views.coverage_xlsx, name="coverage_xlsx"),
    ],
    "cms_api",
)

# Wagtail's own patterns, with its page view wrapped in the public cache.
page_urlpatterns = [
    path("search/", views.search, name="search"),
    path("developers/", views.developers, name="developers"),
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, cache_public(wagtail_views.serve), name="wagtail_serve"),
]
