"""The reviewer's workspace: coverage of their scope and the lists that say whom to chase.

Every query starts from ``Enterprise.objects.visible_to(user)``. A code given in the query
string (area, union body, sector, period) is looked up before use and an unknown one is a 404;
a union body outside the user's subtree is unknown to them, so a filter can narrow a list but
never widen it. Each list is one query for its rows however many units there are, and each
exports to CSV or XLSX with exactly the rows of the filtered list.
"""

import io
import re
from dataclasses import replace

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.compliance import (
    compute_coverage,
    row_key,
    standing_from_row,
    todays_map_note,
)
from workplace.downloads import attachment
from workplace.indicators import (
    DASHBOARD,
    PUBLIC_SECTOR_TABLE,
    Figures,
    display_row,
    displayed_labels,
    export_headings,
    file_lines,
    shown_row,
    table_headings,
)
from workplace.listings import (
    AREA,
    ELIGIBLE,
    NAME,
    SECTOR,
    TAX_CODE,
    UNION_BODY,
    Column,
    Columns,
    template_cell,
)
from workplace.models import (
    CollectiveAgreement,
    Enterprise,
    ReportingPeriod,
    Sector,
    UnionBody,
)
from workplace.query_filters import UNIT_STANDINGS, filter_units_from_query, period_from_query
from workplace.spreadsheets import write_csv, write_xlsx

from .access import reviewer_view

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")

# The unit list's views beside "every unit", by their query-string switch: the units that fall
# short, and those not required to hold a worker conference (which cannot fall short of it).
# The reviewer's list switches one standing on at a time (?shortfall=1, ?not_required=1).
STANDING_FILTERS = {name: UNIT_STANDINGS[name] for name in ("shortfall", "not_required")}


# --- shared helpers -------------------------------------------------------------------------


def bodies_in_scope(user):
    """The union bodies whose units the user may review: their body's subtree, or all."""
    if user.is_federation:
        return UnionBody.objects.all()
    return UnionBody.objects.subtree(user.union_body)


def export_format(request):
    """``csv``, ``xlsx`` or None for the HTML page; any other value is a 404."""
    fmt = request.GET.get("format")
    if fmt is None or fmt == "":
        return None
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Unknown export format."))
    return fmt


def _sheet_title(title):
    # Characters a worksheet name may not hold, and Excel's 31-character limit.
    return re.sub(r"[\\/?*\[\]:]", " ", title)[:31] or "Sheet"


def spreadsheet_response(rows, fmt, filename, title):
    """``rows`` (header first) as a CSV or XLSX download; text cells never run as formulas.

    ``write_csv`` and ``write_xlsx`` put formula-like text behind a quote.
    """
    if fmt == "csv":
        text = io.StringIO()
        write_csv(rows, text)
        content = text.getvalue()
    else:
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, _sheet_title(title))
        content = buffer.getvalue()
    return attachment(content, f"{filename}.{fmt}")


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def list_url(name, **params):
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse(name) + (f"?{query}" if query else "")


def active_units(user):
    """The user's units that are real enterprises (a rejected registration is not one)."""
    return Enterprise.objects.visible_to(user).exclude(
        registration=Enterprise.Registration.REJECTED
    )


def unit_link(row):
    """The unit's name, leading to its page."""
    unit = row["unit"]
    return format_html('<a href="{}">{}</a>', reverse("portal:unit", args=[unit.pk]), unit.name)


def list_export(columns, rows, fmt, filename, title):
    """The list's ``rows`` as a CSV or XLSX download, with its ``columns``' values."""
    return spreadsheet_response(columns.file_rows(rows), fmt, filename, title)


# --- 1. the dashboard: coverage of the user's scope -----------------------------------------

BREAKDOWN_CAPTIONS = {
    "area": lambda: _("Coverage by area"),
    "union_body": lambda: _("Coverage by union body"),
    "sector": lambda: _("Coverage by sector"),
}


def scoped_breakdown(report, by, user):
    """The breakdown's rows the user may drill into.

    The union-body roll-up also carries the bodies above a reviewer's own (with the same
    figures as their body); those lie outside their scope, so they are left out.
    """
    rows = report["breakdowns"][by]
    if by == "union_body" and not user.is_federation:
        codes = set(bodies_in_scope(user).values_list("code", flat=True))
        rows = [row for row in rows if row["code"] in codes]
    if by == "sector":
        # Shown in the reader's language; the engine names sectors in the site's language.
        rows = [{**row, "name": str(Sector(row["code"]).label)} for row in rows]
    return rows


def frozen_totals(period, user):
    """The figures frozen when ``period`` was locked, for the user's scope, in display form.

    The snapshot holds every union body with its whole subtree, so a reviewer's scope is the
    row of their own body; federation staff see the snapshot's totals. None while the period
    is open (or for a body that had no unit when it was locked: an empty row).
    """
    if period is None or not period.is_frozen or not period.snapshot:
        return None
    snapshot = period.snapshot
    if user.is_federation:
        row = snapshot["totals"]
    else:
        code = user.union_body.code if user.union_body else None
        found = [r for r in snapshot["breakdowns"]["union_body"] if r["code"] == code]
        row = found[0] if found else Figures().as_dict()
    return display_row({"name": _("Total"), **row})


def figure_list(row, frozen=None):
    """The dashboard's figures of ``row`` with their labels; with ``frozen``, each says
    whether today's records moved it away from the frozen figure."""
    return [
        {
            "key": key,
            "label": label,
            "value": row[key],
            "moved": frozen is not None and frozen[key] != row[key],
        }
        for key, label in displayed_labels().items()
    ]


def public_sector_figures(totals):
    """The agencies' and public service units' figures of the scope, None when it has none."""
    if not totals.get("units"):
        return None
    shown = shown_row({"name": _("Total"), **totals}, DASHBOARD, PUBLIC_SECTOR_TABLE)
    return shown["cells"]


def coverage_tables(report, user, period):
    tables = []
    for by, caption in BREAKDOWN_CAPTIONS.items():
        rows = [
            display_row(
                row, list_url("portal:review_units", period=period.slug, **{by: row_key(by, row)})
            )
            for row in scoped_breakdown(report, by, user)
        ]
        tables.append({"by": by, "caption": caption(), "rows": rows})
    return tables


def coverage_export(report, by, user, period, fmt):
    header = [_("Code"), _("Name"), *export_headings().values()]
    rows = [header, *file_lines(scoped_breakdown(report, by, user), report["totals"])]
    return spreadsheet_response(
        rows, fmt, f"coverage-{by.replace('_', '-')}-{period.slug}", BREAKDOWN_CAPTIONS[by]()
    )


@reviewer_view
def dashboard(request):
    user = request.user
    period = period_from_query(request)
    fmt = export_format(request)
    units = Enterprise.objects.visible_to(user)
    report = compute_coverage(period, units=units) if period else None
    if fmt:
        by = request.GET.get("by", "area")
        if by not in BREAKDOWN_CAPTIONS:
            raise Http404(_("Unknown breakdown."))
        if report is None:
            raise Http404(_("There is no reporting period yet."))
        return coverage_export(report, by, user, period, fmt)

    totals = display_row({"name": _("Total"), **report["totals"]}) if report else None
    frozen = frozen_totals(period, user)
    context = {
        "period": period,
        "todays_map": todays_map_note(period) if period else "",
        "periods": ReportingPeriod.objects.defer("snapshot"),
        "pending_count": units.filter(registration=Enterprise.Registration.PENDING).count(),
        "totals": totals,
        "frozen": frozen and figure_list(frozen),
        "live_figures": totals and figure_list(totals, frozen),
        "public_sector": report and public_sector_figures(report["public_sector"]["totals"]),
        "tables": coverage_tables(report, user, period) if report else [],
        "headings": table_headings(DASHBOARD),
        "all_units_url": period and list_url("portal:review_units", period=period.slug),
        "short_units_url": period
        and list_url("portal:review_units", period=period.slug, shortfall="1"),
    }
    return render(request, "portal/review/dashboard.html", context)


# --- 2. units of the period, filtered, with the reasons they fall short ---------------------


def unit_filters(request, user):
    """The list's filters from the query string, each looked up within the user's scope.

    Returns the filtered units (not yet limited to the period), the clean filter values to
    carry along, and a description of each filter in words.
    """
    units, kept, described = filter_units_from_query(
        request.GET, Enterprise.objects.visible_to(user), bodies=bodies_in_scope(user)
    )
    if search := request.GET.get("q", "").strip():
        units = units.filter(Q(name__icontains=search) | Q(tax_code__icontains=search))
        kept["q"] = search
        described.append((_("Search"), search))
    if shown := chosen_standing(request.GET):
        kept[shown] = "1"
    return units, kept, described


def chosen_standing(params):
    """Which of ``STANDING_FILTERS`` the query string switches on (the first), or None."""
    return next((name for name in STANDING_FILTERS if params.get(name) == "1"), None)


def period_units(units, period, shown=None):
    """In-scope units with the facts behind their reasons, in one query; ``shown`` names one
    of ``STANDING_FILTERS`` to list only those units."""
    rows = (
        units.in_scope(period)
        .with_shortfall_facts(period)
        .select_related("area", "union_body")
        .order_by("name", "tax_code")
    )
    return rows.filter(STANDING_FILTERS[shown]) if shown else rows


PERIOD_UNIT_COLUMNS = Columns(
    TAX_CODE,
    replace(NAME, cell=unit_link),
    SECTOR.only_in_file(),
    AREA,
    UNION_BODY.only_in_file(),
    ELIGIBLE.only_in_file(),
    Column(
        gettext_lazy("Status"),
        cell=template_cell("portal/review/_standing_cell.html"),
        in_file=False,
    ),
    Column(
        gettext_lazy("Why it falls short"),
        lambda row: row["standing"].falls_short,
        blank="—",
        list_class="shortfalls",
        wide=True,
    ),
    Column(
        gettext_lazy("Why it is not required to hold a worker conference"),
        lambda row: row["standing"].not_required,
        on_page=False,
    ),
)


def period_unit_row(unit, period):
    return {"unit": unit, "standing": standing_from_row(unit, period)}


def standing_links(period, kept):
    """The unit list's three views (every unit, falling short, not required), each keeping
    the other filters, with the one shown now marked."""
    others = {key: value for key, value in kept.items() if key not in STANDING_FILTERS}
    views = [
        (None, _("Every unit")),
        ("shortfall", _("Units that fall short")),
        ("not_required", _("Not required to hold a worker conference")),
    ]
    current = chosen_standing(kept)
    return [
        {
            "label": label,
            "url": list_url(
                "portal:review_units", period=period.slug, **others, **({name: "1"} if name else {})
            ),
            "current": name == current,
        }
        for name, label in views
    ]


def units_export(units, period, fmt):
    rows = (period_unit_row(unit, period) for unit in units.iterator(chunk_size=2000))
    title = _("Units %(period)s") % {"period": period}
    return list_export(PERIOD_UNIT_COLUMNS, rows, fmt, f"units-{period.slug}", title)


@reviewer_view
def unit_list(request):
    period = period_from_query(request)
    fmt = export_format(request)
    units, kept, described = unit_filters(request, request.user)
    if period is None:
        if fmt:
            raise Http404(_("There is no reporting period yet."))
        return render(request, "portal/review/units.html", {"period": None})

    shown = chosen_standing(kept)
    rows = period_units(units, period, shown)
    if fmt:
        return units_export(rows, period, fmt)
    page = paginate(request, rows)
    rows = [period_unit_row(unit, period) for unit in page]
    context = {
        "period": period,
        "periods": ReportingPeriod.objects.defer("snapshot"),
        "kept": kept,
        "hidden": [(k, v) for k, v in kept.items() if k != "q"],
        "described": described,
        "shown": shown,
        "standing_links": standing_links(period, kept),
        "page": page,
        "rows": rows,
        "table": PERIOD_UNIT_COLUMNS.table(rows),
    }
    return render(request, "portal/review/units.html", context)


# --- 3. registrations awaiting verification -------------------------------------------------


def pending_units(user):
    return (
        Enterprise.objects.visible_to(user)
        .filter(registration=Enterprise.Registration.PENDING)
        .select_related("area", "union_body", "registered_by")
        .order_by("-created_at", "-pk")
    )


def registered_on(unit):
    return timezone.localtime(unit.created_at).date()


def pending_unit_link(row):
    """The unit's name, leading to its page, and its registration's status."""
    status = row["unit"].get_registration_display()
    return format_html('{} <span class="status-pending">({})</span>', unit_link(row), status)


PENDING_COLUMNS = Columns(
    TAX_CODE,
    replace(NAME, cell=pending_unit_link),
    SECTOR.only_in_file(),
    AREA,
    UNION_BODY,
    Column(gettext_lazy("Registered on"), lambda row: row["registered_on"]),
    Column(
        gettext_lazy("Registered by"),
        lambda row: str(row["unit"].registered_by) if row["unit"].registered_by else "",
        blank="—",
    ),
)


def pending_row(unit):
    return {"unit": unit, "registered_on": registered_on(unit)}


@reviewer_view
def pending(request):
    units = pending_units(request.user)
    fmt = export_format(request)
    if fmt:
        rows = (pending_row(unit) for unit in units.iterator(chunk_size=2000))
        filename = f"pending-registrations-{timezone.localdate().isoformat()}"
        return list_export(PENDING_COLUMNS, rows, fmt, filename, _("Pending registrations"))
    page = paginate(request, units)
    rows = [pending_row(unit) for unit in page]
    context = {"page": page, "rows": rows, "table": PENDING_COLUMNS.table(rows)}
    return render(request, "portal/review/pending.html", context)


# --- 4. agreements about to expire ----------------------------------------------------------


def expiring_agreements(user, today):
    """Agreements expiring soon (``AgreementQuerySet.expiring_soon``), of units not yet
    dissolved."""
    units = active_units(user).exclude(dissolved_on__lte=today)
    return (
        CollectiveAgreement.objects.filter(enterprise__in=units.values("pk"))
        .expiring_soon(today)
        .select_related("enterprise")
        .order_by("expires_on", "enterprise__name", "pk")
    )


# The agreement lists head the unit's column "Unit" on the page, "Name" in the file.
AGREEMENT_UNIT = replace(NAME, page_heading=gettext_lazy("Unit"), cell=unit_link)
SIGNED_ON = Column(gettext_lazy("Signed on"), lambda row: row["agreement"].signed_on)

EXPIRING_COLUMNS = Columns(
    TAX_CODE,
    AGREEMENT_UNIT,
    SIGNED_ON,
    Column(
        gettext_lazy("Effective from"), lambda row: row["agreement"].effective_from, on_page=False
    ),
    Column(gettext_lazy("Expires on"), lambda row: row["agreement"].expires_on),
    Column(gettext_lazy("Days left"), lambda row: row["days_left"], numeric=True),
)


def expiring_row(agreement, today):
    days_left = (agreement.expires_on - today).days
    return {"agreement": agreement, "unit": agreement.enterprise, "days_left": days_left}


@reviewer_view
def expiring(request):
    today = timezone.localdate()
    agreements = expiring_agreements(request.user, today)
    fmt = export_format(request)
    if fmt:
        rows = (expiring_row(a, today) for a in agreements.iterator(chunk_size=2000))
        filename = f"expiring-agreements-{today.isoformat()}"
        return list_export(EXPIRING_COLUMNS, rows, fmt, filename, _("Expiring agreements"))
    page = paginate(request, agreements)
    rows = [expiring_row(a, today) for a in page]
    context = {
        "page": page,
        "rows": rows,
        "table": EXPIRING_COLUMNS.table(rows),
        "window": CollectiveAgreement.EXPIRY_WARNING_DAYS,
        "today": today,
    }
    return render(request, "portal/review/expiring.html", context)


# --- 5. agreements submitted late, or not yet submitted past the deadline -------------------


def late_agreements(user, today):
    """Agreements submitted late or not submitted past the deadline
    (``AgreementQuerySet.late``)."""
    return (
        CollectiveAgreement.objects.filter(enterprise__in=active_units(user).values("pk"))
        .late(today)
        .select_related("enterprise")
        .order_by("-signed_on", "enterprise__name", "pk")
    )


LATE_COLUMNS = Columns(
    TAX_CODE,
    AGREEMENT_UNIT,
    SIGNED_ON,
    Column(
        gettext_lazy("Submitted on"),
        lambda row: row["agreement"].submitted_on,
        blank=gettext_lazy("Not submitted"),
    ),
    Column(gettext_lazy("Days late"), lambda row: row["days_late"], numeric=True),
)


def late_row(agreement, today):
    days_late = agreement.days_late(today)
    return {"agreement": agreement, "unit": agreement.enterprise, "days_late": days_late}


@reviewer_view
def late(request):
    today = timezone.localdate()
    agreements = late_agreements(request.user, today)
    fmt = export_format(request)
    if fmt:
        rows = (late_row(a, today) for a in agreements.iterator(chunk_size=2000))
        filename = f"late-agreements-{today.isoformat()}"
        return list_export(LATE_COLUMNS, rows, fmt, filename, _("Late agreements"))
    page = paginate(request, agreements)
    rows = [late_row(a, today) for a in page]
    context = {
        "page": page,
        "rows": rows,
        "table": LATE_COLUMNS.table(rows),
        "days": CollectiveAgreement.SUBMISSION_DAYS,
    }
    return render(request, "portal/review/late.html", context)


urlpatterns = [
    path("review/", dashboard, name="review"),
    path("review/units/", unit_list, name="review_units"),
    path("review/pending/", pending, name="review_pending"),
    path("review/expiring/", expiring, name="review_expiring"),
    path("review/late/", late, name="review_late"),
]
