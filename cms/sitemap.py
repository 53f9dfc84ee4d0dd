"""The sitemap: every live public page of the site, in every language.

Wagtail's own sitemap lists the descendants of the site's root page, which is the Vietnamese
home page only; the English pages sit under its translation (``cms.translations``).
"""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class PublicSitemap(Sitemap):
    def items(self):
        # A home page taken down takes its language's pages off the site with it.
        homes = self.get_wagtail_site().root_page.get_translations(inclusive=True).live()
        under_a_home = Q()
        for path in homes.values_list("path", flat=True):
            under_a_home |= Q(path__startswith=path)
        pages = Page.objects.filter(under_a_home).live().public()
        return pages.order_by("path").defer_streamfields().specific()
