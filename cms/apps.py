from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from workplace import periods

        from . import results_pages, translations
        from .cache import clear_public_cache

        def page_changed(sender, **kwargs):
            # The home page lists articles: a page going live or away changes public pages.
            clear_public_cache()

        page_published.connect(page_changed, weak=False, dispatch_uid="cms_page_published")
        page_unpublished.connect(page_changed, weak=False, dispatch_uid="cms_page_unpublished")
        # A page made private (or public again) must leave (or may enter) the cache at once.
        for signal in (post_save, post_delete):
            signal.connect(
                page_changed,
                sender=PageViewRestriction,
                weak=False,
                dispatch_uid=f"cms_page_privacy_{signal is post_save}",
            )

        # What is done to a Vietnamese page follows on its translations.
        translations.connect_signals()
        # A published period gets its results page; an unlocked one loses it (see
        # results_pages.py), and both clear the public cache.
        periods.period_published.connect(
            results_pages.period_published, dispatch_uid="cms_period_published"
        )
        periods.period_unlocked.connect(
            results_pages.period_unlocked, dispatch_uid="cms_period_unlocked"
        )
