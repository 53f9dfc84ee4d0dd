"""The reviewer's workspace: coverage of their scope and the lists that say whom to chase.

Every query starts from ``Enterprise.objects.visible_to(user)``. A code given in the query
string (area, union body, sector, period) is looked up before use and an unknown one is a 404;
a union body outside the user's subtree is unknown to them, so a filter can narrow a list but
never widen it. Each list is one query for its rows however many units there are, and each
exports to CSV or XLSX with exactly the rows of the filtered list.
"""

import datetime
import io
import re

from django.core.paginator import Paginator
from django.db.models import DateField, ExpressionWrapper, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.compliance import (
    FALLS_SHORT,
    NOT_REQUIRED,
    Figures,
    compute_coverage,
    format_ratio,
    standing_from_row,
)
from workplace.models import (
    CollectiveAgreement,
    Enterprise,
    ReportingPeriod,
    Sector,
    UnionBody,
)
from workplace.slices import chosen_period, slice_units
from workplace.spreadsheets import XLSX_CONTENT_TYPE, write_csv, write_xlsx

from .access import reviewer_view

PAGE_SIZE = 50
EXPIRY_WINDOW_DAYS = 90
EXPORT_FORMATS = ("csv", "xlsx")

# The unit list's views beside "every unit", by their query-string switch: the units that fall
# short, and those not required to hold a worker conference (which cannot fall short of it).
STANDING_FILTERS = {"shortfall": FALLS_SHORT, "not_required": NOT_REQUIRED}


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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        write_csv(rows, response)
    else:
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, _sheet_title(title))
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def yes_no(flag):
    return _("Yes") if flag else _("No")


def list_url(name, **params):
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse(name) + (f"?{query}" if query else "")


def active_units(user):
    """The user's units that are real enterprises (a rejected registration is not one)."""
    return Enterprise.objects.visible_to(user).exclude(
        registration=Enterprise.Registration.REJECTED
    )


# --- 1. the dashboard: coverage of the user's scope -----------------------------------------

BREAKDOWN_CAPTIONS = {
    "area": lambda: _("Coverage by area"),
    "union_body": lambda: _("Coverage by union body"),
    "sector": lambda: _("Coverage by sector"),
}


def indicator_labels():
    """Export headers for every figure of a coverage row, in ``INDICATOR_KEYS`` order."""
    return {
        "units": _("Units"),
        "eligible": _("Eligible"),
        "conference_held": _("Conference held"),
        "conference_rate": _("Conference rate (%)"),
        "agreement_in_force": _("Agreement in force"),
        "agreement_rate": _("Agreement rate (%)"),
        "periodic_dialogue_held": _("Periodic dialogue held"),
        "periodic_dialogue_rate": _("Periodic dialogue rate (%)"),
        "dialogues": _("Dialogues"),
        "dialogues_periodic": _("Periodic dialogues"),
        "dialogues_ad_hoc": _("Ad hoc dialogues"),
        "agreements_signed": _("Agreements signed"),
        "declared": _("Headcount declared"),
        "declared_rate": _("Declared rate (%)"),
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


# The figures of ``display_row`` the dashboard shows, in order, with their labels.
DISPLAYED_FIGURES = {
    "units": gettext_lazy("Units in scope"),
    "eligible": gettext_lazy("Eligible"),
    "conference": gettext_lazy("Worker conference held"),
    "agreement": gettext_lazy("Collective agreement in force"),
    "periodic_dialogue": gettext_lazy("Periodic dialogue held"),
    "dialogues": gettext_lazy("Dialogues"),
    "declared": gettext_lazy("Headcount declared"),
}


def display_row(row, url=None):
    return {
        "code": row.get("code", ""),
        "name": row["name"],
        "url": url,
        "units": row["units"],
        "eligible": row["eligible"],
        "conference": format_ratio(row["conference_held"], row["eligible"], row["conference_rate"]),
        "agreement": format_ratio(
            row["agreement_in_force"], row["eligible"], row["agreement_rate"]
        ),
        "periodic_dialogue": format_ratio(
            row["periodic_dialogue_held"], row["eligible"], row["periodic_dialogue_rate"]
        ),
        "dialogues": row["dialogues"],
        "declared": format_ratio(row["declared"], row["units"], row["declared_rate"]),
    }


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
        for key, label in DISPLAYED_FIGURES.items()
    ]


def coverage_tables(report, user, period):
    tables = []
    for by, caption in BREAKDOWN_CAPTIONS.items():
        rows = [
            display_row(
                row, list_url("portal:review_units", period=period.slug, **{by: row["code"]})
            )
            for row in scoped_breakdown(report, by, user)
        ]
        tables.append({"by": by, "caption": caption(), "rows": rows})
    return tables


def coverage_export(report, by, user, period, fmt):
    labels = indicator_labels()
    keys = list(labels)
    header = [_("Code"), _("Name"), *labels.values()]
    rows = [header]
    rows += [
        [row["code"], row["name"], *(row[k] for k in keys)]
        for row in scoped_breakdown(report, by, user)
    ]
    rows.append(["", _("Total"), *(report["totals"][k] for k in keys)])
    return spreadsheet_response(
        rows, fmt, f"coverage-{by.replace('_', '-')}-{period.slug}", BREAKDOWN_CAPTIONS[by]()
    )


@reviewer_view
def dashboard(request):
    user = request.user
    period = chosen_period(request)
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
        "periods": ReportingPeriod.objects.defer("snapshot"),
        "pending_count": units.filter(registration=Enterprise.Registration.PENDING).count(),
        "totals": totals,
        "frozen": frozen and figure_list(frozen),
        "live_figures": totals and figure_list(totals, frozen),
        "tables": coverage_tables(report, user, period) if report else [],
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
    units, kept, described = slice_units(
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


def unit_export_line(unit, standing):
    return [
        unit.tax_code,
        unit.name,
        unit.get_sector_display(),
        unit.area.name,
        unit.union_body.name,
        yes_no(unit.eligible),
        " ".join(standing.falls_short),
        " ".join(standing.not_required),
    ]


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


def units_export(rows, period, fmt):
    header = [
        _("Tax code"),
        _("Name"),
        _("Sector"),
        _("Area"),
        _("Union body"),
        _("Eligible"),
        _("Why it falls short"),
        _("Why it is not required to hold a worker conference"),
    ]
    lines = (
        unit_export_line(unit, standing_from_row(unit, period))
        for unit in rows.iterator(chunk_size=2000)
    )
    return spreadsheet_response(
        [header, *lines], fmt, f"units-{period.slug}", _("Units %(period)s") % {"period": period}
    )


@reviewer_view
def unit_list(request):
    period = chosen_period(request)
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
    context = {
        "period": period,
        "periods": ReportingPeriod.objects.defer("snapshot"),
        "kept": kept,
        "hidden": [(k, v) for k, v in kept.items() if k != "q"],
        "described": described,
        "shown": shown,
        "standing_links": standing_links(period, kept),
        "page": page,
        "rows": [{"unit": unit, "standing": standing_from_row(unit, period)} for unit in page],
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


@reviewer_view
def pending(request):
    units = pending_units(request.user)
    fmt = export_format(request)
    if fmt:
        header = [
            _("Tax code"),
            _("Name"),
            _("Sector"),
            _("Area"),
            _("Union body"),
            _("Registered on"),
            _("Registered by"),
        ]
        lines = (
            [
                unit.tax_code,
                unit.name,
                unit.get_sector_display(),
                unit.area.name,
                unit.union_body.name,
                registered_on(unit),
                str(unit.registered_by) if unit.registered_by else "",
            ]
            for unit in units.iterator(chunk_size=2000)
        )
        filename = f"pending-registrations-{timezone.localdate().isoformat()}"
        return spreadsheet_response([header, *lines], fmt, filename, _("Pending registrations"))
    page = paginate(request, units)
    rows = [{"unit": unit, "registered_on": registered_on(unit)} for unit in page]
    return render(request, "portal/review/pending.html", {"page": page, "rows": rows})


# --- 4. agreements about to expire ----------------------------------------------------------


def expiring_agreements(user, today):
    """Agreements expiring between today and today + 90 days, of units not yet dissolved."""
    units = active_units(user).exclude(dissolved_on__lte=today)
    last_day = today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    return (
        CollectiveAgreement.objects.filter(
            enterprise__in=units.values("pk"), expires_on__range=(today, last_day)
        )
        .select_related("enterprise")
        .order_by("expires_on", "enterprise__name", "pk")
    )


@reviewer_view
def expiring(request):
    today = timezone.localdate()
    agreements = expiring_agreements(request.user, today)
    fmt = export_format(request)
    if fmt:
        header = [
            _("Tax code"),
            _("Name"),
            _("Signed on"),
            _("Effective from"),
            _("Expires on"),
            _("Days left"),
        ]
        lines = (
            [
                a.enterprise.tax_code,
                a.enterprise.name,
                a.signed_on,
                a.effective_from,
                a.expires_on,
                (a.expires_on - today).days,
            ]
            for a in agreements.iterator(chunk_size=2000)
        )
        filename = f"expiring-agreements-{today.isoformat()}"
        return spreadsheet_response([header, *lines], fmt, filename, _("Expiring agreements"))
    page = paginate(request, agreements)
    rows = [{"agreement": a, "days_left": (a.expires_on - today).days} for a in page]
    context = {"page": page, "rows": rows, "window": EXPIRY_WINDOW_DAYS, "today": today}
    return render(request, "portal/review/expiring.html", context)


# --- 5. agreements submitted late, or not yet submitted past the deadline -------------------


def late_agreements(user, today):
    """Submitted more than 10 days after signing, or still unsubmitted 10 days on."""
    allowed = datetime.timedelta(days=CollectiveAgreement.SUBMISSION_DAYS)
    deadline = ExpressionWrapper(F("signed_on") + allowed, output_field=DateField())
    return (
        CollectiveAgreement.objects.filter(enterprise__in=active_units(user).values("pk"))
        .annotate(deadline=deadline)
        .filter(
            Q(submitted_on__gt=F("deadline"))
            | Q(submitted_on__isnull=True, signed_on__lt=today - allowed)
        )
        .select_related("enterprise")
        .order_by("-signed_on", "enterprise__name", "pk")
    )


def days_late(agreement, today):
    deadline = agreement.signed_on + datetime.timedelta(days=CollectiveAgreement.SUBMISSION_DAYS)
    return ((agreement.submitted_on or today) - deadline).days


@reviewer_view
def late(request):
    today = timezone.localdate()
    agreements = late_agreements(request.user, today)
    fmt = export_format(request)
    if fmt:
        header = [
            _("Tax code"),
            _("Name"),
            _("Signed on"),
            _("Submitted on"),
            _("Days late"),
        ]
        lines = (
            [
                a.enterprise.tax_code,
                a.enterprise.name,
                a.signed_on,
                a.submitted_on,
                days_late(a, today),
            ]
            for a in agreements.iterator(chunk_size=2000)
        )
        filename = f"late-agreements-{today.isoformat()}"
        return spreadsheet_response([header, *lines], fmt, filename, _("Late agreements"))
    page = paginate(request, agreements)
    rows = [{"agreement": a, "days_late": days_late(a, today)} for a in page]
    context = {"page": page, "rows": rows, "days": CollectiveAgreement.SUBMISSION_DAYS}
    return render(request, "portal/review/late.html", context)


urlpatterns = [
    path("review/", dashboard, name="review"),
    path("review/units/", unit_list, name="review_units"),
    path("review/pending/", pending, name="review_pending"),
    path("review/expiring/", expiring, name="review_expiring"),
    path("review/late/", late, name="review_late"),
]
