"""Every published period has a results page on the public site.

``workplace.periods`` announces publishing and unlocking with signals; ``cms.apps`` connects
the two receivers below. Publishing brings the period's results page up: the one it already
has (an editor's text is kept from one publication to the next), else a new one under the
home page. Unlocking takes its pages down without deleting them. Either way the public cache
is cleared once the change is committed.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import figures
from .cache import clear_public_cache
from .models import ResultsPage, vietnamese_home
from .translations import ENGLISH, free_slug, in_vietnamese, translate, translation_in

logger = logging.getLogger(__name__)

SLUG_PREFIX = "ket-qua-"  # Vietnamese for "results of": /ket-qua-2023-h1/
ENGLISH_SLUG_PREFIX = "results-"  # its English page: /en/results-2023-h1/


def results_titles(period):
    """The page title in Vietnamese and in English: 'Kết quả 6 tháng đầu năm 2023'."""
    # The period's name exactly as the federation wrote it, as the home page lists it.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Results for %(period)s") % {"period": period.name}
    with translation.override("en"):
        title_en = _("Results for %(period)s") % {"period": figures.english_period_phrase(period)}
    return title, title_en


def bring_up_results_page(period):
    """The period's live Vietnamese results page, brought back or created, with its English
    translation; None without a home page."""
    pages = in_vietnamese(ResultsPage.objects.filter(period=period)).order_by("path")
    page = pages.live().first()
    if page is None and (page := pages.first()) is not None:
        # Taken down when the period was unlocked: back with its text as last saved.
        _republish(page)
    if page is None:
        page = _new_results_page(period)
    if page is None:
        return None
    english = translation_in(page, ENGLISH)
    if english is not None and not english.live:
        _republish(english)
    elif english is None:
        _title, title_en = results_titles(period)
        translate(page, ENGLISH_SLUG_PREFIX + period.slug, title=title_en)
    return page


def _republish(page):
    (page.get_latest_revision() or page.save_revision()).publish()


def _new_results_page(period):
    home = vietnamese_home()
    if home is None:
        logger.warning("No home page yet: period %s has no results page", period.slug)
        return None
    title, _title_en = results_titles(period)
    page = ResultsPage(slug=free_slug(home, SLUG_PREFIX + period.slug), title=title, period=period)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def take_down_results_pages(period):
    """Unpublish the period's results pages in every language; they are kept for its next
    publication. (Unpublishing the Vietnamese page takes its translation down with it,
    ``cms.translations``, hence one page at a time, as they are now.)"""
    while (page := ResultsPage.objects.filter(period=period).live().first()) is not None:
        page.unpublish()


def period_published(sender, period, **kwargs):
    bring_up_results_page(period)
    transaction.on_commit(clear_public_cache)


def period_unlocked(sender, period, **kwargs):
    take_down_results_pages(period)
    transaction.on_commit(clear_public_cache)
