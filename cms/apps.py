from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from .cache import clear_public_cache

        def page_changed(sender, **kwargs):
            # The home page lists articles: a page going live or away changes public pages.
            clear_public_cache()

        page_published.connect(page_changed, weak=False, dispatch_uid="cms_page_published")
        page_unpublished.connect(page_changed, weak=False, dispatch_uid="cms_page_unpublished")
