"""Coverage reports in the Wagtail admin: the figures of a period, the units behind each row,
the federation's half-year spreadsheet, and the headline panel of the admin's home page.

A locked or published period shows its frozen snapshot, an open one today's records; the unit
lists always show today's records, each unit with the reasons it falls short, in one query for
the page however many units there are.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ..compliance import (
    BREAKDOWNS,
    coverage,
    half_year_report_xlsx,
    reasons_from_row,
)
from ..downloads import attachment
from ..indicators import (
    DASHBOARD,
    HEADLINE,
    PUBLIC_SECTOR_TABLE,
    display_row,
    shown_in,
    shown_row,
    shown_value,
    table_headings,
)
from ..listings import AREA, ELIGIBLE, NAME, TAX_CODE, UNION_BODY, Column, Columns
from ..models import Enterprise, ReportingPeriod, Sector
from ..query_filters import filter_units_from_query, period_from_query
from .access import FederationOnlyMixin, is_federation_staff

PAGE_SIZE = 50


def breakdown_captions():
    return {
        "area": _("By area"),
        "union_body": _("By union body"),
        "sector": _("By sector"),
    }


def report_url(name, **params):
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse(name) + (f"?{query}" if query else "")


def figures_source(period):
    """Say where the figures come from: the snapshot frozen at lock time, or today's records."""
    if not (period.is_frozen and period.snapshot):
        return _("Live figures from today's records: the period is open.")
    if period.locked_at is None:
        return _("Figures frozen when the period was locked.")
    return _("Figures frozen when the period was locked, on %(date)s.") % {
        "date": date_format(timezone.localtime(period.locked_at), "SHORT_DATETIME_FORMAT")
    }


def breakdown_rows(report, by):
    rows = report["breakdowns"][by]
    if by == "sector":
        # Shown in the reader's language; the snapshot names sectors in the site's language.
        rows = [{**row, "name": str(Sector(row["code"]).label)} for row in rows]
    return rows


def public_sector_table(section, by):
    """The agencies' and public service units' rows of the breakdown, None without any."""
    if not section["totals"].get("units"):
        return None
    table = PUBLIC_SECTOR_TABLE
    return {
        "headings": table_headings(DASHBOARD, table),
        "rows": [shown_row(row, DASHBOARD, table) for row in breakdown_rows(section, by)],
        "totals": shown_row({"name": _("Total"), **section["totals"]}, DASHBOARD, table),
    }


class ReportView(FederationOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class CoverageReportView(ReportView):
    template_name = "workplace/admin/reports/coverage.html"

    def get_page_title(self):
        return _("Coverage report")

    def get(self, request, *args, **kwargs):
        self.period = period_from_query(request)
        self.by = request.GET.get("by") or "area"
        if self.by not in BREAKDOWNS:
            raise Http404(_("Unknown breakdown."))
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.period.name if self.period else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period
        context.update({"period": period, "periods": ReportingPeriod.objects.all(), "by": self.by})
        if period is None:
            return context
        report = coverage(period)
        captions = breakdown_captions()
        context.update(
            {
                "source": figures_source(period),
                "tabs": [
                    {
                        "by": by,
                        "caption": caption,
                        "url": report_url("coverage_report", period=period.slug, by=by),
                    }
                    for by, caption in captions.items()
                ],
                "caption": captions[self.by],
                "headings": table_headings(DASHBOARD),
                "rows": [
                    display_row(
                        row,
                        report_url("coverage_units", period=period.slug, **{self.by: row["code"]}),
                    )
                    for row in breakdown_rows(report, self.by)
                ],
                "totals": display_row(
                    {"name": _("Total"), **report["totals"]},
                    report_url("coverage_units", period=period.slug),
                ),
                "public_sector": public_sector_table(report["public_sector"], self.by),
                "xlsx_url": reverse("coverage_report_xlsx", args=[period.slug]),
                "period_url": reverse("periods:status", args=[period.pk]),
            }
        )
        return context


def unit_slice(request):
    """All units narrowed by the query string's area, union body or sector (not yet by period)."""
    return filter_units_from_query(request.GET, Enterprise.objects.all())


COVERAGE_UNIT_COLUMNS = Columns(
    NAME,
    TAX_CODE,
    AREA,
    UNION_BODY,
    ELIGIBLE,
    Column(
        gettext_lazy("Why it falls short"),
        lambda row: row["reasons"],
        blank=gettext_lazy("Meets every indicator."),
    ),
)


class CoverageUnitsView(ReportView):
    template_name = "workplace/admin/reports/units.html"

    def get_page_title(self):
        return _("Units in scope")

    def get_breadcrumbs_items(self):
        report = {"url": reverse("coverage_report"), "label": _("Coverage report")}
        if self.period is not None:
            report["url"] = report_url("coverage_report", period=self.period.slug)
        return self.breadcrumbs_items + [report, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        self.period = period_from_query(request)
        if self.period is None:
            raise Http404(_("There is no reporting period yet."))
        self.units, self.kept, self.described = unit_slice(request)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.period.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period
        rows = (
            self.units.in_scope(period)
            .with_shortfall_facts(period)
            .select_related("area", "union_body")
            .order_by("name", "tax_code")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("p"))
        rows = [{"unit": unit, "reasons": reasons_from_row(unit, period)} for unit in page]
        context.update(
            {
                "period": period,
                "described": self.described,
                "page": page,
                "elided_page_range": page.paginator.get_elided_page_range(page.number),
                "rows": rows,
                "table": COVERAGE_UNIT_COLUMNS.table(rows),
                "report_url": report_url("coverage_report", period=period.slug),
            }
        )
        return context


class CoverageReportXlsxView(FederationOnlyMixin, View):
    def get(self, request, slug):
        period = get_object_or_404(ReportingPeriod, slug=slug)
        content = half_year_report_xlsx(coverage(period), period.decimals)
        return attachment(content, f"coverage-{period.slug}.xlsx")


coverage_report = CoverageReportView.as_view()
coverage_units = CoverageUnitsView.as_view()
coverage_report_xlsx = CoverageReportXlsxView.as_view()

urlpatterns = [
    path("reports/coverage/", coverage_report, name="coverage_report"),
    path("reports/coverage/units/", coverage_units, name="coverage_units"),
    path("reports/coverage/<slug:slug>.xlsx", coverage_report_xlsx, name="coverage_report_xlsx"),
]

# (label, URL name, icon, order) of the admin menu items this module adds.
MENU = [(gettext_lazy("Coverage report"), "coverage_report", "table", 200)]


# --- the admin home page --------------------------------------------------------------------


class CoverageHeadlinePanel(Component):
    """The current period's headline figures, at the top of the admin's home page."""

    name = "coverage_headline"
    template_name = "workplace/admin/reports/dashboard_panel.html"
    order = 50

    def __init__(self, period):
        self.period = period

    def get_context_data(self, parent_context=None):
        period = self.period
        if period is None:
            return {"period": None, "add_period_url": reverse("periods:add")}
        totals = coverage(period)["totals"]
        return {
            "period": period,
            "source": figures_source(period),
            **{i.key: shown_value(i, totals) for i in shown_in(HEADLINE)},
            "report_url": report_url("coverage_report", period=period.slug),
            "period_url": reverse("periods:status", args=[period.pk]),
        }


def dashboard_panels(request):
    """The panels this module adds to the admin's home page (federation staff only)."""
    if not is_federation_staff(request.user):
        return []
    return [CoverageHeadlinePanel(ReportingPeriod.objects.current(timezone.localdate()))]
