"""Public pages: the home page, a results page per period, and articles with live figures.

Each page is written in one language: Vietnamese pages at ``/…``, their English translations
at ``/en/…`` (``cms.translations``). Figures come from published snapshots only (see
``cms.figures``); figure blocks read them in the reader's language.
"""

import logging

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, PageManager, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from union_site import site_address
from workplace.models import ReportingPeriod

from . import figures
from .blocks import ArticleStreamBlock
from .translations import english_home, in_vietnamese

PUBLISHED = ReportingPeriod.Status.PUBLISHED
logger = logging.getLogger(__name__)


class PublicPage(Page):
    """A page of the public site, in Vietnamese or in English (its locale: cms.translations)."""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["heading"] = self.title
        return context

    def get_sitemap_urls(self, request=None):
        """The page at the public address ``SITE_URL``, whatever address the sitemap was
        asked for at (its translation is an item of the sitemap of its own)."""
        parts = self.get_url_parts(request)
        if parts is None or parts[2] is None:
            return []
        return [
            {
                "location": site_address.absolute_url(parts[2]),
                "lastmod": self.last_published_at or self.latest_revision_created_at,
            }
        ]


class HomePage(PublicPage):
    intro = RichTextField(gettext_lazy("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
    ]
    search_fields = PublicPage.search_fields + [
        index.SearchField("intro"),
    ]

    max_count = 1
    subpage_types = ["cms.ResultsPage", "cms.ArticlePage"]

    class Meta:
        verbose_name = gettext_lazy("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["intro"] = self.intro
        latest = figures.latest_published_period()
        data = figures.period_figures(latest)
        if data is not None:
            previous = figures.comparable_period(latest)
            previous_data = figures.period_figures(previous)
            context["latest"] = {
                "label": data["period_label"],
                "previous_label": previous_data["period_label"] if previous_data else None,
                "headline": figures.headline(
                    data["totals"],
                    previous_data["totals"] if previous_data else None,
                    previous_data["period_label"] if previous_data else "",
                ),
                "page_url": results_page_url(latest, request, self.locale),
            }
        published = list(figures.published_periods().order_by("-end", "start"))
        page_urls = results_page_urls(published, request, self.locale)
        context["periods"] = [
            {
                "label": figures.period_label(period),
                "page_url": page_urls.get(period.pk),
                "json_url": reverse("cms_api:coverage_json", args=[period.slug]),
                "csv_url": reverse("cms_api:coverage_csv", args=[period.slug]),
            }
            for period in published
        ]
        articles = ArticlePage.objects.live().public().publicly_visible().filter(locale=self.locale)
        context["articles"] = [
            {
                "url": article.get_url(request),
                "title": article.title,
                "date": figures.format_day(article.shown_date) if article.shown_date else "",
            }
            for article in articles.order_by("-first_published_at")[:5]
        ]
        return context


def _live_results_pages(locale=None):
    """Live public results pages in ``locale`` (the reader's language by default)."""
    return ResultsPage.objects.live().public().filter(locale=locale or Locale.get_active())


def results_page_url(period, request=None, locale=None):
    page = _live_results_pages(locale).filter(period=period).order_by("path").first()
    return page.get_url(request) if page else None


def results_page_urls(periods, request=None, locale=None):
    """{period id: URL of its first results page} for all ``periods`` in one query, so a list
    of periods does not look each page up on its own."""
    pages = _live_results_pages(locale).filter(period__in=periods).order_by("path")
    urls = {}
    for page in pages:
        urls.setdefault(page.period_id, page.get_url(request))
    return urls


class ResultsQuerySet(PageQuerySet):
    def publicly_visible(self):
        return self.filter(period__status=PUBLISHED)

    def hidden(self):
        return self.exclude(period__status=PUBLISHED)


class ResultsPage(PublicPage):
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="results_pages",
        limit_choices_to={"status": PUBLISHED},
        verbose_name=gettext_lazy("reporting period"),
        help_text=gettext_lazy(
            "Only published periods can be chosen. If the period is unpublished, this page "
            "disappears from the site until it is published again."
        ),
    )
    intro = RichTextField(gettext_lazy("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("period"),
        FieldPanel("intro"),
    ]
    search_fields = PublicPage.search_fields + [
        index.SearchField("intro"),
        index.FilterField("period"),
    ]

    objects = PageManager.from_queryset(ResultsQuerySet)()

    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = gettext_lazy("results page")

    @property
    def is_public(self):
        # Without reading the snapshot: serving the page needs only to know there is one
        # (its figures come rendered, see ``figures.rendered_results``).
        published = ReportingPeriod.objects.filter(
            pk=self.period_id, status=ReportingPeriod.Status.PUBLISHED
        )
        return published.exclude(snapshot=None).exists()

    def serve(self, request, *args, **kwargs):
        # A period taken off the public site takes its results page with it.
        if not self.is_public:
            raise Http404(_("These results are not published."))
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_public else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["intro"] = self.intro
        context["figures_html"] = figures.rendered_results(self.period_id)
        return context


def _stated_periods_published():
    """Every period an article states figures of is published (or it states none)."""
    return (Q(source_period=None) | Q(source_period__status=PUBLISHED)) & (
        Q(compared_period=None) | Q(compared_period__status=PUBLISHED)
    )


class ArticleQuerySet(PageQuerySet):
    def publicly_visible(self):
        return self.filter(_stated_periods_published())

    def hidden(self):
        return self.exclude(_stated_periods_published())


class ArticlePage(PublicPage):
    date = models.DateField(
        gettext_lazy("date"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Shown with the article; the first publication date if empty."),
    )
    summary = models.TextField(gettext_lazy("summary"), blank=True)
    body = StreamField(ArticleStreamBlock(), verbose_name=gettext_lazy("body"), blank=True)
    source_period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=gettext_lazy("figures written from"),
        help_text=gettext_lazy(
            "The period whose figures the text quotes. The article is only shown while that "
            "period is published."
        ),
    )
    compared_period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="compared_in_articles",
        verbose_name=gettext_lazy("compared with"),
        help_text=gettext_lazy(
            "The earlier period the text compares with. The article is only shown while that "
            "period is published too."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    settings_panels = Page.settings_panels + [
        FieldPanel("source_period"),
        FieldPanel("compared_period"),
    ]
    search_fields = PublicPage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("source_period"),
        index.FilterField("compared_period"),
    ]

    objects = PageManager.from_queryset(ArticleQuerySet)()

    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = gettext_lazy("article")

    @property
    def is_public(self):
        """Shown only while every period whose figures it states is published."""
        return all(
            period_id is None or figures.is_public(period)
            for period_id, period in (
                (self.source_period_id, self.source_period),
                (self.compared_period_id, self.compared_period),
            )
        )

    @property
    def shown_date(self):
        if self.date:
            return self.date
        moment = self.first_published_at or self.latest_revision_created_at
        return timezone.localtime(moment).date() if moment else None

    def serve(self, request, *args, **kwargs):
        # Text quoting a period's figures goes when the period is unpublished.
        if not self.is_public:
            raise Http404(_("This article is not available."))
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_public else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["summary"] = self.summary
        context["body"] = self.body
        context["date"] = figures.format_day(self.shown_date) if self.shown_date else ""
        return context


def hidden_page_ids():
    """Pages whose figures are not public: left out of search and listings."""
    return list(ResultsPage.objects.hidden().values_list("pk", flat=True)) + list(
        ArticlePage.objects.hidden().values_list("pk", flat=True)
    )


def vietnamese_home():
    """The home page in the site's first language (the English one is its translation): the
    default site's root page, else the first home page in that language."""
    homes = in_vietnamese(HomePage.objects.all())
    return homes.filter(sites_rooted_here__is_default_site=True).first() or homes.first()


def ensure_home_page(title, intro=""):
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page, give
    it its English translation, and give the site the public address (``follow_site_address``)."""
    home = vietnamese_home()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=title, slug="home-udt", intro=intro)
        root.add_child(instance=home)
        home.save_revision().publish()
    hostname, port = site_address.host_and_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True
        )
    elif site.root_page_id != home.pk:
        welcome = site.root_page
        site.root_page = home
        site.save()
        if welcome.specific_class is Page and not welcome.get_children().exists():
            welcome.delete()
    follow_site_address(site)
    english_home(home)
    return home


def follow_site_address(site=None):
    """Give the default Wagtail site (or ``site``) the host name and port of ``SITE_URL``.

    Wagtail builds its absolute links (the admin's "view live", previews) from this record,
    which its migration creates as ``localhost:80``. Returns True when it had to change.
    """
    site = site or Site.objects.filter(is_default_site=True).first()
    hostname, port = site_address.host_and_port()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        logger.warning("Another site already has the address %s:%s", hostname, port)
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return True
