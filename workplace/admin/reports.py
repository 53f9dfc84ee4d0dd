"""Coverage reports in the Wagtail admin: the figures of a period, the units behind each row,
the federation's half-year spreadsheet, and the headline panel of the admin's home page.

A locked or published period shows its frozen snapshot, an open one today's records; the unit
list (one of the admin's Reports, a Wagtail ``ReportView``) always shows today's records, each
unit with its standing and reasons, in one query for the page however many units there are.
"""

import io
from dataclasses import replace

import django_filters
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column as TableColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView as WagtailReportView

from ..compliance import (
    BREAKDOWNS,
    coverage,
    half_year_report_xlsx,
    row_key,
    standing_from_row,
    todays_map_note,
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
from ..listings import AREA, ELIGIBLE, NAME, SECTOR, TAX_CODE, UNION_BODY, Column, Columns
from ..models import Area, Enterprise, ReportingPeriod, Sector, UnionBody
from ..query_filters import (
    filter_units_by_standing,
    filter_units_from_query,
    period_from_query,
    standing_choices,
)
from ..spreadsheets import csv_chunks, write_xlsx
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
        live = _("Live figures from today's records: the period is open.")
        return f"{live} {todays_map_note(period)}".strip()
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
                        report_url(
                            "coverage_units", period=period.slug, **{self.by: row_key(self.by, row)}
                        ),
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


def standing_label(standing):
    """A unit's standing in words, as the standing filter names it."""
    labels = dict(standing_choices())
    if standing.falls_short:
        return labels["shortfall"]
    if standing.not_required:
        return labels["not_required"]
    return labels["meets"]


def coverage_unit_row(unit, period):
    standing = standing_from_row(unit, period)
    return {
        "unit": unit,
        "standing": standing_label(standing),
        "reasons": standing.reasons,
    }


def unit_link(row):
    """The unit's name, leading to its screen in the admin (and from there to its History)."""
    unit = row["unit"]
    return format_html(
        '<a href="{}">{}</a>', reverse("enterprises:edit", args=[unit.pk]), unit.name
    )


# The drill-down's columns, once: they draw the page's table and write its CSV and XLSX.
COVERAGE_UNIT_COLUMNS = Columns(
    replace(NAME, cell=unit_link),
    TAX_CODE,
    SECTOR.only_in_file(),
    AREA,
    UNION_BODY,
    ELIGIBLE,
    Column(gettext_lazy("Standing"), lambda row: row["standing"]),
    Column(
        gettext_lazy("Why it falls short"),
        lambda row: row["reasons"],
        blank="—",
        wide=True,
    ),
)


class ListingColumn(TableColumn):
    """One of a ``listings.Columns``' columns in a Wagtail table: its heading and its cell."""

    def __init__(self, column, index):
        super().__init__(f"column_{index}", label=column.shown_heading, classname=column.classes)
        self.column = column

    def get_value(self, instance):
        return self.column.page_html(instance)


def period_choices():
    return [(period.slug, period.name) for period in ReportingPeriod.objects.defer("snapshot")]


class AreaKeyField(forms.ModelChoiceField):
    """An area chosen by its ``Area.key``: a code alone may name an area on each map."""

    def prepare_value(self, value):
        return value.key if isinstance(value, Area) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        area = self.queryset.by_key(str(value))
        if area is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return area

    def valid_value(self, value):
        return True  # to_python found it in the queryset


class AreaKeyFilter(django_filters.ModelChoiceFilter):
    field_class = AreaKeyField


class CoverageUnitFilterSet(WagtailFilterSet):
    """The drill-down's filters. The period decides which units count and how, so the view
    reads it before building the list; area, union body, sector and standing narrow the list
    through ``query_filters``, as on the reviewer's pages."""

    period = django_filters.ChoiceFilter(
        label=gettext_lazy("Reporting period"),
        choices=period_choices,
        empty_label=gettext_lazy("The current period"),
        method="chosen_by_the_view",
    )
    area = AreaKeyFilter(
        label=gettext_lazy("Area"),
        queryset=Area.objects.order_by("era", "path"),
        method="chosen_by_the_view",
    )
    union_body = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Union body"),
        queryset=UnionBody.objects.order_by("path"),
        to_field_name="code",
        method="chosen_by_the_view",
    )
    sector = django_filters.ChoiceFilter(
        label=gettext_lazy("Sector"), choices=Sector.choices, method="chosen_by_the_view"
    )
    standing = django_filters.ChoiceFilter(
        label=gettext_lazy("Standing"), choices=standing_choices, method="chosen_by_the_view"
    )

    class Meta:
        model = Enterprise
        fields = []

    def chosen_by_the_view(self, queryset, name, value):
        return queryset  # applied all together in filter_queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        codes = {
            "area": getattr(data.get("area"), "key", None),
            "union_body": getattr(data.get("union_body"), "code", None),
        }
        codes["sector"] = data.get("sector")
        units, _kept, _described = filter_units_from_query(codes, queryset)
        return filter_units_by_standing(units, data.get("standing"))


class CoverageUnitsView(FederationOnlyMixin, WagtailReportView):
    """The units behind a row of the coverage report, each with its standing and reasons.

    The list follows today's records, whether or not the period's figures are frozen. Its
    CSV and XLSX hold every filtered unit, written by ``COVERAGE_UNIT_COLUMNS`` through the
    application's safe spreadsheet writer, so the columns are defined once for both.
    """

    page_title = gettext_lazy("Units in scope")
    header_icon = "list-ul"
    results_template_name = "workplace/admin/reports/units_results.html"
    index_url_name = "coverage_units"
    index_results_url_name = "coverage_units_results"
    filterset_class = CoverageUnitFilterSet
    paginate_by = PAGE_SIZE

    @cached_property
    def period(self):
        period = period_from_query(self.request)
        if period is None:
            raise Http404(_("There is no reporting period yet."))
        return period

    def get(self, request, *args, **kwargs):
        if self.filters and not self.filters.is_valid():
            raise Http404(_("Unknown filter value."))
        if self.is_export:
            return self.as_spreadsheet(self.get_filtered_queryset(), request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.period.name

    def get_breadcrumbs_items(self):
        report = {
            "url": report_url("coverage_report", period=self.period.slug),
            "label": _("Coverage report"),
        }
        return self.breadcrumbs_items + [report, {"url": "", "label": self.get_page_title()}]

    def get_base_queryset(self):
        return (
            Enterprise.objects.in_scope(self.period)
            .with_shortfall_facts(self.period)
            .select_related("area", "union_body")
        )

    def order_queryset(self, queryset):
        return queryset.order_by("name", "tax_code")

    @cached_property
    def columns(self):
        return [
            ListingColumn(column, index)
            for index, column in enumerate(COVERAGE_UNIT_COLUMNS.page_columns())
        ]

    def get_table(self, object_list):
        self.rows = [coverage_unit_row(unit, self.period) for unit in object_list]
        return super().get_table(self.rows)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context.update({"period": self.period, "rows": self.rows})
        return context

    # --- the spreadsheet: every filtered unit, read as it is written -----------------------

    @cached_property
    def show_export_buttons(self):
        return True

    def get_filename(self):
        return f"units-{self.period.slug}"

    def spreadsheet_rows(self, units):
        rows = (coverage_unit_row(unit, self.period) for unit in units.iterator(chunk_size=2000))
        return COVERAGE_UNIT_COLUMNS.file_rows(rows)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if spreadsheet_format == self.FORMAT_CSV:
            return attachment(
                csv_chunks(self.spreadsheet_rows(queryset)), f"{self.get_filename()}.csv"
            )
        buffer = io.BytesIO()
        write_xlsx(self.spreadsheet_rows(queryset), buffer, _("Units"))
        buffer.seek(0)
        return attachment(buffer, f"{self.get_filename()}.xlsx")


class CoverageReportXlsxView(FederationOnlyMixin, View):
    def get(self, request, slug):
        period = get_object_or_404(ReportingPeriod, slug=slug)
        content = half_year_report_xlsx(coverage(period), period.decimals)
        return attachment(content, f"coverage-{period.slug}.xlsx")


coverage_report = CoverageReportView.as_view()
coverage_units = CoverageUnitsView.as_view()
coverage_units_results = CoverageUnitsView.as_view(results_only=True)
coverage_report_xlsx = CoverageReportXlsxView.as_view()

urlpatterns = [
    path("reports/coverage/", coverage_report, name="coverage_report"),
    # The drill-down keeps the address it had before it became one of the Reports.
    path("reports/coverage/units/", coverage_units, name="coverage_units"),
    path("reports/coverage/units/results/", coverage_units_results, name="coverage_units_results"),
    path("reports/coverage/<slug:slug>.xlsx", coverage_report_xlsx, name="coverage_report_xlsx"),
]

# (label, URL name, icon, order) of the admin menu items this module adds.
MENU = [(gettext_lazy("Coverage report"), "coverage_report", "table", 200)]
# The same, for the items it adds to the admin's Reports menu.
REPORTS_MENU = [(gettext_lazy("Units by standing"), "coverage_units", "list-ul", 100)]


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
