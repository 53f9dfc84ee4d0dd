from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.models import Page, PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from workplace import periods

        from . import results_pages
        from .cache import clear_public_cache
        from .translations import mirror_privacy

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

        # A translation's privacy follows its Vietnamese page's (cms/translations.py).
        def privacy_changed(sender, instance, **kwargs):
            if not isinstance(instance, PageViewRestriction):
                return  # a group's restrictions changed from the group's side
            page = Page.objects.filter(pk=instance.page_id).first()
            if page is not None:  # not when the page itself is being deleted
                mirror_privacy(page)

        for signal in (post_save, post_delete):
            signal.connect(
                privacy_changed,
                sender=PageViewRestriction,
                weak=False,
                dispatch_uid=f"cms_translation_privacy_{signal is post_save}",
            )
        m2m_changed.connect(
            privacy_changed,
            sender=PageViewRestriction.groups.through,
            weak=False,
            dispatch_uid="cms_translation_privacy_groups",
        )
        # A published period gets its results page; an unlocked one loses it (see
        # results_pages.py), and both clear the public cache.
        periods.period_published.connect(
            results_pages.period_published, dispatch_uid="cms_period_published"
        )
        periods.period_unlocked.connect(
            results_pages.period_unlocked, dispatch_uid="cms_period_unlocked"
        )
